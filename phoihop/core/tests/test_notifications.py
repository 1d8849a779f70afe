"""In-app notifications: the service, the page, marking read, the header's badge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phoihop.core.models import Notification
from phoihop.core.services import notification_create, notifications_mark_read

pytestmark = pytest.mark.django_db


def test_create_one_row_per_distinct_recipient(world):
    focal = world.user("focal_a")
    rows = notification_create(
        recipients=[focal, focal.pk, None, world.user("focal_b")],
        kind="deadline",
        text="  Sắp đến hạn báo cáo quý II.  ",
        url="/app/activities/",
    )
    assert len(rows) == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [focal.pk, world.user("focal_b").pk]
    )
    assert Notification.objects.filter(text="Sắp đến hạn báo cáo quý II.").count() == 2
    assert notification_create(recipients=[], kind="x", text="y") == []


def test_mark_read_touches_only_the_actors_own(world):
    focal_a, focal_b = world.user("focal_a"), world.user("focal_b")
    (mine,) = notification_create(recipients=[focal_a], kind="k", text="Của A")
    (theirs,) = notification_create(recipients=[focal_b], kind="k", text="Của B")
    assert notifications_mark_read(actor=focal_a, notifications=[theirs]) == 0
    assert notifications_mark_read(actor=focal_a) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_page_badge_open_and_read_all(world, client_for):
    focal = world.user("focal_a")
    first, second = (
        notification_create(recipients=[focal], kind="returned", text=t, url=u)[0]
        for t, u in (
            ("Báo cáo bị trả lại", "/app/activities/"),
            ("Ngoài trang", "https://x.example/"),
        )
    )
    client = client_for("focal_a")
    page = client.get(reverse("core:notifications")).content.decode()
    assert "Báo cáo bị trả lại" in page
    assert 'class="badge">2' in page
    assert (
        "Báo cáo bị trả lại"
        not in client_for("focal_b").get(reverse("core:notifications")).content.decode()
    )

    response = client.post(reverse("core:notification_open", args=[first.pk]))
    assert response["Location"] == "/app/activities/"
    # A link that leaves the site is never followed.
    response = client.post(reverse("core:notification_open", args=[second.pk]))
    assert response["Location"] == reverse("core:notifications")
    page = client.get(reverse("core:notifications")).content.decode()
    assert 'class="badge"' not in page
    assert (
        client_for("focal_b").post(reverse("core:notification_open", args=[first.pk])).status_code
        == 404
    )

    notification_create(recipients=[focal], kind="k", text="Mới nữa")
    unread = client.get(reverse("core:notifications"), {"unread": 1}).content.decode()
    assert "Mới nữa" in unread
    assert "Ngoài trang" not in unread
    client.post(reverse("core:notifications_read_all"))
    assert not Notification.objects.filter(recipient=focal, read_at__isnull=True).exists()


def test_header_badge_is_kept_a_while_and_fresh_on_the_notifications_page(world, client_for):
    """The header's unread count is kept in the session for a few seconds: other pages
    reuse it without a query; the notifications page always counts afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    focal = world.user("focal_a")
    client = client_for("focal_a")
    assert 'class="badge"' not in client.get(reverse("core:notifications")).content.decode()
    notification_create(recipients=[focal], kind="k", text="Mới")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("activities:list")).content.decode()
    assert 'class="badge"' not in page  # the kept count (0), no query for it
    assert not [q for q in queries.captured_queries if "core_notification" in q["sql"]]
    page = client.get(reverse("core:notifications")).content.decode()
    assert 'class="badge">1' in page
    assert 'class="badge">1' in client.get(reverse("activities:list")).content.decode()
