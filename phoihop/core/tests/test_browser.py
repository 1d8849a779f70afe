"""Journeys in a real browser (Debian's Chromium), phone-sized."""

import pytest

from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations
from phoihop.core.testing.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_login_forces_a_password_change(page, world):
    user = world.user("focal_a")
    user.must_change_password = True
    user.save()
    page.goto("/accounts/login/")
    assert horizontal_overflow(page) <= 0
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Tên đăng nhập").fill("focal_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/accounts/password/")
    assert "mật khẩu dùng một lần" in page.content()
    page.get_by_label("Mật khẩu cũ").fill(PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill("Mat-khau-rieng-2026")
    page.get_by_label("Xác nhận mật khẩu mới").fill("Mat-khau-rieng-2026")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.wait_for_url("**/accounts/password/done/")
    page.goto("/home/")
    assert page.url.endswith("/app/")  # core:home sends on to the home page by role
    user.refresh_from_db()
    assert user.must_change_password is False


def test_wrong_password_says_what_to_fix(page, world):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("focal_a")
    page.get_by_label("Mật khẩu").fill("khong-dung")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.locator("[role=alert]").first.inner_text()
