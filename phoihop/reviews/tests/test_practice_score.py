"""Commendation suggestions count each organization's good-practice models replicated in
the period (practices.selectors.replicated_by_owner)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from phoihop.activities.tests import factories as f
from phoihop.practices.models import Practice, Replication
from phoihop.practices.selectors import replicated_by_owner
from phoihop.reviews import selectors, services
from phoihop.reviews.choices import ReviewKind

pytestmark = pytest.mark.django_db


def _practice(s, owner, title, *, content=None):
    return Practice.objects.create(
        committee=s.world.committee,
        owner=owner,
        content=content or s.content,
        title=title,
        started_on=datetime.date(2023, 2, 1),
    )


def _replicate(s, practice, since, organization=None):
    return Replication.objects.create(
        practice=practice,
        locality=s.world.commune,
        organization=organization or s.world.org_a,
        since=since,
    )


def test_replicated_models_are_counted_per_owner_in_the_dates(world):
    s = f.setup(world)
    one = _practice(s, world.org_b, "Mô hình dân vận khéo")
    _replicate(s, one, datetime.date(2023, 3, 1))
    _replicate(s, one, datetime.date(2023, 4, 1), world.org_b)  # the same model: once
    two = _practice(s, world.org_b, "Tổ tự quản")
    _replicate(s, two, datetime.date(2022, 6, 1))  # before the dates
    trashed = _practice(s, world.org_a, "Đã xóa")
    _replicate(s, trashed, datetime.date(2023, 5, 1))
    Practice.all_objects.filter(pk=trashed.pk).update(
        deleted_at=datetime.datetime.now(datetime.UTC)
    )
    counts = replicated_by_owner(
        world.committee,
        program=s.program,
        date_from=datetime.date(2023, 1, 1),
        date_to=datetime.date(2023, 12, 31),
    )
    assert counts == {world.org_b.pk: 1}


def test_suggestions_score_replicated_models(world):
    s = f.setup(world)
    f.approved(s)
    f.approved(
        s,
        actor=s.user("focal_b"),
        organization=world.org_b,
        content=s.other_content,
        values={s.other_indicator: Decimal(5)},
    )
    review = services.review_create(
        actor=s.user("secretariat"),
        program=s.program,
        kind=ReviewKind.YEAR,
        title="Sơ kết năm 2023",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    before = {x.organization_id: x.score for x in selectors.commendation_suggestions(review)}
    for title in ("Mô hình một", "Mô hình hai", "Mô hình ba"):
        _replicate(s, _practice(s, world.org_b, title), datetime.date(2023, 6, 1))
    after = {x.organization_id: x for x in selectors.commendation_suggestions(review)}
    b = after[world.org_b.pk]
    assert b.replicated_practices == 3
    assert b.score == min(before[world.org_b.pk] + 10, 100)  # capped at 10 points
    assert "3 mô hình, điển hình được nhân rộng" in b.reason
    assert after[world.org_a.pk].score == before[world.org_a.pk]
