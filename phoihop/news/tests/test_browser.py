"""A newcomer publishes an article with a photo and finds it by searching without
accents; an anonymous visitor sees only what is published. Phone-sized, axe-scanned."""

from __future__ import annotations

import pytest

from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations
from phoihop.news.tests import support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english():  # the news conftest reads messages in English; the browser reads Vietnamese
    return None


def fits(page):
    assert horizontal_overflow(page) <= 0, page.url
    assert serious_accessibility_violations(page) == [], page.url


def test_editor_publishes_with_a_photo_and_anyone_finds_it(page, sign_in, world, media, tmp_path):
    support.draft_article(world)  # internal, must never show to the public
    sign_in(world.user("editor"))
    page.goto("/news/manage/new/")
    fits(page)
    page.get_by_role("textbox", name="Tiêu đề").fill(
        "Đảng ủy Quân sự tỉnh phối hợp tổ chức hiến máu"
    )
    page.get_by_role("textbox", name="Sapo").fill("Hơn 300 đoàn viên tham gia ngày hội.")
    page.get_by_role("textbox", name="Nội dung").fill("<p>Ngày hội diễn ra tại Hòa Bình.</p>")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/news/manage/*/")
    photo = tmp_path / "anh.jpg"
    photo.write_bytes(support.jpeg((2000, 1500)))
    page.locator("#id_image").set_input_files(str(photo))
    page.locator("#id_alt_text").fill("Đoàn viên hiến máu")
    page.locator("#id_caption").fill("Ngày hội hiến máu")
    page.locator("form:has(#id_image) button").click()
    page.locator("form:has(input[value=submit]) button").click()
    page.locator("form:has(input[value=publish]) button").click()
    assert "Đã đăng bài." in page.locator("[role=status]").inner_text()
    fits(page)

    anonymous = page.context.browser.new_context(
        viewport={"width": 360, "height": 640}, locale="vi-VN", base_url=page.url.split("/news/")[0]
    )
    visitor = anonymous.new_page()
    visitor.goto("/")
    fits(visitor)
    assert "Bản nháp nội bộ" not in visitor.content()
    visitor.get_by_role("searchbox").first.fill("dang uy quan su hien mau")
    visitor.get_by_role("button", name="Tìm kiếm").first.click()
    visitor.wait_for_url("**/search/**")
    fits(visitor)
    visitor.get_by_role("link", name="Đảng ủy Quân sự tỉnh phối hợp tổ chức hiến máu").click()
    visitor.wait_for_url("**/tin-tuc/**")
    fits(visitor)
    assert visitor.get_by_role("img", name="Đoàn viên hiến máu").is_visible()
    assert "Ngày hội hiến máu" in visitor.content()
    visitor.goto("/search/?q=ban+nhap+noi+bo")
    assert "Bản nháp nội bộ" not in visitor.content()
    anonymous.close()
