"""Reads of committees, organizations, people and roles.

`scope_for_user` is core.permissions' scope provider: it runs once per request, so it
stays at two queries (the user's current roles, then the committee succession graph).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Case, QuerySet, When
from django.utils import timezone

from phoihop.core.models import User
from phoihop.core.permissions import ADMIN, VIEW, Scope
from phoihop.orgs.choices import Position, Role
from phoihop.orgs.models import (
    Committee,
    CommitteePosition,
    Organization,
    OrganizationParent,
    Person,
    RoleAssignment,
)

# -- committees ---------------------------------------------------------------------------


def successor_graph() -> dict[int, int]:
    """committee id -> id of the committee that took over. Committees are few (one per
    province and term), so the whole graph is one small query."""
    return dict(Committee.objects.filter(successor__isnull=False).values_list("id", "successor_id"))


def predecessors_of(
    committee_ids: set[int] | frozenset[int], *, graph: dict[int, int] | None = None
) -> set[int]:
    """Every committee that (transitively) was succeeded by one of these."""
    graph = successor_graph() if graph is None else graph
    before: dict[int, set[int]] = defaultdict(set)
    for old, new in graph.items():
        before[new].add(old)
    found: set[int] = set()
    frontier = set(committee_ids)
    while frontier:
        step = set().union(*(before[c] for c in frontier)) - found - set(committee_ids)
        found |= step
        frontier = step
    return found


def successors_of(committee: Committee, *, graph: dict[int, int] | None = None) -> list[int]:
    """The ids of the committees that took over from this one, nearest first."""
    graph = successor_graph() if graph is None else graph
    chain: list[int] = []
    current = graph.get(committee.pk)
    while current is not None and current not in chain and current != committee.pk:
        chain.append(current)
        current = graph.get(current)
    return chain


def committee_lineage(committee: Committee) -> list[Committee]:
    """The committee with its predecessors and successors, oldest term first."""
    graph = successor_graph()
    ids = predecessors_of({committee.pk}, graph=graph) | {committee.pk}
    ids |= set(successors_of(committee, graph=graph))
    return list(Committee.objects.filter(pk__in=ids).order_by("valid_from", "pk"))


def committees_for(user: Any, action: str = VIEW) -> QuerySet[Committee]:
    return Committee.objects.restrict(user, action).select_related("province", "successor")


# -- the scope provider -------------------------------------------------------------------


def scope_for_user(user: Any, *, day: datetime.date | None = None) -> Scope:
    """What the user may act on today: roles valid on `day` (expired and future ones do
    not count), and the predecessors of their committees, read-only."""
    day = day or timezone.localdate()
    rows = (
        RoleAssignment.objects.valid_on(day)
        .filter(user_id=user.pk)
        .values_list("role", "committee_id", "organization_id")
    )
    is_admin = bool(user.is_superuser)
    roles: dict[int, set[str]] = defaultdict(set)
    orgs: dict[int, set[int]] = defaultdict(set)
    role_orgs: dict[tuple[int, str], set[int]] = defaultdict(set)
    for role, committee_id, organization_id in rows:
        if role == ADMIN:
            is_admin = True
        if committee_id is None:
            continue
        roles[committee_id].add(role)
        if organization_id is not None:
            orgs[committee_id].add(organization_id)
            role_orgs[(committee_id, role)].add(organization_id)
    member = set(roles)
    read_only = predecessors_of(member) - member if member else set()
    return Scope(
        user_id=user.pk,
        is_admin=is_admin,
        roles={c: frozenset(r) for c, r in roles.items()},
        organizations={c: frozenset(o) for c, o in orgs.items()},
        role_organizations={k: frozenset(o) for k, o in role_orgs.items()},
        read_only=frozenset(read_only),
    )


# -- organizations ------------------------------------------------------------------------


def organizations_for(
    user: Any, action: str = VIEW, *, committee: Committee | None = None
) -> QuerySet[Organization]:
    qs = Organization.objects.restrict(user, action).select_related("committee", "parent")
    if committee is not None:
        qs = qs.filter(committee=committee)
    return qs


def _descendants(edges: list[tuple[int, int]], root: int) -> set[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent in edges:
        children[parent].append(child)
    found: set[int] = set()
    frontier = [root]
    while frontier:
        nxt = [c for p in frontier for c in children[p] if c not in found and c != root]
        found.update(nxt)
        frontier = nxt
    return found


def branches_of(
    organization: Organization, *, on: datetime.date | None = None
) -> QuerySet[Organization]:
    """Every branch under the organization, at any depth (not the organization itself).

    Without `on`, by the current parents; with `on`, by the parent history as it was
    that day. Not restricted: narrow it with `.restrict(user)` for what a user sees."""
    if on is None:
        edges = list(
            Organization.objects.filter(
                committee_id=organization.committee_id, parent__isnull=False
            ).values_list("id", "parent_id")
        )
    else:
        edges = list(
            OrganizationParent.objects.valid_on(on)
            .filter(organization__committee_id=organization.committee_id)
            .values_list("organization_id", "parent_id")
        )
    return Organization.objects.filter(pk__in=_descendants(edges, organization.pk))


def organization_tree(user: Any, committee: Committee) -> list[tuple[Organization, int]]:
    """The organizations the user sees in a committee, depth-first with their depth
    (a branch whose parent is hidden from the user shows at the top)."""
    orgs = list(organizations_for(user, committee=committee).order_by("name"))
    by_id = {o.pk: o for o in orgs}
    children: dict[int | None, list[Organization]] = defaultdict(list)
    for org in orgs:
        children[org.parent_id if org.parent_id in by_id else None].append(org)
    result: list[tuple[Organization, int]] = []
    stack = [(org, 0) for org in reversed(children[None])]
    seen: set[int] = set()
    while stack:
        org, depth = stack.pop()
        if org.pk in seen:
            continue
        seen.add(org.pk)
        result.append((org, depth))
        stack.extend((child, depth + 1) for child in reversed(children[org.pk]))
    return result


def successor_chain(organization: Organization) -> list[Organization]:
    """The organization's successors, following the newest succession each time."""
    chain: list[Organization] = []
    seen = {organization.pk}
    current = organization
    while True:
        nxt = current.successions.select_related("successor").order_by("-date", "-id").first()
        if nxt is None or nxt.successor_id in seen:
            return chain
        current = nxt.successor
        seen.add(current.pk)
        chain.append(current)


# -- people and roles ---------------------------------------------------------------------


def people_for(
    user: Any, action: str = VIEW, *, committee: Committee | None = None
) -> QuerySet[Person]:
    qs = Person.objects.restrict(user, action).select_related("organization", "committee")
    if committee is not None:
        qs = qs.filter(committee=committee)
    return qs


def positions_for(
    user: Any, committee: Committee, *, on: datetime.date | None = None
) -> QuerySet[CommitteePosition]:
    """The committee's members on a day (today by default), head first."""
    return (
        CommitteePosition.objects.restrict(user, VIEW)
        .filter(committee=committee)
        .valid_on(on)
        .select_related("person", "organization")
        .order_by(
            Case(*[When(position=v, then=i) for i, v in enumerate(Position.values)]),
            "valid_from",
            "person__full_name",
        )
    )


def roles_for(user: Any, action: str = VIEW) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.restrict(user, action).select_related(
        "user", "committee", "organization"
    )


def focal_points_of(
    organization: Organization, *, on: datetime.date | None = None
) -> QuerySet[User]:
    """Active accounts that are focal points of the organization on a day."""
    ids = (
        RoleAssignment.objects.valid_on(on)
        .filter(organization=organization, role=Role.FOCAL)
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids, is_active=True)
