"""The user guide's screenshots of the other apps' pages (docs/huong-dan/img/).

Each page is visited as the role the guide describes it for, if its URL exists in this
build; it must answer and carry a heading. With PHOIHOP_GUIDE_SCREENSHOTS=1 the
screenshots are written again (see docs/huong-dan/quan-tri.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity
from phoihop.dashboard.tests.test_browser import WIDE, _data, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}


def _returned(s: Any) -> dict[str, Any]:
    return {"pk": Activity.objects.get(status=ActivityStatus.RETURNED).pk}


def _approved(s: Any) -> dict[str, Any]:
    return {"pk": Activity.objects.filter(status=ActivityStatus.APPROVED).first().pk}


def _program(s: Any) -> dict[str, Any]:
    return {"pk": s.program.pk}


# (image, role, URL name, kwargs from the setup, viewport)
PAGES: list[tuple[str, str, str, Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = [
    ("dau-moi-bao-cao-moi.png", "focal_a", "activities:create", None, PHONE),
    ("dau-moi-bao-cao-bi-tra-lai.png", "focal_a", "activities:detail", _returned, PHONE),
    ("dau-moi-danh-sach-bao-cao.png", "focal_a", "activities:list", None, PHONE),
    ("dau-moi-thong-bao.png", "focal_a", "core:notifications", None, PHONE),
    ("thuong-truc-cho-duyet.png", "secretariat", "activities:queue", None, WIDE),
    ("thuong-truc-bao-cao.png", "secretariat", "activities:detail", _approved, WIDE),
    ("thuong-truc-chuong-trinh.png", "secretariat", "programs:list", None, WIDE),
    ("thuong-truc-chi-tiet-chuong-trinh.png", "secretariat", "programs:detail", _program, WIDE),
    ("thuong-truc-sao-chep-chuong-trinh.png", "secretariat", "programs:clone", None, WIDE),
    ("thuong-truc-can-bo.png", "secretariat", "orgs:people", None, WIDE),
    ("thuong-truc-nhap-danh-sach.png", "secretariat", "orgs:people_import", None, WIDE),
    ("thuong-truc-mo-hinh.png", "secretariat", "practices:list", None, WIDE),
    ("thuong-truc-mo-hinh-nhan-rong.png", "secretariat", "practices:recommended", None, WIDE),
    ("thuong-truc-so-ket.png", "secretariat", "reviews:list", None, WIDE),
    ("dau-moi-nhap-excel.png", "focal_a", "exports:index", None, PHONE),
    ("dau-moi-dang-ky-mo-hinh.png", "focal_a", "practices:register", None, PHONE),
    ("lanh-dao-tong-hop-to-chuc.png", "leader", "dashboard:organization", None, WIDE),
    ("bien-tap-vien-tin-bai.png", "editor", "news:manage", None, WIDE),
    ("bien-tap-vien-viet-bai.png", "editor", "news:manage_new", None, WIDE),
    ("cong-khai-trang-chu.png", "anonymous", "news:home", None, WIDE),
]


def _url(name: str, kwargs: dict[str, Any]) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def test_guide_pages(page, sign_in, world):
    s = _data(world)
    visited = []
    for image, role, name, make_kwargs, viewport in PAGES:
        kwargs = make_kwargs(s) if make_kwargs else {}
        if name == "dashboard:organization":
            kwargs = {"pk": world.org_a.pk}
        url = _url(name, kwargs)
        if url is None:
            continue  # that app's page is not in this build
        page.context.clear_cookies()
        if role != "anonymous":
            sign_in(world.user(role))
        page.set_viewport_size(viewport)
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, f"{name} as {role}: {response.status}"
        assert page.locator("h1").count() >= 1, name
        screenshot(page, image)
        visited.append(name)
    assert "dashboard:organization" in visited
