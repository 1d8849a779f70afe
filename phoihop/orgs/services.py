"""Writes for committees, organizations, people and roles. Each is atomic and audited."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.core import audit, permissions
from phoihop.core import services as core_services
from phoihop.core.models import User
from phoihop.core.services import model_create, model_update
from phoihop.core.text import fold, normalize
from phoihop.orgs.choices import Role, SuccessionKind
from phoihop.orgs.models import (
    Committee,
    CommitteePosition,
    Organization,
    OrganizationParent,
    OrganizationSuccession,
    Person,
    RoleAssignment,
)

COMMITTEE_FIELDS = frozenset({"name", "short_name", "valid_from", "valid_to"})
COMMITTEE_ADMIN_FIELDS = COMMITTEE_FIELDS | {"code", "province"}
ORGANIZATION_FIELDS = frozenset(
    {"name", "abbreviation", "kind", "level", "locality", "valid_from", "valid_to"}
)
PERSON_FIELDS = frozenset({"full_name", "title", "rank", "organization", "phone", "email", "user"})
POSITION_FIELDS = frozenset({"title", "organization", "valid_from", "valid_to"})
USER_FIELDS = frozenset({"first_name", "last_name", "email", "phone", "is_staff"})
USER_ADMIN_FIELDS = USER_FIELDS | {"is_superuser", "is_active"}
# Roles an organization is named in: they follow the organization to its successor.
ORGANIZATION_ROLES = (Role.FOCAL, Role.LEADER)

# No 0/O, 1/l/I: one-time passwords are read aloud and copied from paper.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
_PASSWORD_GROUPS = 3
_PASSWORD_GROUP_LENGTH = 4


# -- helpers ------------------------------------------------------------------------------
def _require_secretariat(actor: Any, committee: Committee) -> None:
    scope = permissions.get_scope(actor)
    if not (scope.is_admin or committee.pk in scope.committees_with(permissions.SECRETARIAT)):
        raise PermissionDenied


def _require_admin(actor: Any) -> None:
    if not permissions.get_scope(actor).is_admin:
        raise PermissionDenied


def _only(data: dict[str, Any], allowed: Iterable[str], *, hint: str = "") -> None:
    """Refuse fields a service does not change (ids are accepted for their field)."""
    allowed = set(allowed)
    names = {name.removesuffix("_id") for name in data}
    refused = sorted(names - allowed)
    if refused:
        message = _("These fields cannot be changed here: {fields}.").format(
            fields=", ".join(refused)
        )
        raise ValidationError(f"{message} {hint}".strip(), code="field_not_allowed")


def _day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


def _is_administrator(user: User) -> bool:
    return user.is_superuser or user.role_assignments.filter(role=Role.ADMIN).exists()


def generate_one_time_password() -> str:
    """A password to hand out on paper, e.g. "Kx7p-mN3q-Ra9t"."""
    return "-".join(
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(_PASSWORD_GROUP_LENGTH))
        for _ in range(_PASSWORD_GROUPS)
    )


# -- committees ---------------------------------------------------------------------------
def committee_create(*, actor: User, **fields: Any) -> Committee:
    _require_admin(actor)
    _only(fields, COMMITTEE_ADMIN_FIELDS)
    return model_create(actor=actor, obj=Committee(**fields))


def committee_update(*, actor: User, committee: Committee, data: dict[str, Any]) -> Committee:
    _require_secretariat(actor, committee)
    if "successor" in data or "successor_id" in data:
        raise ValidationError(_("The successor is set separately, by a system administrator."))
    allowed = COMMITTEE_ADMIN_FIELDS if permissions.get_scope(actor).is_admin else COMMITTEE_FIELDS
    _only(data, allowed)
    return model_update(actor=actor, obj=committee, data=data)


def committee_set_successor(
    *,
    actor: User,
    committee: Committee,
    successor: Committee | None,
    ends_on: datetime.date | None = None,
) -> Committee:
    """Record which committee took over (its users then read this one's data, read-only);
    `ends_on` closes this committee's term on that day."""
    _require_admin(actor)
    data: dict[str, Any] = {"successor": successor}
    if ends_on is not None:
        data["valid_to"] = ends_on
    return model_update(actor=actor, obj=committee, data=data, action="set_successor")


# -- organizations ------------------------------------------------------------------------
def _record_parent_period(
    *, actor: User, organization: Organization, parent: Organization, valid_from: datetime.date
) -> OrganizationParent:
    return model_create(
        actor=actor,
        obj=OrganizationParent(organization=organization, parent=parent, valid_from=valid_from),
    )


@transaction.atomic
def organization_create(*, actor: User, committee: Committee, **fields: Any) -> Organization:
    _require_secretariat(actor, committee)
    _only(fields, ORGANIZATION_FIELDS | {"parent"})
    org = model_create(actor=actor, obj=Organization(committee=committee, **fields))
    if org.parent is not None:
        _record_parent_period(
            actor=actor, organization=org, parent=org.parent, valid_from=org.valid_from
        )
    return org


def organization_update(
    *, actor: User, organization: Organization, data: dict[str, Any]
) -> Organization:
    _require_secretariat(actor, organization.committee)
    if "parent" in data or "parent_id" in data:
        raise ValidationError(
            _(
                "Change the parent by a move with the date it takes effect, so that the "
                "parent history is kept."
            )
        )
    _only(data, ORGANIZATION_FIELDS)
    return model_update(actor=actor, obj=organization, data=data)


@transaction.atomic
def organization_reparent(
    *, actor: User, organization: Organization, parent: Organization | None, on: datetime.date
) -> Organization:
    """Move a branch under another parent (or make it top-level) from `on`, keeping the
    parent it had until the day before in the parent history."""
    _require_secretariat(actor, organization.committee)
    if parent is not None and parent.pk == organization.parent_id:
        raise ValidationError(_("The organization is already under this parent."))
    if on < organization.valid_from:
        raise ValidationError(
            _("The move cannot take effect before the organization existed ({date}).").format(
                date=organization.valid_from.strftime("%d/%m/%Y")
            )
        )
    current = organization.parent_history.filter(valid_to__isnull=True).first()
    if current is None and organization.parent is not None:
        # A parent set without history (imported data): keep it as a closed period.
        current = _record_parent_period(
            actor=actor,
            organization=organization,
            parent=organization.parent,
            valid_from=organization.valid_from,
        )
    if current is not None:
        if on <= current.valid_from:
            raise ValidationError(
                _("The new parent must start after {date}, when the current one started.").format(
                    date=current.valid_from.strftime("%d/%m/%Y")
                )
            )
        model_update(actor=actor, obj=current, data={"valid_to": _day_before(on)})
    result = model_update(actor=actor, obj=organization, data={"parent": parent}, action="reparent")
    if parent is not None:
        _record_parent_period(actor=actor, organization=organization, parent=parent, valid_from=on)
    return result


def _move_roles(
    *, actor: User, old: Organization, successor: Organization, on: datetime.date
) -> None:
    """Roles tied to `old` that are current on `on` or start later go to the successor."""
    assignments = RoleAssignment.objects.filter(
        organization=old, role__in=ORGANIZATION_ROLES
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    for assignment in assignments.select_related("user", "committee"):
        if assignment.valid_from >= on:
            # Not started yet: re-point it rather than leave an empty period behind.
            model_update(
                actor=actor,
                obj=assignment,
                data={"organization": successor, "committee": successor.committee},
                action="role_moved",
            )
            permissions.forget_scope(assignment.user)
            continue
        original_end = assignment.valid_to
        role_end(actor=actor, assignment=assignment, on=_day_before(on))
        role_assign(
            actor=actor,
            user=assignment.user,
            role=assignment.role,
            committee=successor.committee,
            organization=successor,
            valid_from=on,
            valid_to=original_end,
        )


@transaction.atomic
def organization_succeed(
    *,
    actor: User,
    predecessors: list[Organization],
    successor: Organization,
    kind: str,
    on: datetime.date,
    move_users: bool = True,
    note: str = "",
) -> list[OrganizationSuccession]:
    """Record that `successor` continues the predecessors from `on` (merge, split, rename,
    replace, re-parent): each predecessor ends the day before, and with `move_users` the
    roles tied to it (focal points, leaders signing for it) end there and start again
    at the successor on `on`."""
    if kind not in SuccessionKind.values:
        raise ValidationError(_("Unknown kind of succession."))
    if not predecessors:
        raise ValidationError(_("Choose at least one predecessor."))
    _require_secretariat(actor, successor.committee)
    if successor.valid_from > on:
        raise ValidationError(
            _("The successor only exists from {date}; the succession cannot be earlier.").format(
                date=successor.valid_from.strftime("%d/%m/%Y")
            )
        )
    links = []
    for old in predecessors:
        _require_secretariat(actor, old.committee)
        links.append(
            model_create(
                actor=actor,
                obj=OrganizationSuccession(
                    predecessor=old, successor=successor, kind=kind, date=on, note=note
                ),
            )
        )
        if old.valid_to is None or old.valid_to >= on:
            model_update(
                actor=actor, obj=old, data={"valid_to": _day_before(on)}, action="succeeded"
            )
        if move_users:
            _move_roles(actor=actor, old=old, successor=successor, on=on)
    return links


@transaction.atomic
def organization_trash(*, actor: User, organization: Organization) -> Organization:
    _require_secretariat(actor, organization.committee)
    if organization.branches.exists():
        raise ValidationError(_("The organization still has branches: move or delete them first."))
    today = timezone.localdate()
    if RoleAssignment.objects.valid_on(today).filter(organization=organization).exists():
        raise ValidationError(
            _("Users still hold roles for this organization: end or move them first.")
        )
    return core_services.trash(actor=actor, obj=organization)


def organization_restore(*, actor: User, organization: Organization) -> Organization:
    _require_secretariat(actor, organization.committee)
    return core_services.restore(actor=actor, obj=organization)


# -- people and positions -----------------------------------------------------------------
def _check_account(actor: User, fields: dict[str, Any]) -> None:
    user = fields.get("user")
    if user is not None and not permissions.can(actor, permissions.VIEW, user):
        raise PermissionDenied


def person_create(*, actor: User, committee: Committee, **fields: Any) -> Person:
    _require_secretariat(actor, committee)
    _only(fields, PERSON_FIELDS)
    _check_account(actor, fields)
    return model_create(actor=actor, obj=Person(committee=committee, **fields))


def person_update(*, actor: User, person: Person, data: dict[str, Any]) -> Person:
    _require_secretariat(actor, person.committee)
    _only(data, PERSON_FIELDS)
    _check_account(actor, data)
    return model_update(actor=actor, obj=person, data=data)


def person_trash(*, actor: User, person: Person) -> Person:
    _require_secretariat(actor, person.committee)
    return core_services.trash(actor=actor, obj=person)


def position_assign(
    *, actor: User, committee: Committee, person: Person, position: str, **fields: Any
) -> CommitteePosition:
    _require_secretariat(actor, committee)
    _only(fields, POSITION_FIELDS)
    return model_create(
        actor=actor,
        obj=CommitteePosition(committee=committee, person=person, position=position, **fields),
    )


def position_update(
    *, actor: User, position: CommitteePosition, data: dict[str, Any]
) -> CommitteePosition:
    """Correct the title or dates of a position (the person and the post stay)."""
    _require_secretariat(actor, position.committee)
    _only(data, POSITION_FIELDS)
    return model_update(actor=actor, obj=position, data=data)


def position_end(
    *, actor: User, position: CommitteePosition, on: datetime.date
) -> CommitteePosition:
    """The person leaves the position; `on` is the last day held."""
    _require_secretariat(actor, position.committee)
    if position.valid_to is not None and position.valid_to < on:
        raise ValidationError(
            _("The position already ended on {date}.").format(
                date=position.valid_to.strftime("%d/%m/%Y")
            )
        )
    return model_update(actor=actor, obj=position, data={"valid_to": on}, action="position_end")


# -- roles --------------------------------------------------------------------------------
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    committee: Committee | None = None,
    organization: Organization | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> RoleAssignment:
    if role == Role.ADMIN or committee is None:
        _require_admin(actor)
    else:
        _require_secretariat(actor, committee)
        # Adding a role would bring an administrator under the secretariat's management.
        if not permissions.get_scope(actor).is_admin and _is_administrator(user):
            raise PermissionDenied
    assignment = RoleAssignment(
        user=user, role=role, committee=committee, organization=organization, valid_to=valid_to
    )
    if valid_from is not None:
        assignment.valid_from = valid_from
    overlapping = RoleAssignment.objects.filter(
        user=user, role=role, committee=committee, organization=organization
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=assignment.valid_from))
    if assignment.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=assignment.valid_to)
    if overlapping.exists():
        raise ValidationError(_("The user already holds this role for part of that period."))
    assignment = model_create(actor=actor, obj=assignment)
    permissions.forget_scope(user)
    return assignment


