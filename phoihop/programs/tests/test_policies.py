"""Who sees and changes programs: per role, other committees, successor committees, the public."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from phoihop.core import permissions
from phoihop.core.testing.world import ROLES
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import (
    Indicator,
    LegalDocument,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)
from phoihop.programs.policies import PUBLIC
from phoihop.programs.tests.factories import make_program, make_user, successor_committee

pytestmark = pytest.mark.django_db

PARTS = (Program, ProgramParty, ProgramContent, Indicator, Target, Signature)
READERS = {"focal_a", "focal_b", "leader", "editor", "secretariat", "admin"}
WRITERS = {"secretariat", "admin"}


@pytest.fixture
def signed(world):
    """A program in force: every part, signatures included, exists."""
    return make_program(world, status=ProgramStatus.IN_FORCE)


def _visible(user, model, action=permissions.VIEW) -> int:
    return model.objects.restrict(user, action).count()


@pytest.mark.parametrize("role", ROLES)
def test_members_of_the_committee_read_every_part(world, signed, role):
    for model in PARTS:
        seen = _visible(world.user(role), model)
        expected = model.objects.count() if role in READERS else 0
        assert seen == expected, f"{role} sees {seen} {model.__name__}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [permissions.CHANGE, permissions.DELETE])
def test_only_the_secretariat_and_admins_change(world, signed, role, action):
    for model in PARTS:
        allowed = _visible(world.user(role), model, action)
        expected = model.objects.count() if role in WRITERS else 0
        assert allowed == expected, f"{role} may {action} {allowed} {model.__name__}"


def test_another_committees_program_is_not_found(world, signed):
    user = world.user("other_secretariat")
    with pytest.raises(Http404):
        permissions.get_for_action(Program.objects.all(), user, permissions.VIEW, pk=signed.pk)


def test_a_reader_may_not_change(world, signed):
    with pytest.raises(PermissionDenied):
        permissions.get_for_action(
            Program.objects.all(), world.user("focal_a"), permissions.CHANGE, pk=signed.pk
        )


def test_a_successor_committee_reads_the_predecessors_programs_read_only(world, signed):
    new_committee = successor_committee(world)
    for role in ("secretariat", "focal"):
        org = None
        if role == "focal":
            from phoihop.programs.tests.factories import make_organization

            org = make_organization(world, name="Hội Nông dân tỉnh (mới)", committee=new_committee)
        user = make_user(world, f"new_{role}", role=role, committee=new_committee, organization=org)
        for model in PARTS:
            assert _visible(user, model) == model.objects.count(), (role, model)
            assert _visible(user, model, permissions.CHANGE) == 0, (role, model)
        assert _visible(user, ProgramParty, permissions.SIGN) == 0


@pytest.mark.parametrize("role", ROLES)
def test_who_may_sign_which_party(world, role):
    program = make_program(world, status=ProgramStatus.SIGNING)
    parties = set(
        ProgramParty.objects.restrict(world.user(role), permissions.SIGN).values_list(
            "organization_id", flat=True
        )
    )
    expected = {
        "leader": {world.org_a.pk},
        "secretariat": {world.org_a.pk, world.org_b.pk},
        "admin": {world.org_a.pk, world.org_b.pk},
    }.get(role, set())
    assert parties == expected
    assert program.parties.count() == 2


def test_a_leader_role_that_ended_no_longer_signs(world):
    import datetime

    from phoihop.orgs.models import RoleAssignment

    program = make_program(world, status=ProgramStatus.SIGNING)
    leader = world.user("leader")
    RoleAssignment.objects.filter(user=leader, role="leader").update(
        valid_to=datetime.date(2021, 1, 1)
    )
    permissions.forget_scope(leader)
    assert not ProgramParty.objects.restrict(leader, permissions.SIGN).exists()
    assert program.status == ProgramStatus.SIGNING


@pytest.mark.parametrize("role", ROLES)
def test_the_public_reads_published_programs_only(world, role):
    draft = make_program(world, year=2024)
    published = make_program(world, year=2023, status=ProgramStatus.IN_FORCE)
    from phoihop.programs import services

    services.program_publish(actor=world.user("secretariat"), program=published)
    user = world.user(role)
    assert list(Program.objects.restrict(user, PUBLIC)) == [published]
    assert draft not in Program.objects.restrict(user, PUBLIC)
    contents = ProgramContent.objects.restrict(user, PUBLIC)
    assert {c.program_id for c in contents} == {published.pk}
    assert Target.objects.restrict(user, PUBLIC).count() == 6
    assert Indicator.objects.restrict(user, PUBLIC).count() == 3
    assert ProgramParty.objects.restrict(user, PUBLIC).count() == 2
    assert not Signature.objects.restrict(user, PUBLIC).exists()


@pytest.mark.parametrize("role", ROLES)
def test_reference_catalogues(world, role):
    make_program(world)
    user = world.user(role)
    for model in (LegalDocument, TargetGroup):
        total = model.objects.count()
        assert total > 0
        assert _visible(user, model) == (0 if role == "anonymous" else total)
        assert _visible(user, model, PUBLIC) == total
        writers = {"secretariat", "other_secretariat", "admin"}
        assert _visible(user, model, permissions.CHANGE) == (total if role in writers else 0)
