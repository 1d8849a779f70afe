"""The working app's home page by role, the dashboard, the per-organization summary and
the completeness matrix. Views only choose what to show: reads go through selectors,
numbers through `phoihop.figures` (via `dashboard.panels`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from phoihop.core import clock, permissions
from phoihop.core.models import Notification
from phoihop.core.permissions import ADMIN, EDITOR, FOCAL, LEADER, SECRETARIAT
from phoihop.dashboard import panels, selectors, tabular
from phoihop.orgs.models import Organization
from phoihop.programs import selectors as program_selectors


def _reverse_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _unread_notifications(user: Any) -> int:
    return int(
        Notification.objects.restrict(user, permissions.VIEW)
        .filter(recipient_id=user.pk, read_at__isnull=True)
        .count()
    )


def _base(request: HttpRequest, *, figures_page: bool = False) -> dict[str, Any]:
    """Committee and program chosen by the query string, with the lists to pick from.

    Pages of figures are for leaders, the secretariat and focal points: anyone else
    (a news editor only) is refused."""
    committees = selectors.committees_of(request.user)
    committee = selectors.choose_committee(
        request.user, request.GET.get("committee"), committees=committees
    )
    roles = selectors.roles_in(request.user, committee)
    if figures_page and not roles & {LEADER, SECRETARIAT, ADMIN, FOCAL}:
        raise PermissionDenied
    programs = selectors.programs_of(request.user, committee)
    program = selectors.choose_program(programs, request.GET.get("program"))
    return {
        "committees": committees,
        "committee": committee,
        "programs": programs,
        "program": program,
        "roles": roles,
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Focal points: their organizations, drafts, returned reports and deadlines.
    Secretariat: the approval queue, missing and late reports, signing status.
    Leaders (with no other working role): the dashboard."""
    context = _base(request)
    committee, program, roles = context["committee"], context["program"], context["roles"]
    user = request.user
    if committee is not None and LEADER in roles and not roles & {FOCAL, SECRETARIAT, ADMIN}:
        return _dashboard(request, context, leader_home=True)
    context.update(
        title=_("Home"),
        unread_notifications=_unread_notifications(user),
        notifications_url=_reverse_or_empty("core:notifications"),
        approvals_url=_reverse_or_empty("activities:queue"),
        new_report_url=_reverse_or_empty("activities:create"),
        editor_only=roles == frozenset({EDITOR}),
        today=clock.today(),
    )
    if committee is None:
        return render(request, "dashboard/home.html", context)
    context["to_sign"] = selectors.to_sign(user, committee, programs=context["programs"])
    completeness = panels.completeness(user, program) if program is not None else None
    if FOCAL in roles:
        focal = selectors.focal_home(user, committee, program)
        context["focal"] = focal
        context["focal_orgs"] = panels.focal_organizations(user, program, focal)
        context["deadlines"] = panels.deadlines_for(completeness, focal.organizations)
    if roles & {SECRETARIAT, ADMIN}:
        context["secretariat"] = selectors.secretariat_home(user, committee)
        context.update(panels.missing_and_late(completeness))
    if roles & {SECRETARIAT, ADMIN, LEADER}:
        context["reader"] = True
        if program is not None:
            context["totals"] = panels.totals(user, program)
    return render(request, "dashboard/home.html", context)


def _dashboard(
    request: HttpRequest, context: dict[str, Any], *, leader_home: bool = False
) -> HttpResponse:
    user = request.user
    committee, program = context["committee"], context["program"]
    current_units = request.GET.get("current") == "1"
    context.update(
        title=_("Dashboard"),
        units_toggle=True,
        current_units=current_units,
        leader_home=leader_home,
    )
    if committee is not None:
        context["to_sign"] = selectors.to_sign(user, committee, programs=context["programs"])
    if program is not None:
        organizations = None
        if not selectors.is_reader(user, committee):
            organizations = [o.pk for o in selectors.focal_organizations(user, committee)]
        board = panels.dashboard(
            user, program, organizations=organizations, current_units=current_units
        )
        context["board"] = board
        context["export_query"] = request.GET.urlencode()
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, _base(request, figures_page=True))


