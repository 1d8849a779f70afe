"""Writes for committees, organizations, people and roles. Each is atomic and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.core import audit, permissions
from phoihop.core.models import User
from phoihop.core.services import model_create, model_update
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


def _require_secretariat(actor: Any, committee: Committee) -> None:
    scope = permissions.get_scope(actor)
    if not (scope.is_admin or committee.pk in scope.committees_with(permissions.SECRETARIAT)):
        raise PermissionDenied


def _require_admin(actor: Any) -> None:
    if not permissions.get_scope(actor).is_admin:
        raise PermissionDenied


def committee_create(*, actor: User, **fields: Any) -> Committee:
    _require_admin(actor)
    return model_create(actor=actor, obj=Committee(**fields))


def committee_update(*, actor: User, committee: Committee, data: dict[str, Any]) -> Committee:
    _require_secretariat(actor, committee)
    if "successor" in data or "successor_id" in data:
        _require_admin(actor)
    return model_update(actor=actor, obj=committee, data=data)


def organization_create(*, actor: User, committee: Committee, **fields: Any) -> Organization:
    _require_secretariat(actor, committee)
    with transaction.atomic():
        org = model_create(actor=actor, obj=Organization(committee=committee, **fields))
        if org.parent_id is not None:
            OrganizationParent.objects.create(
                organization=org, parent_id=org.parent_id, valid_from=org.valid_from
            )
        return org


def organization_update(
    *, actor: User, organization: Organization, data: dict[str, Any]
) -> Organization:
    _require_secretariat(actor, organization.committee)
    if "parent" in data or "parent_id" in data:
        raise ValidationError(_("Change the parent with “move under another parent”, which keeps the history."))
    return model_update(actor=actor, obj=organization, data=data)


@transaction.atomic
def organization_reparent(
    *, actor: User, organization: Organization, parent: Organization | None, on: datetime.date
) -> Organization:
    """Move a branch under another parent from a date, keeping the parent history."""
    _require_secretariat(actor, organization.committee)
    current = organization.parent_history.filter(valid_to__isnull=True).first()
    if current is not None:
        if on <= current.valid_from:
            raise ValidationError(
                _("The new parent must start after {date}, when the current one started.").format(
                    date=current.valid_from.strftime("%d/%m/%Y")
                )
            )
        current.valid_to = on - datetime.timedelta(days=1)
        current.save(update_fields=["valid_to"])
    if parent is not None:
        OrganizationParent.objects.create(organization=organization, parent=parent, valid_from=on)
    return model_update(
        actor=actor, obj=organization, data={"parent": parent}, action="reparent"
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
    replace); their focal points move to the successor when `move_users` is set."""
    if kind not in SuccessionKind.values:
        raise ValidationError(_("Unknown kind of succession."))
    _require_secretariat(actor, successor.committee)
    links = []
    for old in predecessors:
        _require_secretariat(actor, old.committee)
        link = model_create(
            actor=actor,
            obj=OrganizationSuccession(
                predecessor=old, successor=successor, kind=kind, date=on, note=note
            ),
        )
        links.append(link)
        if old.valid_to is None or old.valid_to >= on:
            model_update(
                actor=actor,
                obj=old,
                data={"valid_to": on - datetime.timedelta(days=1)},
                action="succeeded",
            )
        if move_users:
            for assignment in RoleAssignment.objects.valid_on(on).filter(
                organization=old, role=Role.FOCAL
            ):
                role_end(actor=actor, assignment=assignment, on=on - datetime.timedelta(days=1))
                role_assign(
                    actor=actor,
                    user=assignment.user,
                    role=Role.FOCAL,
                    committee=successor.committee,
                    organization=successor,
                    valid_from=on,
                )
    return links


def person_create(*, actor: User, committee: Committee, **fields: Any) -> Person:
    _require_secretariat(actor, committee)
    return model_create(actor=actor, obj=Person(committee=committee, **fields))


def person_update(*, actor: User, person: Person, data: dict[str, Any]) -> Person:
    _require_secretariat(actor, person.committee)
    return model_update(actor=actor, obj=person, data=data)


def position_assign(
    *, actor: User, committee: Committee, person: Person, position: str, **fields: Any
) -> CommitteePosition:
    _require_secretariat(actor, committee)
    return model_create(
        actor=actor,
        obj=CommitteePosition(committee=committee, person=person, position=position, **fields),
    )


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
    fields: dict[str, Any] = {"valid_to": valid_to}
    if valid_from is not None:
        fields["valid_from"] = valid_from
    assignment = model_create(
        actor=actor,
        obj=RoleAssignment(
            user=user, role=role, committee=committee, organization=organization, **fields
        ),
    )
    permissions.forget_scope(user)
    return assignment


def role_end(*, actor: User, assignment: RoleAssignment, on: datetime.date) -> RoleAssignment:
    if assignment.committee is None:
        _require_admin(actor)
    else:
        _require_secretariat(actor, assignment.committee)
    result = model_update(actor=actor, obj=assignment, data={"valid_to": on}, action="role_end")
    permissions.forget_scope(assignment.user)
    return result


@transaction.atomic
def user_create(
    *, actor: User, username: str, password: str | None, must_change_password: bool = True, **fields: Any
) -> User:
    """An account; with `password=None` it cannot sign in until a password is set."""
    scope = permissions.get_scope(actor)
    if not (scope.is_admin or scope.committees_with(permissions.SECRETARIAT)):
        raise PermissionDenied
    user = User(username=username, must_change_password=must_change_password, **fields)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(actor=actor, action="create", obj=user, after=audit.snapshot(user))
    return user
