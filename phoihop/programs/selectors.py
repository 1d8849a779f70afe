"""Reads of programs, always narrowed by the permission policies."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from phoihop.core import permissions
from phoihop.orgs.models import Organization
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Target,
)
from phoihop.programs.policies import PUBLIC


def programs_for(user: Any, action: str = permissions.VIEW) -> QuerySet[Program]:
    """The programs the user may see (or act on), newest year first."""
    return (
        Program.objects.restrict(user, action)
        .select_related("committee", "previous")
        .order_by("-year", "committee__name")
    )


def public_programs() -> QuerySet[Program]:
    """What the public reads: published programs."""
    return Program.objects.restrict(None, PUBLIC).select_related("committee").order_by("-year")


def organization_lineage(organization: Organization) -> list[int]:
    """The organization and its parents up the tree: a branch works under the contents
    its parent organization leads or co-operates in."""
    ids: list[int] = []
    current: Organization | None = organization
    while current is not None and current.pk not in ids:
        ids.append(current.pk)
        current = current.parent
    return ids


def _content_prefetches(user: Any) -> list[Any]:
    targets = Target.objects.select_related("organization").order_by("organization_id")
    indicators = Indicator.objects.order_by("order", "id").prefetch_related(
        Prefetch("targets", queryset=targets)
    )
    return [
        "co_organizations",
        "target_groups",
        "legal_basis",
        Prefetch("indicators", queryset=indicators),
    ]


def contents_for_org(
    user: Any, organization: Organization, program: Program, *, with_parents: bool = True
) -> QuerySet[ProgramContent]:
    """The program's contents where the organization (or, with `with_parents`, an
    organization above it) leads or co-operates, as far as the user may see them."""
    ids = organization_lineage(organization) if with_parents else [organization.pk]
    return (
        ProgramContent.objects.restrict(user, permissions.VIEW)
        .filter(program=program)
        .filter(Q(lead_id__in=ids) | Q(co_organizations__in=ids))
        .distinct()
        .select_related("lead", "program")
        .prefetch_related(*_content_prefetches(user))
        .order_by("order", "id")
    )


def program_detail(user: Any, pk: int, action: str = permissions.VIEW) -> Program:
    """One program with everything its page shows, in a fixed number of queries.

    404 when the user may not see it, 403 when they see it but may not do `action`.
    """
    contents = (
        ProgramContent.objects.select_related("lead")
        .prefetch_related(*_content_prefetches(user))
        .order_by("order", "id")
    )
    parties = ProgramParty.objects.select_related("organization", "signature").order_by(
        "order", "id"
    )
    queryset = Program.objects.select_related("committee", "previous").prefetch_related(
        "legal_basis",
        Prefetch("parties", queryset=parties),
        Prefetch("contents", queryset=contents),
    )
    return permissions.get_for_action(queryset, user, action, pk=pk)


def parties_to_sign(user: Any) -> QuerySet[ProgramParty]:
    """Parties of programs being signed that the user may sign for and that have not signed."""
    return (
        ProgramParty.objects.restrict(user, permissions.SIGN)
        .filter(program__status=ProgramStatus.SIGNING, signature__isnull=True)
        .select_related("program", "organization")
        .order_by("program_id", "order")
    )