def role_end(*, actor: User, assignment: RoleAssignment, on: datetime.date) -> RoleAssignment:
    """The role ends; `on` is its last day."""
    if assignment.committee is None or assignment.role == Role.ADMIN:
        _require_admin(actor)
    else:
        _require_secretariat(actor, assignment.committee)
    if assignment.valid_to is not None and assignment.valid_to < on:
        raise ValidationError(
            _("The role already ended on {date}.").format(
                date=assignment.valid_to.strftime("%d/%m/%Y")
            )
        )
    result = model_update(actor=actor, obj=assignment, data={"valid_to": on}, action="role_end")
    permissions.forget_scope(assignment.user)
    return result


# -- accounts -----------------------------------------------------------------------------
@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str | None,
    must_change_password: bool = True,
    role: str | None = None,
    committee: Committee | None = None,
    organization: Organization | None = None,
    **fields: Any,
) -> User:
    """An account, with its first role when `role` is given. With `password=None` it
    cannot sign in until a password is set (see user_reset_password).

    The secretariat creates accounts only together with a role in its committee: an
    account without one would belong to no committee and be out of its reach."""
    scope = permissions.get_scope(actor)
    if scope.is_admin:
        _only(fields, USER_ADMIN_FIELDS)
    else:
        if role is None or committee is None:
            raise ValidationError(_("Give the committee and the role of the new account."))
        _require_secretariat(actor, committee)
        _only(fields, USER_FIELDS)
    user = User(username=username, must_change_password=must_change_password, **fields)
    user.full_clean(exclude=["password"])
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.save()
    audit.record(actor=actor, action="create", obj=user, after=audit.snapshot(user))
    if role is not None:
        role_assign(
            actor=actor, user=user, role=role, committee=committee, organization=organization
        )
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """Give the user a one-time password (returned, to hand over; never stored in clear or
    audited): the next sign-in asks for a new one. Failed sign-in lockouts are lifted.

    The secretariat may do this for the accounts of its committee, but not for
    administrators nor for accounts that also work for another committee (see
    orgs.policies.user_policy)."""
    permissions.require(actor, permissions.CHANGE, user)
    if user.pk == actor.pk:
        raise ValidationError(_("Change your own password on the “change password” page."))
    password = generate_one_time_password()
    before = {"must_change_password": user.must_change_password}
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        actor=actor,
        action="reset_password",
        obj=user,
        before=before,
        after={"must_change_password": True},
    )
    from axes.utils import reset as axes_reset

    axes_reset(username=user.get_username())
    return password


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """The account can no longer sign in; its roles and history stay as they were."""
    permissions.require(actor, permissions.CHANGE, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        raise ValidationError(_("The account is already inactive."))
    return model_update(actor=actor, obj=user, data={"is_active": False}, action="deactivate")


# -- onboarding from a sheet --------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """One line of an onboarding sheet, as read (row = its line number in the sheet)."""

    row: int
    full_name: str
    organization: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Onboarded:
    person: Person
    user: User
    password: str


_PHONE_CHARS = re.compile(r"[\s.\-()]")
_VN_PHONE = re.compile(r"^(\+?84|0)\d{8,10}$")
ONBOARD_ROLES = (Role.FOCAL, Role.LEADER)
# One-time passwords are random (about 70 bits), so a slow hash adds nothing against
# guessing them; a cheap one lets a thousand accounts be made in one request. The first
# sign-in upgrades the hash (Django re-hashes with the preferred hasher) and asks for a
# password of the person's own, which then gets the full Argon2 cost.
_ONE_TIME_HASH_ITERATIONS = 1000


def _one_time_hash(password: str) -> str:
    try:
        hasher = get_hasher("pbkdf2_sha256")
    except ValueError:  # not among the configured hashers (tests use a fast one)
        return make_password(password)
    return cast(Any, hasher).encode(password, hasher.salt(), _ONE_TIME_HASH_ITERATIONS)


def _username_base(full_name: str) -> str:
    """Vietnamese habit: the given name then the initials of the others,
    "Nguyễn Văn An" -> "annv"."""
    words = [w for w in re.split(r"[^a-z0-9]+", fold(full_name)) if w]
    if not words:
        return "user"
    return (words[-1] + "".join(w[0] for w in words[:-1]))[:30]


def _organization_index(committee: Committee, day: datetime.date) -> dict[str, Organization]:
    index: dict[str, Organization] = {}
    current = Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    for org in Organization.objects.filter(current, committee=committee, valid_from__lte=day):
        index.setdefault(fold(org.name), org)
        if org.abbreviation:
            index.setdefault(fold(org.abbreviation), org)
    return index


def _normal_phone(raw: str) -> str:
    return _PHONE_CHARS.sub("", raw or "")


def _phone_problems(row: PersonRow, seen: dict[str, int]) -> list[str]:
    phone = _normal_phone(row.phone)
    if not phone:
        return []
    if not _VN_PHONE.match(phone):
        return [
            _("the phone number “{phone}” is not valid (e.g. 0912345678).").format(
                phone=row.phone.strip()
            )
        ]
    if phone in seen:
        return [_("the phone number is the same as on line {other}.").format(other=seen[phone])]
    seen[phone] = row.row
    return []


def _email_problems(row: PersonRow, existing: set[str], seen: dict[str, int]) -> list[str]:
    email = row.email.strip().lower()
    if not email:
        return []
    try:
        validate_email(email)
    except ValidationError:
        return [_("the email “{email}” is not valid.").format(email=row.email.strip())]
    if email in seen:
        return [_("the email is the same as on line {other}.").format(other=seen[email])]
    seen[email] = row.row
    if email in existing:
        return [_("an account with the email {email} already exists.").format(email=email)]
    return []


def _name_problems(row: PersonRow, orgs: dict[str, Organization]) -> list[str]:
    problems = []
    if not row.full_name.strip():
        problems.append(_("the full name is missing."))
    elif len(row.full_name) > 120:
        problems.append(_("the full name is longer than 120 characters."))
    if not row.organization.strip():
        problems.append(_("the organization is missing."))
    elif fold(row.organization) not in orgs:
        problems.append(
            _(
                "no organization “{name}” in the committee; write its name or "
                "abbreviation as listed under Organizations."
            ).format(name=row.organization.strip())
        )
    return problems


def people_onboard_check(*, actor: User, committee: Committee, rows: list[PersonRow]) -> list[str]:
    """Every problem of the sheet, one message per problem naming its line (empty when
    every line can be created)."""
    _require_secretariat(actor, committee)
    if not rows:
        return [_("The sheet has no people in it.")]
    orgs = _organization_index(committee, timezone.localdate())
    existing = {e.lower() for e in User.objects.exclude(email="").values_list("email", flat=True)}
    seen_email: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    problems: list[str] = []
    for row in rows:
        found = [
            *_name_problems(row, orgs),
            *_phone_problems(row, seen_phone),
            *_email_problems(row, existing, seen_email),
        ]
        problems.extend(
            _("Line {row}: {message}").format(row=row.row, message=message) for message in found
        )
    return problems


@transaction.atomic
def people_onboard(
    *, actor: User, committee: Committee, rows: list[PersonRow], role: str = Role.FOCAL
) -> list[Onboarded]:
    """Create a person, an account with a one-time password and a role for the person's
    organization, for every line of the sheet, or nothing at all when any line is wrong
    (the ValidationError lists every problem by line). The passwords are returned once,
    to be handed out; the first sign-in asks for a new one."""
    _require_secretariat(actor, committee)
    if role not in ONBOARD_ROLES:
        raise ValidationError(_("Accounts from a sheet are focal points or leaders."))
    problems = people_onboard_check(actor=actor, committee=committee, rows=rows)
    if problems:
        raise ValidationError(problems, code="invalid_rows")
    orgs = _organization_index(committee, timezone.localdate())
    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    today = timezone.localdate()
    done: list[Onboarded] = []
    created: list[Any] = []
    for row in rows:
        base = _username_base(row.full_name)
        username, n = base, 1
        while username in taken:
            n += 1
            username = f"{base}{n}"
        taken.add(username)
        name = normalize(row.full_name)
        family, _sep, given = name.rpartition(" ")
        password = generate_one_time_password()
        user = User(
            username=username,
            first_name=given[:150],
            last_name=family[:150],
            email=row.email.strip().lower(),
            phone=_normal_phone(row.phone),
            must_change_password=True,
        )
        user.password = _one_time_hash(password)
        user.full_clean(exclude=["password"])
        user.save()
        org = orgs[fold(row.organization)]
        person = Person(
            committee=committee,
            full_name=name,
            organization=org,
            phone=user.phone,
            email=user.email,
            user=user,
        )
        person.full_clean()
        person.save()
        assignment = RoleAssignment(
            user=user, role=role, committee=committee, organization=org, valid_from=today
        )
        assignment.full_clean()
        assignment.save()
        created.extend([user, person, assignment])
        done.append(Onboarded(person=person, user=user, password=password))
    audit.record_many(
        actor=actor,
        action="create",
        changes=[(obj, None, audit.snapshot(obj)) for obj in created],
    )
    return done
