"""Who sees and who changes practices, evaluations and replications, role by role."""

from __future__ import annotations

import datetime

import pytest

from phoihop.core import permissions
from phoihop.orgs.services import committee_set_successor
from phoihop.practices.tests.conftest import advance

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "focal_a",
    "focal_b",
    "leader",
    "editor",
    "secretariat",
    "admin",
    "other_secretariat",
)
MEMBERS = {"focal_a", "focal_b", "leader", "editor", "secretariat", "admin"}
JUDGES = {"secretariat", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_practice_of_org_a(world, practice, role):
    user = world.user(role)
    assert permissions.can(user, "view", practice) is (role in MEMBERS)
    assert permissions.can(user, "change", practice) is (role in JUDGES | {"focal_a"})
    assert permissions.can(user, "delete", practice) is (role in JUDGES | {"focal_a"})
    assert permissions.can(user, "manage", practice) is (role in JUDGES)


@pytest.mark.parametrize("role", ROLES)
def test_judged_practice_is_not_the_owners_to_delete(world, practice, role):
    practice = advance(world, practice, "effective")
    assert permissions.can(world.user(role), "delete", practice) is (role in JUDGES)


@pytest.mark.parametrize("role", ROLES)
def test_evaluations_and_replications(world, practice, role):
    practice = advance(world, practice, "replicated")
    user = world.user(role)
    for part in (practice.evaluations.get(), practice.replications.get()):
        assert permissions.can(user, "view", part) is (role in MEMBERS)
        assert permissions.can(user, "change", part) is (role in JUDGES)
        assert permissions.can(user, "delete", part) is (role in JUDGES)


def test_successor_committee_reads_but_does_not_write(world, practice):
    committee_set_successor(
        actor=world.user("admin"),
        committee=world.committee,
        successor=world.other_committee,
        ends_on=datetime.date(2025, 6, 30),
    )
    reader = world.user("other_secretariat")
    permissions.forget_scope(reader)
    assert permissions.can(reader, "view", practice)
    assert not permissions.can(reader, "change", practice)
    assert not permissions.can(reader, "manage", practice)
