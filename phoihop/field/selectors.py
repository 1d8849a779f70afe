"""What the offline app keeps on the phone: only the signed-in focal point's own data."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity, Attachment
from phoihop.core import permissions
from phoihop.core.text import fold
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Committee, Organization
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Indicator, Program, ProgramContent

# Reports can be drafted while a program is being signed or in force (activities services).
DRAFTING = (ProgramStatus.SIGNING, ProgramStatus.IN_FORCE)
# Statuses the phone may still edit; the rest only show as the server has them.
EDITABLE = (ActivityStatus.DRAFT, ActivityStatus.RETURNED)


def focal_organizations(user: Any) -> list[Organization]:
    """The organizations the user reports for, in every committee, by name."""
    scope = permissions.get_scope(user)
    ids: set[int] = set()
    for committee_id in scope.committees_with(permissions.FOCAL):
        ids |= scope.orgs_for(committee_id, permissions.FOCAL)
    return list(Organization.objects.filter(pk__in=ids).order_by("committee_id", "name"))


def _contents_for(orgs: list[Organization]) -> list[ProgramContent]:
    """Contents of programs open for drafting where one of `orgs` leads or co-operates."""
    ids = [o.pk for o in orgs]
    parents = [o.parent_id for o in orgs if o.parent_id]
    takes_part = (
        Q(lead_id__in=ids)
        | Q(co_organizations__in=ids)
        | Q(lead_id__in=parents)
        | Q(co_organizations__in=parents)
    )
    return list(
        ProgramContent.objects.filter(takes_part, program__status__in=DRAFTING)
        .filter(program__deleted_at__isnull=True)
        .select_related("program")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
            "target_groups",
            "co_organizations",
        )
        .distinct()
        .order_by("program__year", "program_id", "order", "id")
    )


def reference_data(user: Any) -> dict[str, Any]:
    """Programs, contents, indicators, target groups and communes for the user's reports."""
    orgs = focal_organizations(user)
    contents = _contents_for(orgs)
    programs: dict[int, Program] = {c.program_id: c.program for c in contents}
    committee_ids = {p.committee_id for p in programs.values()} | {o.committee_id for o in orgs}
    provinces = list(
        Committee.objects.filter(pk__in=committee_ids).values_list("province_id", flat=True)
    )
    communes = (
        AdminUnit.objects.filter(province_id__in=provinces, level="commune")
        .order_by("name", "id")
        .values("id", "name", "valid_from", "valid_to")
    )
    by_org = {o.pk: o for o in orgs}

    def content_orgs(content: ProgramContent) -> list[int]:
        members = {content.lead_id, *(o.pk for o in content.co_organizations.all())}
        return [pk for pk, org in by_org.items() if pk in members or (org.parent_id in members)]

    return {
        "organizations": [{"id": o.pk, "name": o.name, "committee": o.committee_id} for o in orgs],
        "programs": [
            {
                "id": p.pk,
                "title": p.title,
                "year": p.year,
                "start": p.period_start.isoformat(),
                "end": p.period_end.isoformat(),
                "committee": p.committee_id,
            }
            for p in programs.values()
        ],
        "contents": [
            {
                "id": c.pk,
                "program": c.program_id,
                "order": c.order,
                "title": c.title,
                "organizations": content_orgs(c),
                "target_groups": [
                    {"id": g.pk, "name": g.name}
                    for g in sorted(c.target_groups.all(), key=lambda g: (g.order, g.pk))
                ],
                "indicators": [
                    {
                        "id": i.pk,
                        "name": i.name,
                        "unit": i.unit,
                        "ratio": i.aggregation == "ratio",
                    }
                    for i in c.indicators.all()
                ],
            }
            for c in contents
        ],
        "communes": [
            {
                "id": u["id"],
                "name": u["name"],
                "folded": fold(u["name"]),
                "from": u["valid_from"].isoformat() if u["valid_from"] else None,
                "to": u["valid_to"].isoformat() if u["valid_to"] else None,
            }
            for u in communes
        ],
    }


def report_json(activity: Activity) -> dict[str, Any]:
    """The server's copy of a report in the phone's shape (for showing conflicts)."""
    return {
        "uuid": str(activity.uuid),
        "version": activity.version,
        "status": activity.status,
        "status_label": str(activity.get_status_display()),
        "return_reason": activity.return_reason,
        "editable": activity.status in EDITABLE,
        "organization": activity.organization_id,
        "program": activity.program_id,
        "content": activity.content_id,
        "title": activity.title,
        "start_date": activity.start_date.isoformat(),
        "end_date": activity.end_date.isoformat(),
        "locality": activity.locality_id,
        "locality_name": activity.locality.name,
        "narrative": activity.narrative,
        "not_for_publication": activity.not_for_publication,
        "participants": {str(p.target_group_id): p.count for p in activity.participations.all()},
        "values": {
            str(v.indicator_id): str(v.value)
            if v.denominator is None
            else [str(v.value), str(v.denominator)]
            for v in activity.values.all()
        },
        "funding": {f.source: f.amount for f in activity.funding.all()},
        "photos": [str(a.uuid) for a in activity.attachments.all() if a.kind == "photo"],
    }


def my_reports(user: Any) -> list[dict[str, Any]]:
    """The user's own reports that are not finished with: drafts, returned, submitted."""
    qs = (
        permissions.restrict(Activity.objects.all(), user, permissions.VIEW)
        .filter(created_by=user, status__in=[*EDITABLE, ActivityStatus.SUBMITTED])
        .select_related("locality")
        .prefetch_related(
            "participations",
            "values",
            "funding",
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
        )
        .order_by("-updated_at")[:200]
    )
    return [report_json(a) for a in qs]
