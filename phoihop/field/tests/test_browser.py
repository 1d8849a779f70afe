"""The offline journey in Debian's Chromium, phone-sized: no network, two reports with a
photo, a reload with no network, then the network back and each report there once."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from phoihop.activities import services as activity_services
from phoihop.activities.models import Activity, Attachment
from phoihop.activities.tests import factories
from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def s(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return factories.setup(world)


def open_app(page, sign_in, user):
    sign_in(user)
    page.goto("/app/field/")
    page.wait_for_selector("#field-app[data-ready='1']", state="attached")
    # The worker controls the page before the network goes away.
    page.wait_for_selector("#field-app[data-worker='1']", state="attached")
    page.wait_for_selector("#field-app:not([data-syncing])", state="attached")


def fill_report(page, s, title, *, photo: bytes | None = None):
    page.get_by_role("button", name="Báo cáo mới").click()
    # Fields by id: their labels come from the shared catalogs.
    page.locator("#f-content").select_option(str(s.content.pk))
    page.locator("#f-title").fill(title)
    page.locator("#f-start").fill("2023-03-27")
    page.locator("#f-commune").fill("mai chau")  # no accents: still found
    page.get_by_role("option", name="Thị trấn Mai Châu").click()
    page.locator(f"#f-tg-{s.cadres.pk}").fill("15")
    page.locator(f"#f-ind-{s.sessions.pk}").fill("2")
    if photo is not None:
        page.set_input_files(
            "#f-photos", files=[{"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
        page.locator("#f-caption").fill("Buổi tuyên truyền tại bản")
    page.get_by_role("button", name="Lưu trên máy này").click()


def pending(page) -> str:
    return page.locator("#field-pending-count").inner_text()


def test_reports_made_with_no_network_arrive_once_when_it_returns(page, sign_in, s):
    open_app(page, sign_in, s.user("focal_a"))
    assert horizontal_overflow(page) <= 0
    assert serious_accessibility_violations(page) == []

    page.context.set_offline(True)
    # Offline for real: the page itself cannot reach the server.
    assert page.evaluate("fetch('/healthz').then(() => 'reached', () => 'failed')") == "failed"
    fill_report(page, s, "Tuyên truyền ở bản Lác", photo=factories.jpeg_with_exif((2400, 1800)))
    page.wait_for_selector("#field-app[data-pending='1']", state="attached")
    fill_report(page, s, "Tuyên truyền ở bản Pom Coọng")
    page.wait_for_selector("#field-app[data-pending='2']", state="attached")
    assert "Không có mạng" in page.locator("#field-network").inner_text()
    assert horizontal_overflow(page) <= 0

    # The app opens again with no network, with both reports still waiting.
    response = page.reload()
    assert response is not None
    assert response.from_service_worker
    page.wait_for_selector("#field-app[data-ready='1']", state="attached")
    assert pending(page) == "2"
    assert Activity.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#field-app[data-pending='0']", state="attached")
    titles = sorted(Activity.objects.values_list("title", flat=True))
    assert titles == ["Tuyên truyền ở bản Lác", "Tuyên truyền ở bản Pom Coọng"]
    lac = Activity.objects.get(title="Tuyên truyền ở bản Lác")
    photos = list(Attachment.objects.filter(activity=lac))
    assert len(photos) == 1
    assert photos[0].caption == "Buổi tuyên truyền tại bản"
    # Shrunk on the phone: the long side is at most 1,600 px.
    from PIL import Image

    with Image.open(photos[0].file.path) as image:
        assert max(image.size) <= 1600

    # A retried upload (the answer was lost) creates nothing more.
    uuid = str(lac.uuid)
    again = page.evaluate(
        """async (body) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const r = await fetch('/app/field/sync/', {method: 'POST', body,
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
            return r.status;
        }""",
        json.dumps(
            {
                "uuid": uuid,
                "base_version": None,
                "organization": s.world.org_a.pk,
                "content": s.content.pk,
                "title": "Tuyên truyền ở bản Lác",
                "start_date": "2023-03-27",
                "locality": s.world.commune.pk,
            }
        ),
    )
    assert again == 200
    assert Activity.objects.count() == 2


def test_a_report_changed_on_the_server_while_offline_is_shown_both_ways(page, sign_in, s):
    report = factories.report(s, title="Bản gốc")
    open_app(page, sign_in, s.user("focal_a"))
    page.wait_for_selector(f"[data-uuid='{report.uuid}']")

    page.context.set_offline(True)
    page.locator(f"[data-uuid='{report.uuid}'] button[data-edit]").click()
    page.locator("#f-title").fill("Sửa trên điện thoại")
    page.get_by_role("button", name="Lưu trên máy này").click()
    # Meanwhile someone edits the same report on the server.
    activity_services.activity_update(
        actor=s.user("focal_a"),
        activity=report,
        expected_version=report.version,
        title="Sửa trên máy tính",
    )
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator(f"[data-uuid='{report.uuid}'] button[data-choose]").click()
    conflict = page.locator("#field-conflict")
    expect(conflict.locator("#field-conflict-mine")).to_contain_text("Sửa trên điện thoại")
    expect(conflict.locator("#field-conflict-server")).to_contain_text("Sửa trên máy tính")
    assert horizontal_overflow(page) <= 0
    report.refresh_from_db()
    assert report.title == "Sửa trên máy tính"  # nothing was overwritten silently
    page.get_by_role("button", name="Giữ bản của tôi").click()
    page.wait_for_selector("#field-app[data-pending='0']", state="attached")
    report.refresh_from_db()
    assert report.title == "Sửa trên điện thoại"


def test_signing_out_removes_what_the_phone_kept(page, sign_in, s):
    open_app(page, sign_in, s.user("focal_a"))
    page.context.set_offline(True)
    fill_report(page, s, "Chưa gửi")
    page.wait_for_selector("#field-app[data-pending='1']", state="attached")
    page.context.set_offline(False)
    # Keep it from being sent first: the person signs out straight away.
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất và xóa dữ liệu trên máy này").click()
    page.wait_for_load_state()
    left = page.evaluate(
        """async () => {
            const dbs = await indexedDB.databases();
            const keys = await caches.keys();
            return {dbs: dbs.map(d => d.name), caches: keys};
        }"""
    )
    assert not [name for name in left["dbs"] if name.startswith("phoihop-field-")]
    assert not [name for name in left["caches"] if name.startswith("phoihop-field-")]


def test_the_sites_own_sign_out_button_also_clears_the_phone(page, sign_in, s):
    open_app(page, sign_in, s.user("focal_a"))
    page.context.set_offline(True)
    fill_report(page, s, "Chưa gửi")
    page.wait_for_selector("#field-app[data-pending='1']", state="attached")
    page.context.set_offline(False)
    with page.expect_navigation():
        page.locator("form[data-signout] button").click()
    page.wait_for_load_state()
    left = page.evaluate(
        """async () => {
            const dbs = await indexedDB.databases();
            const keys = await caches.keys();
            return {dbs: dbs.map(d => d.name), caches: keys};
        }"""
    )
    assert not [name for name in left["dbs"] if name.startswith("phoihop-")]
    assert not [name for name in left["caches"] if name.startswith("phoihop-")]
