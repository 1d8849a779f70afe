"""Reads of committees, organizations and roles."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from phoihop.core.permissions import ADMIN, Scope
from phoihop.orgs.models import Committee, Organization, RoleAssignment


def predecessors_of(committee_ids: set[int]) -> set[int]:
    """Every committee that (transitively) was succeeded by one of these."""
    found: set[int] = set()
    frontier = set(committee_ids)
    while frontier:
        ids = set(
            Committee.objects.filter(successor_id__in=frontier).values_list("id", flat=True)
        ) - found - committee_ids
        found |= ids
        frontier = ids
    return found


def scope_for_user(user: Any, *, day: datetime.date | None = None) -> Scope:
    day = day or timezone.localdate()
    rows = RoleAssignment.objects.valid_on(day).filter(user=user).values_list(
        "role", "committee_id", "organization_id"
    )
    is_admin = bool(user.is_superuser)
    roles: dict[int, set[str]] = defaultdict(set)
    orgs: dict[int, set[int]] = defaultdict(set)
    for role, committee_id, organization_id in rows:
        if role == ADMIN:
            is_admin = True
        if committee_id is None:
            continue
        roles[committee_id].add(role)
        if organization_id is not None:
            orgs[committee_id].add(organization_id)
    member = set(roles)
    return Scope(
        user_id=user.pk,
        is_admin=is_admin,
        roles={c: frozenset(r) for c, r in roles.items()},
        organizations={c: frozenset(o) for c, o in orgs.items()},
        read_only=frozenset(predecessors_of(member) - member),
    )


def organizations_for(user: Any, action: str = "view") -> QuerySet[Organization]:
    return Organization.objects.restrict(user, action).select_related("committee", "parent")


def successor_chain(organization: Organization) -> list[Organization]:
    """The organization's successors, following the newest succession each time."""
    chain: list[Organization] = []
    seen = {organization.pk}
    current = organization
    while True:
        nxt = (
            current.successions.select_related("successor").order_by("-date", "-id").first()
        )
        if nxt is None or nxt.successor_id in seen:
            return chain
        current = nxt.successor
        seen.add(current.pk)
        chain.append(current)
