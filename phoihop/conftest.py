"""Fixtures shared by every app's tests: the small world and a client per role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from phoihop.core.testing.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(world):
    """`client_for("focal_a")`: a test client signed in as that role's user."""

    def make(role: str) -> Client:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session")
def chromium():
    from phoihop.core.testing.browser import launch

    yield from launch()


@pytest.fixture
def page(chromium, live_server):
    """A phone-sized page (360×640, Vietnamese locale) whose base URL is the live server."""
    from phoihop.core.testing.browser import PHONE

    context = chromium.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """`sign_in(user)`: the page's browser gets that user's session cookie."""
    from django.conf import settings
    from django.test import Client

    def do(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return do


def pytest_configure(config):
    """Compile the catalogs whose .mo is missing or older than the .po, so that a bare
    `pytest` sees the same Vietnamese as `make test` (which compiles them first)."""
    import os
    import subprocess

    for po in Path(__file__).parent.glob("*/locale/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            # Several xdist workers may do this at once: write aside, then rename.
            tmp = mo.with_suffix(f".mo.{os.getpid()}")
            subprocess.run(["msgfmt", "--check-format", "-o", str(tmp), str(po)], check=True)  # noqa: S603, S607
            os.replace(tmp, mo)