@login_required
@require_GET
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One table of the dashboard (the same figures as its chart) as CSV or XLSX."""
    context = _base(request, figures_page=True)
    committee, program = context["committee"], context["program"]
    if program is None or fmt not in ("csv", "xlsx"):
        raise Http404
    organizations = None
    if not selectors.is_reader(request.user, committee):
        organizations = [o.pk for o in selectors.focal_organizations(request.user, committee)]
    wanted = request.GET.get("organization", "")
    if wanted:
        if not wanted.isdigit() or (organizations is not None and int(wanted) not in organizations):
            raise Http404
        organizations = [int(wanted)]
    tables = panels.dashboard_tables(
        request.user,
        program,
        organizations=organizations,
        current_units=request.GET.get("current") == "1",
        only=table,
    )
    if table not in tables:
        raise Http404
    found = tables[table]
    return tabular.csv_response(found) if fmt == "csv" else tabular.xlsx_response(found)


@login_required
@require_GET
def organization(request: HttpRequest, pk: int) -> HttpResponse:
    """One organization's summary: its progress, its reports and where it worked."""
    org = permissions.get_for_action(
        Organization.objects.select_related("committee", "parent"),
        request.user,
        permissions.VIEW,
        pk=pk,
    )
    committee = org.committee
    if not selectors.is_reader(request.user, committee) and org.pk not in {
        o.pk for o in selectors.focal_organizations(request.user, committee)
    }:
        raise Http404  # focal points see their own organizations only
    programs = selectors.programs_of(request.user, committee)
    program = selectors.choose_program(programs, request.GET.get("program"))
    context: dict[str, Any] = {
        "title": org.name,
        "organization": org,
        "committee": committee,
        "committees": [committee],
        "programs": programs,
        "program": program,
    }
    if program is not None:
        context["summary"] = panels.organization_summary(request.user, program, org)
        context["export_query"] = (
            f"committee={committee.pk}&program={program.pk}&organization={org.pk}"
        )
    return render(request, "dashboard/organization.html", context)


@login_required
@require_GET
def completeness(request: HttpRequest) -> HttpResponse:
    """Organization × period: on time, late, missing (nil reports count as received)."""
    context = _base(request, figures_page=True)
    committee, program = context["committee"], context["program"]
    context["title"] = _("Completeness of reporting")
    if program is not None:
        organizations = None
        if not selectors.is_reader(request.user, committee):
            organizations = {o.pk for o in selectors.focal_organizations(request.user, committee)}
        context["matrix"] = panels.completeness_matrix(
            request.user, program, organizations=organizations
        )
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx") and context["matrix"] is not None:
            table = context["matrix"].table
            return tabular.csv_response(table) if fmt == "csv" else tabular.xlsx_response(table)
    return render(request, "dashboard/completeness.html", context)


@login_required
@require_POST
def nil_report(request: HttpRequest) -> HttpResponse:
    """A focal point reports nothing for one of its organization's periods, from the
    deadlines on the home page (the service checks the right to report)."""
    from phoihop.activities.services import nil_report_create
    from phoihop.figures.selectors import reporting_periods

    program = get_object_or_404(
        program_selectors.programs_for(request.user), pk=_int(request.POST.get("program"))
    )
    organization = get_object_or_404(
        selectors.focal_organizations(request.user, program.committee),
        pk=_int(request.POST.get("organization")),
    )
    start = request.POST.get("period", "")
    period = next((p for p in reporting_periods(program) if p.key == start), None)
    if period is None:
        raise Http404
    try:
        nil_report_create(
            actor=request.user,  # type: ignore[arg-type]
            program=program,
            organization=organization,
            period_start=period.start,
            period_end=period.end,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Nil report recorded for {organization}, {start}–{end}.").format(
                organization=organization.name,
                start=period.start.strftime("%d/%m/%Y"),
                end=period.end.strftime("%d/%m/%Y"),
            ),
        )
    return redirect(f"{reverse('dashboard:home')}?program={program.pk}")


def _int(value: Any) -> int:
    return int(value) if str(value or "").isdigit() else 0
