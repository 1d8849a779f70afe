"""Reads of activity reports, always narrowed to what the user may see or do."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import (
    Activity,
    Attachment,
    Comment,
    Credit,
    Funding,
    IndicatorValue,
    NilReport,
    Participation,
)
from phoihop.activities.policies import CONFIRM
from phoihop.core import permissions
from phoihop.core.models import AuditEvent
from phoihop.orgs.models import Organization
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Indicator, ProgramContent, TargetGroup

# Parts whose audit events belong to a report's history (each row carries activity_id).
_PARTS = (Credit, Attachment, Comment, Participation, IndicatorValue, Funding)


def _listing(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """What a list of reports shows, in a fixed number of queries."""
    return qs.select_related(
        "program", "content", "organization", "locality", "created_by"
    ).prefetch_related(
        Prefetch("credits", queryset=Credit.objects.select_related("organization").order_by("id"))
    )


def activities_for(
    user: Any,
    *,
    action: str = permissions.VIEW,
    program: Any = None,
    content: Any = None,
    organization: Any = None,
    credited_to: Any = None,
    status: str | list[str] | None = None,
    include_superseded: bool = False,
    not_for_publication: bool | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    search: str = "",
) -> QuerySet[Activity]:
    """The reports the user may see (or do `action` to), filtered.

    `organization` is the reporter; `credited_to` any credited organization (reporter
    included). Superseded revisions are left out unless asked for or filtered by status.
    """
    qs = Activity.objects.restrict(user, action)
    if program is not None:
        qs = qs.filter(program=program)
    if content is not None:
        qs = qs.filter(content=content)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if credited_to is not None:
        qs = qs.filter(pk__in=Credit.objects.filter(organization=credited_to).values("activity_id"))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
    elif not include_superseded:
        qs = qs.exclude(status=ActivityStatus.SUPERSEDED)
    if not_for_publication is not None:
        qs = qs.filter(not_for_publication=not_for_publication)
    if date_from is not None:
        qs = qs.filter(end_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(start_date__lte=date_to)
    if search.strip():
        qs = qs.filter(Q(title__icontains=search.strip()) | Q(narrative__icontains=search.strip()))
    return _listing(qs)


def activity_detail(user: Any, *, action: str = permissions.VIEW, **lookup: Any) -> Activity:
    """One report with all its parts, or 404 / 403 (core.permissions.get_for_action)."""
    qs = _listing(Activity.objects.all()).prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("target_group")),
        Prefetch("values", queryset=IndicatorValue.objects.select_related("indicator")),
        "funding",
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
        Prefetch("comments", queryset=Comment.objects.select_related("author")),
    )
    return permissions.get_for_action(qs, user, action, **lookup)


def my_drafts(user: Any) -> QuerySet[Activity]:
    """Drafts of the user's organizations (drafts are shared within an organization)."""
    return activities_for(user, action=permissions.CHANGE, status=ActivityStatus.DRAFT).order_by(
        "-updated_at", "-id"
    )


def returned_to_me(user: Any) -> QuerySet[Activity]:
    """Reports of the user's organizations that came back with a reason, to fix."""
    return activities_for(user, action=permissions.CHANGE, status=ActivityStatus.RETURNED).order_by(
        "-decided_at", "-id"
    )


def approval_queue(user: Any) -> QuerySet[Activity]:
    """Submitted reports the user may approve or return, oldest first. Never the
    user's own: the policy leaves out reports they wrote or submitted."""
    return activities_for(user, action=permissions.APPROVE).order_by("submitted_at", "id")


def credits_to_confirm(user: Any) -> QuerySet[Credit]:
    """Credits given to the user's organizations by other reporters, not yet confirmed."""
    return (
        Credit.objects.restrict(user, CONFIRM)
        .filter(activity__deleted_at__isnull=True)
        .exclude(activity__status=ActivityStatus.SUPERSEDED)
        .select_related("activity", "activity__organization", "organization")
        .order_by("activity__start_date", "id")
    )


def nil_reports_for(user: Any, *, program: Any = None) -> QuerySet[NilReport]:
    qs = NilReport.objects.restrict(user, permissions.VIEW).select_related(
        "organization", "program"
    )
    if program is not None:
        qs = qs.filter(program=program)
    return qs.order_by("period_start", "organization__name")


def revisions(activity: Activity) -> QuerySet[Activity]:
    """Every revision of the report's series, oldest first (trashed ones included)."""
    return Activity.all_objects.filter(series=activity.series).order_by("created_at", "id")


def history(activity: Activity, *, include_revisions: bool = False) -> QuerySet[AuditEvent]:
    """Audit events of the report and of its parts (credits, attachments, comments),
    newest first; parts removed since are found by the activity id they carried.

    The caller shows it only to someone who may see the report."""
    ids = (
        list(revisions(activity).values_list("pk", flat=True))
        if include_revisions
        else [activity.pk]
    )
    types = ContentType.objects.get_for_models(Activity, *_PARTS, for_concrete_models=False)
    own = Q(content_type=types[Activity], object_id__in=[str(pk) for pk in ids])
    part_types = [types[model] for model in _PARTS]
    parts = Q(content_type__in=part_types) & (
        Q(after__activity_id__in=ids) | Q(before__activity_id__in=ids)
    )
    return AuditEvent.objects.filter(own | parts).select_related("actor").order_by("-at", "-id")


def reporting_organizations(user: Any) -> QuerySet[Organization]:
    """The organizations the user reports for (focal point roles), by name."""
    scope = permissions.get_scope(user)
    ids: set[int] = set()
    for committee in scope.committees_with(permissions.FOCAL):
        ids |= scope.orgs_for(committee, permissions.FOCAL)
    return Organization.objects.filter(pk__in=ids).select_related("committee").order_by("name")


def reportable_contents(
    user: Any, organizations: Organization | list[Organization]
) -> QuerySet[ProgramContent]:
    """Contents an organization (or one above it) leads or co-operates on, in programs
    where reports may be drafted (being signed or in force), newest program first.
    Several organizations: the contents of any of them (the service checks the pair)."""
    orgs = [organizations] if isinstance(organizations, Organization) else list(organizations)
    condition = Q(pk__in=[])
    for organization in orgs:
        lineage: list[int] = []
        org: Organization | None = organization
        while org is not None and org.pk not in lineage:
            lineage.append(org.pk)
            org = org.parent
        condition |= Q(program__committee_id=organization.committee_id) & (
            Q(lead_id__in=lineage) | Q(co_organizations__in=lineage)
        )
    return (
        ProgramContent.objects.restrict(user, permissions.VIEW)
        .filter(
            condition,
            program__status__in=[ProgramStatus.SIGNING, ProgramStatus.IN_FORCE],
            program__deleted_at__isnull=True,
        )
        .distinct()
        .select_related("program", "lead")
        .order_by("-program__year", "order", "id")
    )


def content_parts(content: ProgramContent) -> dict[str, Any]:
    """What a report under the content asks for: its target groups (all of the catalogue
    when it lists none), its indicators, and the organizations taking part."""
    groups = list(content.target_groups.order_by("order", "name"))
    if not groups:
        groups = list(TargetGroup.objects.order_by("order", "name"))
    return {
        "groups": groups,
        "indicators": list(Indicator.objects.filter(content=content).order_by("order", "id")),
        "partners": [
            content.lead,
            *content.co_organizations.exclude(pk=content.lead_id).order_by("name"),
        ],
    }


def with_totals(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Each report with `participant_total` (person-times over its target groups)."""
    total = (
        Participation.objects.filter(activity=OuterRef("pk"))
        .values("activity")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return qs.annotate(participant_total=Subquery(total))
