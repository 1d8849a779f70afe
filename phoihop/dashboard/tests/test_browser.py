"""The home pages, the dashboard and the completeness matrix in a real browser, phone-sized:
no horizontal scroll at 360 px, no serious accessibility violation, charts that draw
under the strict CSP. With PHOIHOP_GUIDE_SCREENSHOTS=1 the screenshots of the user guide
(docs/huong-dan/img/) are written again."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest

from phoihop.activities import services as activity_services
from phoihop.activities.tests import factories
from phoihop.core import clock
from phoihop.core.testing.browser import serious_accessibility_violations
from phoihop.geo.choices import AreaKind
from phoihop.geo.models import AreaClassification
from phoihop.programs.models import Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE_IMAGES = Path(__file__).resolve().parents[3] / "docs" / "huong-dan" / "img"
WIDE = {"width": 1280, "height": 900}


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    if os.environ.get("PHOIHOP_GUIDE_SCREENSHOTS"):
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GUIDE_IMAGES / name), full_page=full_page)


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _data(world):
    s = factories.setup(world)
    # A vùng sâu commune and a target, so that every chart has something to draw.
    for obj in (
        AreaClassification(
            unit=world.commune, kind=AreaKind.DEEP, valid_from=datetime.date(2020, 1, 1)
        ),
        Target(indicator=s.sessions, value=Decimal(10)),
    ):
        obj.full_clean()
        obj.save()
    with clock.frozen_at(datetime.datetime(2023, 4, 5, 9, 0)):  # noqa: DTZ001 - made aware
        factories.approved(s, co_organizations=[world.org_b])  # Q1, on time
        activity_services.nil_report_create(
            actor=s.user("focal_b"),
            program=s.program,
            organization=world.org_b,
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 3, 31),
        )
    factories.approved(
        s,
        title="Hiến máu tình nguyện tại xã Mai Châu",
        start_date=datetime.date(2023, 5, 14),
        end_date=datetime.date(2023, 5, 14),
    )
    factories.report(s, title="Tuyên truyền Luật Dân quân tự vệ (bản nháp)")
    sent = factories.submitted(s, title="Hội thi tìm hiểu pháp luật về biển, đảo")
    activity_services.activity_return(
        actor=s.user("secretariat"),
        activity=sent,
        reason="Bổ sung số người tham gia theo đối tượng",
    )
    factories.submitted(s, title="Thăm, tặng quà gia đình chính sách")
    return s


def _charts_drawn(page) -> int:
    """How many chart images the browser decoded (a CSP-blocked image has no width)."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('.chart-block img'))"
        ".filter(i => i.complete && i.naturalWidth > 0).length"
    )


def test_focal_point_home_fits_a_phone(page, sign_in, world):
    _data(world)
    sign_in(world.user("focal_a"))
    page.goto("/home/")
    page.wait_for_url("**/app/")
    assert page.get_by_role("heading", name="Báo cáo bị trả lại").is_visible()
    assert "Bổ sung số người tham gia theo đối tượng" in page.content()
    assert "Tuyên truyền Luật Dân quân tự vệ (bản nháp)" in page.content()
    assert scroll_width(page) <= 360
    assert serious_accessibility_violations(page) == []
    screenshot(page, "dau-moi-trang-lam-viec.png")


def test_dashboard_fits_a_phone_and_draws_its_charts(page, sign_in, world):
    _data(world)
    sign_in(world.user("leader"))
    page.goto("/app/dashboard/")
    assert page.get_by_role("heading", name="Bảng điều khiển", level=1).is_visible()
    assert _charts_drawn(page) == 6
    assert scroll_width(page) <= 360
    assert serious_accessibility_violations(page) == []
    screenshot(page, "lanh-dao-bang-dieu-khien-dien-thoai.png", full_page=False)
    page.set_viewport_size(WIDE)
    screenshot(page, "lanh-dao-bang-dieu-khien.png")


def test_secretariat_home_and_completeness_matrix(page, sign_in, world):
    _data(world)
    sign_in(world.user("secretariat"))
    page.goto("/app/")
    assert page.get_by_role("heading", name="Chờ duyệt").is_visible()
    assert scroll_width(page) <= 360
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size(WIDE)
    screenshot(page, "thuong-truc-trang-lam-viec.png")
    page.get_by_role("link", name="Mở bảng tình hình báo cáo").click()
    page.wait_for_url("**/app/completeness/**")
    assert page.locator("td.missing").count() > 0
    assert serious_accessibility_violations(page) == []
    screenshot(page, "thuong-truc-tinh-hinh-bao-cao.png")
    page.set_viewport_size({"width": 360, "height": 640})
    page.reload()
    assert scroll_width(page) <= 360
