"""Onboarding in a phone-sized browser: the secretariat uploads a sheet, hands out the
one-time password shown once; the new focal point's first sign-in forces a password of
their own before anything else."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from phoihop.core.models import User
from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_and_is_accessible(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    assert horizontal_overflow(page) <= 0, page.url
    assert serious_accessibility_violations(page) == [], page.url


def test_onboarded_focal_point_must_change_the_one_time_password(page, sign_in, world, tmp_path):
    book = Workbook()
    book.active.append(["Họ và tên", "Tổ chức", "Điện thoại", "Email"])
    book.active.append(["Vũ Thị Hạnh", "Hội CTĐ tỉnh", "0912000111", "hanh@example.org"])
    sheet = tmp_path / "nguoi.xlsx"
    book.save(sheet)

    sign_in(world.user("secretariat"))
    page.goto("/app/orgs/people/")
    fits_and_is_accessible(page)
    page.get_by_role("link", name="Thêm người từ bảng tính").first.click()
    page.wait_for_url("**/app/orgs/people/import/")
    fits_and_is_accessible(page)
    page.get_by_label("Danh sách người (.xlsx hoặc .csv)").set_input_files(str(sheet))
    page.get_by_role("button", name="Kiểm tra và tạo tài khoản").click()
    page.wait_for_selector("#new-accounts")
    fits_and_is_accessible(page)
    cells = page.locator("#new-accounts tbody tr").first.locator("td")
    username, password = cells.nth(4).inner_text(), cells.nth(5).inner_text()
    assert username == "hanhvt"
    assert User.objects.get(username=username).must_change_password

    # The new focal point signs in on her own phone.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/accounts/password/")
    # Any other page sends her back until the password is changed.
    page.goto("/app/programs/")
    assert page.url.endswith("/accounts/password/")
    fits_and_is_accessible(page)
    page.get_by_label("Mật khẩu cũ").fill(password)
    page.get_by_label("Mật khẩu mới", exact=True).fill("Hanh-mat-khau-rieng-2026")
    page.get_by_label("Xác nhận mật khẩu mới").fill("Hanh-mat-khau-rieng-2026")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.wait_for_url("**/accounts/password/done/")
    page.goto("/app/programs/")
    assert page.url.endswith("/app/programs/")
    assert not User.objects.get(username=username).must_change_password


def test_reset_password_without_email(page, sign_in, world):
    sign_in(world.user("secretariat"))
    page.goto(f"/app/orgs/accounts/{world.user('focal_b').pk}/password/")
    page.get_by_role("button", name="Cấp lại mật khẩu").click()
    password = page.locator("#one-time-password").inner_text()
    assert len(password) == 14
    fits_and_is_accessible(page)
    assert User.objects.get(username="focal_b").must_change_password
