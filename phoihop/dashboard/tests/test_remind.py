"""`phoihop remind`: emails about missing reports, in-app notices of near deadlines."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from phoihop.activities import services as activity_services
from phoihop.activities.tests import factories
from phoihop.core import clock
from phoihop.core.models import Notification
from phoihop.dashboard.services import DEADLINE_KIND, reminders_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(world):
    for role in ("focal_a", "focal_b"):
        user = world.user(role)
        user.email = f"{role}@example.org"
        user.save()
    return world


def test_focal_points_of_organizations_with_missing_reports_get_one_email(s, addressed):
    # Org A reported in Q1 (on time); org B sent a nil report for Q1. On 20/07/2023 the
    # Q2 reports (due 10/07) of both are missing.
    with clock.frozen_at(datetime.datetime(2023, 4, 5, 9, 0)):  # noqa: DTZ001 - made aware
        factories.submitted(s)
        activity_services.nil_report_create(
            actor=s.user("focal_b"),
            program=s.program,
            organization=s.world.org_b,
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 3, 31),
        )
    result = reminders_send(as_of=datetime.date(2023, 7, 20), site_url="https://phoihop.example.vn")
    assert result.emails == 2
    assert result.missing_slots == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"focal_a@example.org", "focal_b@example.org"}
    body = by_address["focal_a@example.org"].body
    assert "Bộ Chỉ huy Quân sự tỉnh Hòa Bình" in body
    assert "01/04/2023–30/06/2023 (hạn 10/07/2023)" in body
    assert "01/01/2023" not in body  # Q1 was reported
    assert "https://phoihop.example.vn/app/" in body
    assert by_address["focal_a@example.org"].subject == "[PhốiHợp] Còn thiếu báo cáo: 1 kỳ"
    # Org B's nil report covers Q1: only Q2 is missing for it.
    assert "01/01/2023" not in by_address["focal_b@example.org"].body


def test_nothing_is_sent_when_nothing_is_missing(s, addressed):
    assert reminders_send(as_of=datetime.date(2023, 3, 1)).emails == 0
    assert mail.outbox == []


def test_a_focal_point_without_an_address_is_listed_not_mailed(s, world):
    result = reminders_send(as_of=datetime.date(2023, 7, 20))
    assert result.emails == 0
    assert sorted(result.without_email) == ["focal_a", "focal_b"]


def test_a_near_deadline_notifies_in_the_app_once(s, addressed):
    # Q2 ended 30/06, due 10/07: on 07/07 the deadline is three days away.
    result = reminders_send(as_of=datetime.date(2023, 7, 7))
    assert result.notifications == 2
    notes = Notification.objects.filter(kind=DEADLINE_KIND).order_by("recipient__username")
    assert [n.recipient.username for n in notes] == ["focal_a", "focal_b"]
    assert "Sắp đến hạn" in notes[0].text
    assert "10/07/2023" in notes[0].text
    assert notes[0].url == "/app/"
    # A second run the next day does not repeat it.
    assert reminders_send(as_of=datetime.date(2023, 7, 8)).notifications == 0
    assert Notification.objects.filter(kind=DEADLINE_KIND).count() == 2
    # Too early: nothing near.
    assert reminders_send(as_of=datetime.date(2023, 6, 20)).notifications == 0


def test_dry_run_sends_and_writes_nothing(s, addressed):
    result = reminders_send(as_of=datetime.date(2023, 7, 7), dry_run=True)
    assert result.notifications == 2
    assert not Notification.objects.exists()
    result = reminders_send(as_of=datetime.date(2023, 7, 20), dry_run=True)
    assert result.emails == 2
    assert mail.outbox == []


def test_the_command(s, addressed):
    out = io.StringIO()
    call_command("remind", "--date", "2023-07-20", stdout=out)
    assert "sent 2 email(s) about 4 missing report(s)" in out.getvalue()
    assert len(mail.outbox) == 2
    with pytest.raises(Exception, match="--date"):
        call_command("remind", "--date", "20/07/2023", stdout=out)
