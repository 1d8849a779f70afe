"""Who sees and who changes each orgs model, role by role."""

from __future__ import annotations

import datetime

import pytest

from phoihop.core import permissions
from phoihop.core.models import User
from phoihop.orgs import services
from phoihop.orgs.choices import Position, Role, SuccessionKind
from phoihop.orgs.models import (
    Committee,
    CommitteePosition,
    Organization,
    OrganizationParent,
    OrganizationSuccession,
    Person,
    RoleAssignment,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 1, 1)
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
WRITERS = {"secretariat", "admin"}


@pytest.fixture
def objects(world):
    root = world.user("admin")
    person = services.person_create(
        actor=root, committee=world.committee, full_name="Nguyễn Văn An"
    )
    branch = services.organization_create(
        actor=root,
        committee=world.committee,
        name="Ban CHQS huyện Mai Châu",
        kind="military",
        level="district",
        parent=world.org_a,
        valid_from=START,
    )
    return {
        "committee": world.committee,
        "organization": world.org_a,
        "person": person,
        "position": services.position_assign(
            actor=root,
            committee=world.committee,
            person=person,
            position=Position.HEAD,
            valid_from=START,
        ),
        "parent_period": OrganizationParent.objects.get(organization=branch),
        "succession": services.organization_succeed(
            actor=root,
            predecessors=[branch],
            successor=world.org_b,
            kind=SuccessionKind.REPARENT,
            on=datetime.date(2025, 7, 1),
        )[0],
    }


@pytest.mark.parametrize("role", ROLES)
def test_tenant_models(world, objects, role):
    user = world.user(role)
    for kind, obj in objects.items():
        assert permissions.can(user, "view", obj) is (role in MEMBERS), kind
        assert permissions.can(user, "change", obj) is (role in WRITERS), kind
        assert permissions.can(user, "delete", obj) is (role in WRITERS), kind


@pytest.mark.parametrize("role", ROLES)
def test_other_committee_is_invisible(world, role):
    user = world.user(role)
    expected = role in {"admin", "other_secretariat"}
    assert permissions.can(user, "view", world.other_org) is expected
    assert permissions.can(user, "view", world.other_committee) is expected


def test_out_of_scope_is_404_and_read_only_is_403(world):
    from django.http import Http404

    with pytest.raises(Http404):
        permissions.get_for_action(
            Organization.objects.all(), world.user("focal_a"), "view", pk=world.other_org.pk
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        permissions.get_for_action(
            Organization.objects.all(), world.user("focal_a"), "change", pk=world.org_a.pk
        )


# -- role assignments -----------------------------------------------------------------------
def _role_of(world, username):
    return RoleAssignment.objects.get(user__username=username)


@pytest.mark.parametrize("role", ROLES)
def test_role_assignments(world, role):
    user = world.user(role)
    focal_role = _role_of(world, "focal_a")
    other_role = _role_of(world, "other_secretariat")
    own_view = role == "focal_a"
    assert permissions.can(user, "view", focal_role) is (own_view or role in WRITERS)
    assert permissions.can(user, "change", focal_role) is (role in WRITERS)
    assert permissions.can(user, "view", other_role) is (role in {"admin", "other_secretariat"})


def test_secretariat_never_manages_admin_roles(world):
    root = world.user("admin")
    deputy = User.objects.create_user("deputy_admin", password=None)
    admin_role = services.role_assign(
        actor=root, user=deputy, role=Role.ADMIN, committee=world.committee
    )
    assert not permissions.can(world.user("secretariat"), "view", admin_role)
    assert permissions.can(root, "change", admin_role)


# -- accounts -------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_accounts(world, role):
    user = world.user(role)
    focal = world.user("focal_a")
    assert permissions.can(user, "view", focal) is (role in {"focal_a", "secretariat", "admin"})
    assert permissions.can(user, "change", focal) is (role in WRITERS)
    assert permissions.can(user, "change", world.user("admin")) is (role == "admin")


def test_secretariat_cannot_manage_an_account_working_for_another_committee(world):
    secretariat = world.user("secretariat")
    # other_secretariat gets a role in our committee: we see it, but may not take it over.
    services.role_assign(
        actor=world.user("admin"),
        user=world.user("other_secretariat"),
        role=Role.EDITOR,
        committee=world.committee,
    )
    assert permissions.can(secretariat, "view", world.user("other_secretariat"))
    assert not permissions.can(secretariat, "change", world.user("other_secretariat"))
    # Once the other committee's role has ended, the account is ours alone.
    elsewhere = RoleAssignment.objects.get(
        user=world.user("other_secretariat"), committee=world.other_committee
    )
    services.role_end(actor=world.user("admin"), assignment=elsewhere, on=datetime.date(2021, 1, 1))
    assert permissions.can(secretariat, "change", world.user("other_secretariat"))


def test_secretariat_cannot_manage_an_administrator_by_role(world):
    deputy = User.objects.create_user("deputy_admin", password=None)
    services.role_assign(actor=world.user("admin"), user=deputy, role=Role.ADMIN)
    services.role_assign(
        actor=world.user("admin"), user=deputy, role=Role.EDITOR, committee=world.committee
    )
    assert permissions.can(world.user("secretariat"), "view", deputy)
    assert not permissions.can(world.user("secretariat"), "change", deputy)


def test_every_orgs_model_has_a_policy():
    for model in (
        Committee,
        Organization,
        OrganizationParent,
        OrganizationSuccession,
        Person,
        CommitteePosition,
        RoleAssignment,
        User,
    ):
        permissions._policy_for(model)
