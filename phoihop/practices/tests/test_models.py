"""Constraints of practices, evaluations and replications."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from phoihop.core.services import trash
from phoihop.practices.models import Evaluation, Practice, Replication

pytestmark = pytest.mark.django_db


def test_title_unique_per_committee_ignoring_trashed(world, practice):
    twin = Practice(owner=world.org_b, title=practice.title, started_on=practice.started_on)
    with pytest.raises(ValidationError, match="already registered"):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.create(
            committee=world.committee,
            owner=world.org_b,
            title=practice.title,
            started_on=practice.started_on,
        )
    Practice(
        owner=world.other_org, title=practice.title, started_on=practice.started_on
    ).full_clean()
    trash(actor=world.user("admin"), obj=practice)
    twin.full_clean()


def test_committee_comes_from_owner_and_must_match(world):
    p = Practice(owner=world.org_b, title="Mô hình hiến máu", started_on=datetime.date(2023, 1, 1))
    p.full_clean()
    assert p.committee_id == world.committee.pk
    assert p.folded_title == "mo hinh hien mau"
    p.committee = world.other_committee
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "owner" in exc.value.error_dict


def test_content_of_same_committee(world):
    from phoihop.programs.models import Program, ProgramContent

    program = Program.objects.create(
        committee=world.other_committee,
        year=2023,
        title="CTr 2023",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    content = ProgramContent.objects.create(
        program=program, title="Giảm nghèo", lead=world.other_org
    )
    p = Practice(
        owner=world.org_a, title="x", started_on=datetime.date(2023, 1, 1), content=content
    )
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "content" in exc.value.error_dict


@pytest.mark.parametrize(
    ("score", "valid"),
    [(0, True), (100, True), (Decimal("-0.01"), False), (Decimal("100.01"), False)],
)
def test_score_range(world, practice, score, valid):
    evaluation = Evaluation(
        practice=practice,
        evaluated_on=datetime.date(2023, 6, 1),
        evaluator="BCĐ",
        criteria="c",
        score=score,
        recorded_by=world.user("secretariat"),
    )
    if valid:
        evaluation.full_clean()
        evaluation.save()
        return
    with pytest.raises(ValidationError, match="between 0 and 100"):
        evaluation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        evaluation.save()


def test_evaluation_not_before_start(world, practice):
    evaluation = Evaluation(
        practice=practice,
        evaluated_on=datetime.date(2020, 1, 1),
        evaluator="BCĐ",
        criteria="c",
        score=80,
        recorded_by=world.user("secretariat"),
    )
    with pytest.raises(ValidationError, match="before it started"):
        evaluation.full_clean()


def test_replication_rules(world, practice):
    r = Replication(
        practice=practice,
        locality=world.district,
        organization=world.other_org,
        since=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert set(exc.value.error_dict) == {"organization", "since"}
    r.organization = world.org_b
    r.since = datetime.date(2024, 1, 1)
    r.full_clean()
    r.save()
    again = Replication(
        practice=practice, locality=world.district, organization=world.org_b, since=r.since
    )
    with pytest.raises(ValidationError, match="already recorded"):
        again.full_clean()
