"""Reads of good-practice models, always narrowed to what the user may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from phoihop.core.permissions import VIEW
from phoihop.orgs.models import Committee
from phoihop.practices.choices import PracticeStatus
from phoihop.practices.models import Evaluation, Practice, Replication


def practices_for(
    user: Any,
    action: str = VIEW,
    *,
    committee: Committee | None = None,
    status: str | None = None,
) -> QuerySet[Practice]:
    qs = (
        Practice.objects.restrict(user, action)
        .select_related("owner", "committee", "content")
        .annotate(replication_count=Count("replications", distinct=True))
    )
    if committee is not None:
        qs = qs.filter(committee=committee)
    if status is not None:
        qs = qs.filter(status=status)
    return qs


def recommended_with_replications(committee: Committee, *, user: Any) -> QuerySet[Practice]:
    """The models recommended for replication (and those already replicated) with where
    each is replicated, by whom and since when: `practice.replications.all()` is
    prefetched, oldest first."""
    replications = Replication.objects.select_related("locality", "organization").order_by(
        "since", "id"
    )
    return (
        practices_for(user, committee=committee)
        .filter(status__in=[PracticeStatus.RECOMMENDED, PracticeStatus.REPLICATED])
        .prefetch_related(Prefetch("replications", queryset=replications))
        .prefetch_related("localities")
        .order_by("title")
    )


def evaluations_of(practice: Practice, *, user: Any) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.restrict(user, VIEW)
        .filter(practice=practice)
        .select_related("recorded_by")
        .order_by("-evaluated_on", "-id")
    )


def replicated_by_owner(
    committee: Committee | int,
    *,
    program: Any = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[int, int]:
    """How many of each owner organization's models were replicated (at least one
    replication since a day in the dates), counted as figures.practices_summary counts
    `replicated` for the committee: with `program`, only models attached to one of its
    contents. Keyed by the owner's id; organizations with none are absent."""
    committee_id = committee if isinstance(committee, int) else committee.pk
    replications = Replication.objects.filter(
        practice__committee_id=committee_id, practice__deleted_at__isnull=True
    )
    if program is not None:
        replications = replications.filter(practice__content__program=program)
    if date_from is not None:
        replications = replications.filter(since__gte=date_from)
    if date_to is not None:
        replications = replications.filter(since__lte=date_to)
    rows = (
        replications.values("practice__owner_id")
        .annotate(models=Count("practice", distinct=True))
        .values_list("practice__owner_id", "models")
    )
    return dict(rows)
