"""The practice pages fit a 360-px phone and pass an axe scan."""

from __future__ import annotations

import pytest

from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations
from phoihop.practices.tests.conftest import advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_practice_pages_on_a_phone(page, sign_in, world, practice):
    advance(world, practice, "replicated")
    sign_in(world.user("secretariat"))
    for url in (
        "/app/practices/",
        "/app/practices/recommended/",
        f"/app/practices/{practice.pk}/",
        f"/app/practices/{practice.pk}/evaluate/",
        "/app/practices/new/",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        assert horizontal_overflow(page) <= 0, url
        assert serious_accessibility_violations(page) == [], url
    page.goto("/app/practices/recommended/")
    assert world.district.name in page.content()
