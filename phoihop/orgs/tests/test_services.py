"""The orgs services: rules, permissions and the audit row each one writes."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from phoihop.core import permissions
from phoihop.core.models import AuditEvent, User
from phoihop.orgs import services
from phoihop.orgs.choices import OrgKind, OrgLevel, Position, Role, SuccessionKind
from phoihop.orgs.models import Committee, Organization, OrganizationParent, RoleAssignment
from phoihop.orgs.tests.conftest import audit_rows, last_audit

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 1, 1)
CUT = datetime.date(2025, 7, 1)
EVE = datetime.date(2025, 6, 30)


def make_org(world, name, *, actor=None, committee=None, **kw):
    fields = {"kind": OrgKind.MILITARY, "level": OrgLevel.DISTRICT, "valid_from": START} | kw
    return services.organization_create(
        actor=actor or world.user("secretariat"),
        committee=committee or world.committee,
        name=name,
        **fields,
    )


def fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


# -- committees -----------------------------------------------------------------------------
def test_committee_create_admin_only_and_audited(world):
    with pytest.raises(PermissionDenied):
        services.committee_create(
            actor=world.user("secretariat"),
            code="x",
            name="x",
            province=world.province,
            valid_from=START,
        )
    c = services.committee_create(
        actor=world.user("admin"),
        code="son-la",
        name="BCĐ Sơn La",
        province=world.province,
        valid_from=START,
    )
    row = last_audit()
    assert (row.action, row.object_id, row.committee_id) == ("create", str(c.pk), c.pk)
    assert row.after["name"] == "BCĐ Sơn La"
    assert row.actor == world.user("admin")


def test_committee_update(world):
    c = services.committee_update(
        actor=world.user("secretariat"), committee=world.committee, data={"short_name": "BCĐ HB"}
    )
    row = last_audit()
    assert row.before["short_name"] == "BCĐ Hòa Bình"
    assert row.after["short_name"] == "BCĐ HB"
    assert c.short_name == "BCĐ HB"
    with pytest.raises(PermissionDenied):
        services.committee_update(
            actor=world.user("other_secretariat"), committee=world.committee, data={"name": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.committee_update(
            actor=world.user("leader"), committee=world.committee, data={"name": "x"}
        )
    with pytest.raises(ValidationError, match="cannot be changed here: code"):
        services.committee_update(
            actor=world.user("secretariat"), committee=world.committee, data={"code": "y"}
        )
    with pytest.raises(ValidationError, match="set separately"):
        services.committee_update(
            actor=world.user("admin"),
            committee=world.committee,
            data={"successor": world.other_committee},
        )


def test_committee_set_successor(world):
    with pytest.raises(PermissionDenied):
        services.committee_set_successor(
            actor=world.user("secretariat"),
            committee=world.committee,
            successor=world.other_committee,
        )
    services.committee_set_successor(
        actor=world.user("admin"),
        committee=world.committee,
        successor=world.other_committee,
        ends_on=EVE,
    )
    c = fresh(world.committee)
    assert (c.successor, c.valid_to) == (world.other_committee, EVE)
    row = last_audit()
    assert row.action == "set_successor"
    assert (row.before["successor_id"], row.after["successor_id"]) == (
        None,
        world.other_committee.pk,
    )
    with pytest.raises(ValidationError, match="loop"):
        services.committee_set_successor(
            actor=world.user("admin"), committee=world.other_committee, successor=world.committee
        )


# -- organizations --------------------------------------------------------------------------
def test_organization_create_records_first_parent(world):
    branch = make_org(world, "Ban CHQS huyện Mai Châu", parent=world.org_a)
    period = OrganizationParent.objects.get(organization=branch)
    assert (period.parent, period.valid_from, period.valid_to) == (world.org_a, START, None)
    assert audit_rows(branch, "create").count() == 1
    assert audit_rows(period, "create").count() == 1
    with pytest.raises(PermissionDenied):
        make_org(world, "x", actor=world.user("focal_a"))
    with pytest.raises(PermissionDenied):
        make_org(world, "x", actor=world.user("other_secretariat"))


def test_organization_update(world):
    services.organization_update(
        actor=world.user("secretariat"), organization=world.org_a, data={"abbreviation": "CHQS"}
    )
    row = last_audit()
    assert (row.action, row.before["abbreviation"], row.after["abbreviation"]) == (
        "update",
        "Bộ CHQS tỉnh",
        "CHQS",
    )
    with pytest.raises(ValidationError, match="parent history is kept"):
        services.organization_update(
            actor=world.user("secretariat"), organization=world.org_a, data={"parent": world.org_b}
        )
    with pytest.raises(ValidationError, match="committee"):
        services.organization_update(
            actor=world.user("admin"),
            organization=world.org_a,
            data={"committee": world.other_committee},
        )
    with pytest.raises(ValidationError, match="already has an organization of this name"):
        services.organization_update(
            actor=world.user("secretariat"),
            organization=world.org_a,
            data={"name": world.org_b.name},
        )


def test_reparent_keeps_history(world):
    branch = make_org(world, "Ban CHQS huyện Mai Châu", parent=world.org_a)
    services.organization_reparent(
        actor=world.user("secretariat"), organization=branch, parent=world.org_b, on=CUT
    )
    branch = fresh(branch)
    assert branch.parent == world.org_b
    history = list(
        branch.parent_history.order_by("valid_from").values_list(
            "parent_id", "valid_from", "valid_to"
        )
    )
    assert history == [(world.org_a.pk, START, EVE), (world.org_b.pk, CUT, None)]
    row = audit_rows(branch, "reparent").get()
    assert (row.before["parent_id"], row.after["parent_id"]) == (world.org_a.pk, world.org_b.pk)
    # The closed period was audited too.
    closed = branch.parent_history.get(parent=world.org_a)
    assert audit_rows(closed, "update").get().after["valid_to"] == EVE.isoformat()
    # Made top-level later on: the last period closes, no new one opens.
    services.organization_reparent(
        actor=world.user("secretariat"),
        organization=branch,
        parent=None,
        on=datetime.date(2026, 1, 1),
    )
    assert fresh(branch).parent is None
    assert not branch.parent_history.filter(valid_to__isnull=True).exists()


def test_reparent_refusals(world):
    branch = make_org(world, "Ban CHQS huyện Mai Châu", parent=world.org_a)
    sec = world.user("secretariat")
    with pytest.raises(ValidationError, match="already under this parent"):
        services.organization_reparent(actor=sec, organization=branch, parent=world.org_a, on=CUT)
    with pytest.raises(ValidationError, match="must start after"):
        services.organization_reparent(actor=sec, organization=branch, parent=world.org_b, on=START)
    with pytest.raises(ValidationError, match="before the organization existed"):
        services.organization_reparent(
            actor=sec, organization=branch, parent=world.org_b, on=datetime.date(2019, 1, 1)
        )
    with pytest.raises(ValidationError, match="same steering committee"):
        services.organization_reparent(
            actor=sec, organization=branch, parent=world.other_org, on=CUT
        )
    with pytest.raises(ValidationError, match="own branches"):
        services.organization_reparent(actor=sec, organization=world.org_a, parent=branch, on=CUT)
    with pytest.raises(PermissionDenied):
        services.organization_reparent(
            actor=world.user("focal_a"), organization=branch, parent=world.org_b, on=CUT
        )
    # Nothing was half-written.
    assert list(branch.parent_history.values_list("parent_id", "valid_to")) == [
        (world.org_a.pk, None)
    ]


def test_reparent_without_recorded_history(world):
    branch = make_org(world, "Ban CHQS huyện Mai Châu")
    Organization.objects.filter(pk=branch.pk).update(parent=world.org_a)  # as if imported
    services.organization_reparent(
        actor=world.user("secretariat"), organization=fresh(branch), parent=world.org_b, on=CUT
    )
    history = list(
        branch.parent_history.order_by("valid_from").values_list("parent_id", "valid_to")
    )
    assert history == [(world.org_a.pk, EVE), (world.org_b.pk, None)]


def test_succession_moves_focal_points_and_ends_old_role(world):
    sec = world.user("secretariat")
    district = make_org(world, "Ban CHQS huyện Mai Châu", valid_from=START)
    region = make_org(world, "Ban CHPTKV 1", valid_from=CUT, level=OrgLevel.REGION)
    focal = world.user("focal_b")
    old_role = services.role_assign(
        actor=sec,
        user=focal,
        role=Role.FOCAL,
        committee=world.committee,
        organization=district,
        valid_from=START,
    )
    late = User.objects.create_user("late_focal", password=None)
    later_role = services.role_assign(
        actor=sec,
        user=late,
        role=Role.FOCAL,
        committee=world.committee,
        organization=district,
        valid_from=datetime.date(2025, 9, 1),
    )
    links = services.organization_succeed(
        actor=sec,
        predecessors=[district],
        successor=region,
        kind=SuccessionKind.REPLACE,
        on=CUT,
        note="QĐ 2786/QĐ-BQP",
    )
    assert [(link.predecessor, link.successor, link.date) for link in links] == [
        (district, region, CUT)
    ]
    assert fresh(district).valid_to == EVE
    assert fresh(old_role).valid_to == EVE
    new_role = RoleAssignment.objects.get(user=focal, organization=region)
    assert (new_role.valid_from, new_role.valid_to, new_role.role) == (CUT, None, Role.FOCAL)
    # A role that had not started yet moves as it is.
    later_role = fresh(later_role)
    assert (later_role.organization, later_role.valid_from) == (region, datetime.date(2025, 9, 1))
    # Audit: the link, the end of the predecessor, the role ended, the role given.
    assert audit_rows(links[0], "create").count() == 1
    assert audit_rows(district, "succeeded").count() == 1
    assert audit_rows(old_role, "role_end").count() == 1
    assert audit_rows(new_role, "create").count() == 1
    assert audit_rows(later_role, "role_moved").count() == 1
    # On the day of the cut the focal point works for the region, not the district.
    permissions.forget_scope(focal)
    from phoihop.orgs.selectors import scope_for_user

    assert region.pk in scope_for_user(focal, day=CUT).orgs_in(world.committee.pk)
    assert district.pk not in scope_for_user(focal, day=CUT).orgs_in(world.committee.pk)
    assert district.pk in scope_for_user(focal, day=EVE).orgs_in(world.committee.pk)


def test_succession_keeps_roles_when_asked(world):
    sec = world.user("secretariat")
    region = make_org(world, "Ban CHPTKV 1", valid_from=CUT)
    services.organization_succeed(
        actor=sec,
        predecessors=[world.org_a],
        successor=region,
        kind=SuccessionKind.RENAME,
        on=CUT,
        move_users=False,
    )
    assert not RoleAssignment.objects.filter(organization=region).exists()
    assert RoleAssignment.objects.get(user=world.user("focal_a")).valid_to is None


def test_succession_refusals(world):
    sec = world.user("secretariat")
    with pytest.raises(ValidationError, match="cannot succeed itself"):
        services.organization_succeed(
            actor=sec, predecessors=[world.org_a], successor=world.org_a, kind="merge", on=CUT
        )
    with pytest.raises(ValidationError, match="Unknown kind"):
        services.organization_succeed(
            actor=sec, predecessors=[world.org_a], successor=world.org_b, kind="absorb", on=CUT
        )
    with pytest.raises(ValidationError, match="at least one predecessor"):
        services.organization_succeed(
            actor=sec, predecessors=[], successor=world.org_b, kind="merge", on=CUT
        )
    later = make_org(world, "Ban CHPTKV 2", valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="only exists from"):
        services.organization_succeed(
            actor=sec, predecessors=[world.org_a], successor=later, kind="merge", on=CUT
        )
    # Across committees the secretariat of both is needed.
    with pytest.raises(PermissionDenied):
        services.organization_succeed(
            actor=sec, predecessors=[world.other_org], successor=world.org_b, kind="merge", on=CUT
        )
    assert fresh(world.org_a).valid_to is None


def test_organization_trash_and_restore(world):
    sec = world.user("secretariat")
    branch = make_org(world, "Ban CHQS huyện Mai Châu", parent=world.org_b)
    with pytest.raises(ValidationError, match="still has branches"):
        services.organization_trash(actor=sec, organization=world.org_b)
    with pytest.raises(ValidationError, match="still hold roles"):
        services.organization_trash(actor=sec, organization=world.org_a)
    services.organization_trash(actor=sec, organization=branch)
    assert not Organization.objects.filter(pk=branch.pk).exists()
    assert audit_rows(branch, "trash").count() == 1
    services.organization_restore(actor=sec, organization=fresh(branch))
    assert Organization.objects.filter(pk=branch.pk).exists()
    row = audit_rows(branch, "restore").get()
    assert row.before["deleted_at"] is not None
    assert row.after["deleted_at"] is None
    with pytest.raises(PermissionDenied):
        services.organization_trash(actor=world.user("focal_a"), organization=branch)


# -- people and positions -------------------------------------------------------------------
def test_person_create_update_trash(world):
    sec = world.user("secretariat")
    person = services.person_create(
        actor=sec,
        committee=world.committee,
        full_name="Đinh Công Sứ",
        rank="Đại tá",
        title="Chỉ huy trưởng Bộ CHQS tỉnh",
        organization=world.org_a,
    )
    assert last_audit().after["full_name"] == "Đinh Công Sứ"
    services.person_update(actor=sec, person=person, data={"title": "Phó Chỉ huy trưởng"})
    row = last_audit()
    assert (row.before["title"], row.after["title"]) == (
        "Chỉ huy trưởng Bộ CHQS tỉnh",
        "Phó Chỉ huy trưởng",
    )
    with pytest.raises(ValidationError, match="committee"):
        services.person_update(actor=sec, person=person, data={"committee": world.other_committee})
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.user("focal_a"), person=person, data={"title": "x"})
    with pytest.raises(PermissionDenied):  # an account of another committee
        services.person_update(
            actor=sec, person=person, data={"user": world.user("other_secretariat")}
        )
    services.person_update(actor=sec, person=person, data={"user": world.user("leader")})
    services.person_trash(actor=sec, person=person)
    assert last_audit().action == "trash"


def test_position_assign_update_end(world):
    sec = world.user("secretariat")
    person = services.person_create(actor=sec, committee=world.committee, full_name="Bùi Văn Khánh")
    pos = services.position_assign(
        actor=sec,
        committee=world.committee,
        person=person,
        position=Position.HEAD,
        title="Phó Bí thư Tỉnh ủy",
        valid_from=START,
    )
    assert last_audit().after["position"] == "head"
    services.position_update(actor=sec, position=pos, data={"title": "Bí thư Tỉnh ủy"})
    assert last_audit().after["title"] == "Bí thư Tỉnh ủy"
    services.position_end(actor=sec, position=pos, on=EVE)
    row = last_audit()
    assert (row.action, row.before["valid_to"], row.after["valid_to"]) == (
        "position_end",
        None,
        EVE.isoformat(),
    )
    with pytest.raises(ValidationError, match="already ended"):
        services.position_end(actor=sec, position=pos, on=CUT)
    with pytest.raises(ValidationError, match="end date must not be before"):
        services.position_end(actor=sec, position=pos, on=datetime.date(2019, 1, 1))
    with pytest.raises(PermissionDenied):
        services.position_end(actor=world.user("leader"), position=pos, on=EVE)
    with pytest.raises(ValidationError, match="same steering committee"):
        services.position_assign(
            actor=sec,
            committee=world.committee,
            person=person,
            position=Position.MEMBER,
            organization=world.other_org,
            valid_from=START,
        )


# -- roles ----------------------------------------------------------------------------------
def test_role_assign_and_end(world):
    sec = world.user("secretariat")
    user = User.objects.create_user("new_focal", password=None)
    role = services.role_assign(
        actor=sec, user=user, role=Role.FOCAL, committee=world.committee, organization=world.org_b
    )
    assert role.valid_from == timezone.localdate()
    row = last_audit()
    assert (row.action, row.after["role"], row.committee_id) == (
        "create",
        "focal",
        world.committee.pk,
    )
    assert permissions.get_scope(user).orgs_in(world.committee.pk) == {world.org_b.pk}
    services.role_end(actor=sec, assignment=role, on=timezone.localdate())
    assert last_audit().action == "role_end"
    with pytest.raises(ValidationError, match="already ended"):
        services.role_end(
            actor=sec, assignment=role, on=timezone.localdate() + datetime.timedelta(days=3)
        )


def test_role_assign_refusals(world):
    sec = world.user("secretariat")
    user = User.objects.create_user("someone", password=None)
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=sec, user=user, role=Role.ADMIN, committee=world.committee)
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=sec, user=user, role=Role.EDITOR, committee=world.other_committee
        )
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=world.user("leader"), user=user, role=Role.EDITOR, committee=world.committee
        )
    with pytest.raises(PermissionDenied):  # the secretariat may not reach an administrator
        services.role_assign(
            actor=sec, user=world.user("admin"), role=Role.EDITOR, committee=world.committee
        )
    with pytest.raises(ValidationError, match="focal point must be assigned"):
        services.role_assign(actor=sec, user=user, role=Role.FOCAL, committee=world.committee)
    with pytest.raises(ValidationError, match="already holds this role"):
        services.role_assign(
            actor=sec,
            user=world.user("focal_a"),
            role=Role.FOCAL,
            committee=world.committee,
            organization=world.org_a,
            valid_from=datetime.date(2024, 1, 1),
        )
    # A role for a later, separate period is fine.
    services.role_assign(
        actor=sec,
        user=user,
        role=Role.EDITOR,
        committee=world.committee,
        valid_from=START,
        valid_to=EVE,
    )
    services.role_assign(
        actor=sec, user=user, role=Role.EDITOR, committee=world.committee, valid_from=CUT
    )
    with pytest.raises(PermissionDenied):
        services.role_end(
            actor=sec,
            assignment=RoleAssignment.objects.get(user__username="other_secretariat"),
            on=EVE,
        )


# -- accounts -------------------------------------------------------------------------------
def test_user_create_by_secretariat_needs_a_role(world):
    sec = world.user("secretariat")
    with pytest.raises(ValidationError, match="committee and the role"):
        services.user_create(actor=sec, username="u1", password=None)
    with pytest.raises(ValidationError, match="is_superuser"):
        services.user_create(
            actor=sec,
            username="u1",
            password=None,
            role=Role.EDITOR,
            committee=world.committee,
            is_superuser=True,
        )
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=sec,
            username="u1",
            password=None,
            role=Role.EDITOR,
            committee=world.other_committee,
        )
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=world.user("focal_a"),
            username="u1",
            password=None,
            role=Role.EDITOR,
            committee=world.committee,
        )
    user = services.user_create(
        actor=sec,
        username="u1",
        password=None,
        role=Role.FOCAL,
        committee=world.committee,
        organization=world.org_a,
        first_name="Hà",
    )
    assert not user.has_usable_password()
    assert user.must_change_password
    assert RoleAssignment.objects.get(user=user).organization == world.org_a
    assert permissions.can(sec, "change", user)
    assert not User.objects.filter(username="u1").exclude(pk=user.pk).exists()


def test_user_create_validates_password_and_never_audits_it(world):
    with pytest.raises(ValidationError):
        services.user_create(actor=world.user("admin"), username="weak", password="12345678")
    user = services.user_create(
        actor=world.user("admin"), username="strong", password="Rừng-núi-xanh-2025"
    )
    assert user.check_password("Rừng-núi-xanh-2025")
    _assert_no_password_in_audit(user)


def _assert_no_password_in_audit(user):
    user = fresh(user)
    for row in AuditEvent.objects.all():
        text = repr(row.before) + repr(row.after) + row.note
        assert "password" not in (row.before or {})
        assert "password" not in (row.after or {})
        if user.password:
            assert user.password not in text
            assert user.password.split("$")[-1] not in text


def test_user_reset_password(world):
    sec = world.user("secretariat")
    focal = world.user("focal_a")
    password = services.user_reset_password(actor=sec, user=focal)
    focal = fresh(focal)
    assert focal.check_password(password)
    assert focal.must_change_password
    assert len(password) >= 12
    row = last_audit()
    assert (row.action, row.before, row.after) == (
        "reset_password",
        {"must_change_password": False},
        {"must_change_password": True},
    )
    assert password not in repr(row.before) + repr(row.after) + row.note
    _assert_no_password_in_audit(focal)
    # The account signs in with it and is then asked for a new password.
    request = RequestFactory().post("/")
    assert authenticate(request, username="focal_a", password=password) == focal
    assert services.user_reset_password(actor=sec, user=focal) != password


def test_user_reset_password_lifts_lockout(world, client):
    from axes.models import AccessAttempt

    for _ in range(6):
        client.post(reverse("login"), {"username": "focal_a", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="focal_a").exists()
    services.user_reset_password(actor=world.user("secretariat"), user=world.user("focal_a"))
    assert not AccessAttempt.objects.filter(username="focal_a").exists()


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("focal_a", "focal_b"),
        ("leader", "focal_a"),
        ("other_secretariat", "focal_a"),
        ("secretariat", "admin"),
        ("secretariat", "other_secretariat"),
    ],
)
def test_user_reset_password_refused(world, actor, target):
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=world.user(actor), user=world.user(target))
    assert not fresh(world.user(target)).must_change_password


def test_user_reset_own_password_refused(world):
    with pytest.raises(ValidationError, match="own password"):
        services.user_reset_password(
            actor=world.user("secretariat"), user=world.user("secretariat")
        )


def test_admin_resets_anyone(world):
    password = services.user_reset_password(
        actor=world.user("admin"), user=world.user("other_secretariat")
    )
    assert fresh(world.user("other_secretariat")).check_password(password)


def test_user_deactivate(world):
    sec = world.user("secretariat")
    services.user_deactivate(actor=sec, user=world.user("focal_b"))
    focal = fresh(world.user("focal_b"))
    assert not focal.is_active
    row = last_audit()
    assert (row.action, row.before["is_active"], row.after["is_active"]) == (
        "deactivate",
        True,
        False,
    )
    assert permissions.get_scope(focal).is_anonymous
    with pytest.raises(ValidationError, match="already inactive"):
        services.user_deactivate(actor=sec, user=focal)
    with pytest.raises(ValidationError, match="your own account"):
        services.user_deactivate(actor=sec, user=sec)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=world.user("other_secretariat"), user=world.user("focal_a"))
    _assert_no_password_in_audit(focal)


def test_generated_passwords_differ_and_pass_validation(world):
    from django.contrib.auth.password_validation import validate_password

    seen = {services.generate_one_time_password() for _ in range(50)}
    assert len(seen) == 50
    for password in list(seen)[:5]:
        validate_password(password, world.user("focal_a"))
        assert not set(password) & set("0O1lI")


def test_every_service_writes_one_audit_row_with_actor(world):
    """A walk through the services: each write leaves rows naming the actor."""
    sec = world.user("secretariat")
    before = AuditEvent.objects.count()
    make_org(world, "Ban CHQS huyện Lạc Sơn")
    person = services.person_create(actor=sec, committee=world.committee, full_name="Hà Thị Lan")
    services.position_assign(
        actor=sec, committee=world.committee, person=person, position="member", valid_from=START
    )
    rows = AuditEvent.objects.order_by("id")[before:]
    assert [r.action for r in rows] == ["create", "create", "create"]
    assert {r.actor_id for r in rows} == {sec.pk}
    assert {r.committee_id for r in rows} == {world.committee.pk}
    assert Committee.objects.count() == 2


def test_messages_are_in_vietnamese_by_default(world):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        services.organization_reparent(
            actor=world.user("secretariat"),
            organization=world.org_a,
            parent=None,
            on=datetime.date(2019, 5, 1),
        )
    assert exc.value.messages == [
        "Việc chuyển trực thuộc không thể có hiệu lực trước ngày thành lập tổ chức (01/01/2020)."
    ]
