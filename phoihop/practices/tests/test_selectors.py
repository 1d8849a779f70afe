"""Reads of practices: always narrowed to what the user may see."""

from __future__ import annotations

import datetime

import pytest

from phoihop.practices import selectors, services
from phoihop.practices.tests.conftest import STARTED, advance

pytestmark = pytest.mark.django_db


def test_practices_for(world, practice):
    other = services.practice_register(
        actor=world.user("other_secretariat"),
        owner=world.other_org,
        title="Mô hình khác",
        started_on=STARTED,
    )
    assert list(selectors.practices_for(world.user("focal_b"))) == [practice]
    assert list(selectors.practices_for(world.user("focal_b"), "change")) == []
    assert list(selectors.practices_for(world.user("focal_a"), "change")) == [practice]
    assert set(selectors.practices_for(world.user("admin"))) == {practice, other}
    assert list(selectors.practices_for(world.user("admin"), committee=world.other_committee)) == [
        other
    ]
    assert list(selectors.practices_for(world.user("admin"), status="effective")) == []
    assert list(selectors.practices_for(None)) == []
    assert selectors.practices_for(world.user("leader")).get().replication_count == 0


def test_recommended_with_replications(world, practice, django_assert_max_num_queries):
    pilot = services.practice_register(
        actor=world.user("focal_b"), owner=world.org_b, title="Mô hình thí điểm", started_on=STARTED
    )
    replicated = advance(world, practice, "replicated")
    services.practice_record_replication(
        actor=world.user("secretariat"),
        practice=replicated,
        locality=world.commune,
        organization=world.org_a,
        since=datetime.date(2023, 11, 1),
    )
    recommended = advance(
        world,
        services.practice_register(
            actor=world.user("secretariat"),
            owner=world.org_b,
            title="Ngày thứ Bảy tình nguyện",
            started_on=STARTED,
        ),
        "recommended",
    )
    with django_assert_max_num_queries(3):
        rows = [
            (
                p.title,
                p.replication_count,
                [(r.since, r.locality.name, r.organization.name) for r in p.replications.all()],
            )
            for p in selectors.recommended_with_replications(
                world.committee, user=world.user("focal_b")
            )
        ]
    assert rows == [
        (
            practice.title,
            2,
            [
                (datetime.date(2023, 11, 1), world.commune.name, world.org_a.name),
                (datetime.date(2024, 1, 1), world.district.name, world.org_b.name),
            ],
        ),
        (recommended.title, 0, []),
    ]
    assert pilot.title not in [r[0] for r in rows]
    assert (
        list(
            selectors.recommended_with_replications(
                world.committee, user=world.user("other_secretariat")
            )
        )
        == []
    )


def test_evaluations_of(world, practice):
    advance(world, practice, "effective")
    assert selectors.evaluations_of(practice, user=world.user("leader")).count() == 1
    assert selectors.evaluations_of(practice, user=world.user("other_secretariat")).count() == 0
