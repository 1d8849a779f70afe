"""Every rule the database and the models hold, whatever path a row takes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from phoihop.activities.choices import ActivityStatus as S
from phoihop.activities.models import (
    Activity,
    Credit,
    Funding,
    IndicatorValue,
    NilReport,
    Participation,
)
from phoihop.activities.tests import factories as f
from phoihop.geo.choices import Level, Scheme
from phoihop.geo.models import AdminUnit


def assert_db_refuses(pk, **changes):
    """The database itself refuses the row (no model validation on this path)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.all_objects.filter(pk=pk).update(**changes)


class TestActivityConstraints:
    def test_end_not_before_start(self, s):
        activity = f.report(s)
        assert_db_refuses(activity.pk, end_date=datetime.date(2023, 1, 1))
        activity.end_date = datetime.date(2023, 1, 1)
        with pytest.raises(ValidationError) as exc, translation.override("en"):
            activity.full_clean()
        assert "The end date must not be before the start date." in exc.value.messages

    def test_returned_needs_a_reason(self, s):
        activity = f.report(s)
        assert_db_refuses(activity.pk, status=S.RETURNED, decided_by=s.user("secretariat"))

    def test_one_approved_revision_per_series(self, s):
        first = f.approved(s)
        second = f.report(s, title="Bản khác")
        Activity.all_objects.filter(pk=second.pk).update(series=first.series)
        assert_db_refuses(second.pk, status=S.APPROVED, decided_by=s.user("secretariat"))
        # A superseded revision beside the approved one is fine.
        Activity.all_objects.filter(pk=second.pk).update(status=S.SUPERSEDED)

    def test_the_one_approved_rule_ignores_the_trash(self, s):
        first = f.approved(s)
        second = f.report(s, title="Bản khác")
        Activity.all_objects.filter(pk=first.pk).update(deleted_at=first.created_at)
        Activity.all_objects.filter(pk=second.pk).update(
            series=first.series, status=S.APPROVED, decided_by=s.user("secretariat")
        )

    def test_one_open_revision_per_series(self, s):
        first = f.report(s)
        second = f.report(s, title="Bản khác")
        assert_db_refuses(second.pk, series=first.series)
        second.series = first.series
        with pytest.raises(ValidationError) as exc, translation.override("en"):
            second.full_clean()
        assert any("already being prepared" in m for m in exc.value.messages)

    def test_approver_is_not_the_author(self, s):
        activity = f.submitted(s)
        assert_db_refuses(activity.pk, status=S.APPROVED, decided_by=s.user("focal_a"))
        assert_db_refuses(activity.pk, status=S.APPROVED, decided_by=None)
        Activity.all_objects.filter(pk=activity.pk).update(
            status=S.APPROVED, decided_by=s.user("secretariat")
        )

    def test_approver_is_not_the_submitter(self, s, make_user):
        activity = f.report(s)
        colleague = make_user("focal_a2")
        Activity.all_objects.filter(pk=activity.pk).update(submitted_by=colleague)
        assert_db_refuses(activity.pk, status=S.APPROVED, decided_by=colleague)

    def test_uuid_is_unique(self, s):
        first = f.report(s)
        second = f.report(s, title="Khác")
        assert_db_refuses(second.pk, uuid=first.uuid)

    def test_clean_checks_program_content_organization_and_dates(self, s, world):
        activity = f.report(s)
        other_program = f.program(world, year=2024)
        activity.content = f.content(other_program, lead=world.org_a)
        activity.start_date = datetime.date(2024, 2, 1)
        activity.organization = world.other_org
        with pytest.raises(ValidationError) as exc:
            activity.full_clean()
        assert {"content", "start_date", "organization"} <= set(exc.value.message_dict)

    def test_locality_must_exist_on_the_activity_date(self, s, world):
        abolished = AdminUnit.objects.create(
            scheme=Scheme.PRE_2025,
            level=Level.COMMUNE,
            code=99999,
            name="Xã Đã Sáp Nhập",
            parent=world.district,
            province=world.province,
            valid_to=datetime.date(2020, 1, 1),
        )
        activity = f.report(s)
        activity.locality = abolished
        with pytest.raises(ValidationError) as exc:
            activity.full_clean()
        assert "Xã Đã Sáp Nhập" in exc.value.message_dict["locality"][0]

    def test_default_manager_hides_the_trash(self, s):
        activity = f.report(s)
        Activity.all_objects.filter(pk=activity.pk).update(deleted_at=activity.created_at)
        assert not Activity.objects.filter(pk=activity.pk).exists()
        assert Activity.all_objects.filter(pk=activity.pk).exists()

    def test_locked_statuses(self, s):
        activity = f.report(s)
        for status, locked in [
            (S.DRAFT, False),
            (S.RETURNED, False),
            (S.SUBMITTED, True),
            (S.APPROVED, True),
            (S.SUPERSEDED, True),
        ]:
            activity.status = status
            assert activity.is_locked is locked, status


class TestParts:
    def test_participation_count_not_negative_and_unique(self, s):
        activity = f.report(s)
        row = activity.participations.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            Participation.objects.filter(pk=row.pk).update(count=-1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Participation.objects.create(activity=activity, target_group=row.target_group, count=1)

    def test_value_not_negative_denominator_positive_unique(self, s):
        activity = f.report(s)
        row = activity.values.get(indicator=s.ratio)
        for changes in ({"value": Decimal(-1)}, {"denominator": Decimal(0)}):
            with pytest.raises(IntegrityError), transaction.atomic():
                IndicatorValue.objects.filter(pk=row.pk).update(**changes)
        with pytest.raises(IntegrityError), transaction.atomic():
            IndicatorValue.objects.create(
                activity=activity, indicator=s.ratio, value=1, denominator=2
            )

    def test_value_clean_checks_content_and_ratio(self, s):
        activity = f.report(s)
        for indicator, denominator, field in [
            (s.other_indicator, None, "indicator"),
            (s.ratio, None, "denominator"),
            (s.sessions, Decimal(3), "denominator"),
        ]:
            row = IndicatorValue(
                activity=activity, indicator=indicator, value=Decimal(1), denominator=denominator
            )
            with pytest.raises(ValidationError) as exc:
                row.clean()
            assert field in exc.value.message_dict

    def test_funding_not_negative_and_unique(self, s):
        activity = f.report(s)
        row = activity.funding.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            Funding.objects.filter(pk=row.pk).update(amount=-1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Funding.objects.create(activity=activity, source=row.source, amount=1)

    def test_credit_unique(self, s):
        activity = f.report(s)
        with pytest.raises(IntegrityError), transaction.atomic():
            Credit.objects.create(activity=activity, organization=s.world.org_a)

    def test_parts_audit_under_the_activitys_committee(self, s):
        activity = f.report(s)
        assert activity.participations.first().audit_committee_id() == s.world.committee.pk


class TestNilReport:
    def test_unique_per_program_organization_period_and_ordered(self, s):
        fields = {
            "committee": s.world.committee,
            "program": s.program,
            "organization": s.world.org_a,
            "period_start": datetime.date(2023, 4, 1),
            "period_end": datetime.date(2023, 6, 30),
            "created_by": s.user("focal_a"),
        }
        NilReport.objects.create(**fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            NilReport.objects.create(**fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            NilReport.objects.create(
                **{
                    **fields,
                    "period_start": datetime.date(2023, 9, 1),
                    "period_end": datetime.date(2023, 8, 1),
                }
            )
