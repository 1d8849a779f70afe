"""Reads of good-practice models, always narrowed to what the user may see."""

from __future__ import annotations

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
