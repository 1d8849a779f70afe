"""Reads of the exports app, narrowed to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from phoihop.core import permissions
from phoihop.exports.models import ImportJob
from phoihop.orgs.models import Committee, Organization
from phoihop.programs.models import Program


@dataclass(frozen=True)
class ImportTarget:
    program: Program
    organization: Organization


def import_targets(user: Any) -> list[ImportTarget]:
    """(program, organization) pairs the user enters reports for: each organization they
    are a focal point of, with each program of its committee they may see."""
    scope = permissions.get_scope(user)
    committees = scope.committees_with(permissions.FOCAL)
    org_ids = {org for c in committees for org in scope.orgs_for(c, permissions.FOCAL)}
    orgs = list(Organization.objects.filter(pk__in=org_ids).order_by("committee_id", "name"))
    programs = list(
        Program.objects.restrict(user, permissions.VIEW)
        .filter(committee_id__in=committees)
        .order_by("-year", "pk")
    )
    return [
        ImportTarget(program, org)
        for program in programs
        for org in orgs
        if org.committee_id == program.committee_id
    ]


def recent_jobs(user: Any, *, limit: int = 20) -> QuerySet[ImportJob]:
    return (
        ImportJob.objects.restrict(user, permissions.VIEW)
        .select_related("program", "organization", "created_by")
        .order_by("-created_at", "-id")[:limit]
    )


def exportable_programs(user: Any) -> QuerySet[Program]:
    """Programs whose breakdowns the user may download."""
    return Program.objects.restrict(user, permissions.VIEW).order_by("-year", "pk")


def managed_committees(user: Any) -> QuerySet[Committee]:
    """Committees whose programs the user may export and import (secretariat, admins)."""
    return Committee.objects.restrict(user, permissions.CHANGE).order_by("name")
