"""The secretariat edits a section of the report on a phone-sized page (htmx, in place),
drafts the rest from the figures, and finalizes; every page fits 360 px."""

from __future__ import annotations

import pytest

from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations
from phoihop.reviews.models import ReviewSection

from . import routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_and_is_accessible(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    assert horizontal_overflow(page) <= 0, page.url
    assert serious_accessibility_violations(page) == [], page.url


def test_edit_a_section_in_place_then_finalize(page, sign_in, world):
    review = routes.review_of(world)
    sign_in(world.user("secretariat"))
    page.goto(f"/app/reviews/{review.pk}/")
    fits_and_is_accessible(page)
    section = page.locator("#section-lessons")
    section.get_by_role("link", name="Sửa").click()
    editor = page.locator("#section-lessons textarea")
    editor.wait_for()
    assert page.url.endswith(f"/app/reviews/{review.pk}/")  # edited in place
    editor.fill("Bài học thứ nhất.\nBài học thứ hai.")
    page.locator("#section-lessons").get_by_role("button", name="Lưu").click()
    page.locator("#section-lessons .tag").wait_for()
    assert "Bài học thứ hai." in page.locator("#section-lessons").inner_text()
    assert ReviewSection.objects.get(review=review, key="lessons").text.endswith("thứ hai.")

    page.get_by_role("button", name="Dự thảo các mục còn trống từ số liệu").click()
    page.wait_for_load_state()
    assert ReviewSection.objects.filter(review=review).count() == 9
    page.get_by_role("button", name="Hoàn tất (chốt số liệu)").click()
    page.wait_for_load_state()
    assert page.get_by_text("SHA-256").count() == 1
    fits_and_is_accessible(page)
    for path in ("commendations/", "conference/", "carry-over/"):
        page.goto(f"/app/reviews/{review.pk}/{path}")
        fits_and_is_accessible(page)
