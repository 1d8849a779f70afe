"""Every constraint of the orgs models, in the database and in full_clean."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from phoihop.core.services import trash
from phoihop.orgs.choices import OrgKind, OrgLevel, Position, Role, SuccessionKind
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

D1 = datetime.date(2024, 1, 1)
D0 = datetime.date(2023, 1, 1)


def org(world, name="Hội Liên hiệp Phụ nữ tỉnh", committee=None, **kw):
    return Organization(
        committee=committee or world.committee,
        name=name,
        kind=OrgKind.SOCIOPOLITICAL,
        level=OrgLevel.PROVINCE,
        valid_from=D1,
        **kw,
    )


def messages_of(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# -- role assignments -----------------------------------------------------------------------
def test_role_needs_committee_unless_admin(world):
    user = world.user("editor")
    bad = RoleAssignment(user=user, role=Role.LEADER, valid_from=D1)
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "needs a committee" in messages_of(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.LEADER, valid_from=D1)
    RoleAssignment(user=user, role=Role.ADMIN, valid_from=D1).full_clean()


def test_focal_needs_organization(world):
    bad = RoleAssignment(
        user=world.user("editor"), role=Role.FOCAL, committee=world.committee, valid_from=D1
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "must be assigned to an organization" in messages_of(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


def test_role_organization_in_its_committee(world):
    bad = RoleAssignment(
        user=world.user("editor"),
        role=Role.FOCAL,
        committee=world.committee,
        organization=world.other_org,
        valid_from=D1,
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "organization" in exc.value.error_dict


def test_role_organization_without_committee_refused(world):
    bad = RoleAssignment(
        user=world.user("editor"), role=Role.ADMIN, organization=world.org_a, valid_from=D1
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "committee" in exc.value.error_dict


@pytest.mark.parametrize(
    "model_factory",
    [
        lambda w: RoleAssignment(user=w.user("editor"), role=Role.ADMIN),
        lambda w: Committee(code="x", name="x", province=w.province),
        org,
        lambda w: OrganizationParent(organization=w.org_b, parent=w.org_a),
        lambda w: CommitteePosition(
            committee=w.committee,
            person=Person.objects.create(committee=w.committee, full_name="Nguyễn Văn An"),
            position=Position.HEAD,
        ),
    ],
    ids=["role", "committee", "organization", "parent_period", "position"],
)
def test_valid_range(world, model_factory):
    obj = model_factory(world)
    obj.valid_from = D1
    obj.valid_to = D0
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    assert "end date must not be before the start date" in messages_of(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()
    obj.valid_to = D1  # a one-day range is valid
    obj.full_clean()


# -- organizations --------------------------------------------------------------------------
def test_org_name_unique_per_committee_ignoring_trashed(world):
    duplicate = org(world, name=world.org_a.name)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "already has an organization of this name" in messages_of(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # The same name in another committee is fine.
    org(world, name=world.org_a.name, committee=world.other_committee).full_clean()
    # Once trashed, the name is free again.
    trash(actor=world.user("admin"), obj=world.org_a)
    again = org(world, name=world.org_a.name)
    again.full_clean()
    again.save()


def test_parent_in_same_committee(world):
    branch = org(world, parent=world.other_org)
    with pytest.raises(ValidationError) as exc:
        branch.full_clean()
    assert "same steering committee" in messages_of(exc)


def test_parent_not_self_nor_own_branch(world):
    a = world.org_a
    a.parent = a
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "its own parent" in messages_of(exc)
    branch = org(world, parent=world.org_a)
    branch.full_clean()
    branch.save()
    a.parent = branch
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "own branches" in messages_of(exc)


def test_parent_in_trash_refused(world):
    trash(actor=world.user("admin"), obj=world.org_b)
    branch = org(world, parent=world.org_b)
    with pytest.raises(ValidationError) as exc:
        branch.full_clean()
    assert "in the trash" in messages_of(exc)


def test_folded_name_is_set(world):
    o = org(world, name="Ủy ban Mặt trận Tổ quốc tỉnh")
    o.full_clean()
    assert o.folded_name == "uy ban mat tran to quoc tinh"


# -- successions ----------------------------------------------------------------------------
def test_succession_not_self(world):
    link = OrganizationSuccession(
        predecessor=world.org_a, successor=world.org_a, kind=SuccessionKind.RENAME, date=D1
    )
    with pytest.raises(ValidationError) as exc:
        link.full_clean()
    assert "cannot succeed itself" in messages_of(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()


def test_succession_pair_unique(world):
    OrganizationSuccession.objects.create(
        predecessor=world.org_a, successor=world.org_b, kind=SuccessionKind.MERGE, date=D1
    )
    again = OrganizationSuccession(
        predecessor=world.org_a, successor=world.org_b, kind=SuccessionKind.RENAME, date=D1
    )
    with pytest.raises(ValidationError) as exc:
        again.full_clean()
    assert "already recorded" in messages_of(exc)


def test_committee_succession_not_self_nor_loop(world):
    c = world.committee
    c.successor = c
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "cannot succeed itself" in messages_of(exc)
    c.successor = world.other_committee
    c.full_clean()
    c.save()
    other = world.other_committee
    other.successor = c
    with pytest.raises(ValidationError) as exc:
        other.full_clean()
    assert "loop" in messages_of(exc)


# -- people and positions -------------------------------------------------------------------
def test_person_organization_in_same_committee(world):
    p = Person(committee=world.committee, full_name="Trần Thị Bình", organization=world.other_org)
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "organization" in exc.value.error_dict
    p.organization = world.org_a
    p.full_clean()
    assert p.folded_name == "tran thi binh"


def test_position_person_and_org_in_same_committee(world):
    stranger = Person.objects.create(committee=world.other_committee, full_name="Lê Văn Cường")
    pos = CommitteePosition(
        committee=world.committee,
        person=stranger,
        position=Position.MEMBER,
        organization=world.other_org,
        valid_from=D1,
    )
    with pytest.raises(ValidationError) as exc:
        pos.full_clean()
    assert set(exc.value.error_dict) == {"person", "organization"}
