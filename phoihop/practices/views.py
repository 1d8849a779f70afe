"""Pages of the good-practice models (mô hình): the list, registering, evaluating,
recommending, replications and the page of recommended models with where each is
replicated. Writes go through practices.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from phoihop.core import permissions
from phoihop.geo.choices import Level
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Committee, Organization
from phoihop.orgs.tables import configure, export_response
from phoihop.practices import services
from phoihop.practices.choices import PracticeStatus
from phoihop.practices.filtersets import PracticeFilter
from phoihop.practices.forms import EvaluationForm, PracticeForm, ReplicationForm, StopForm
from phoihop.practices.models import Practice
from phoihop.practices.selectors import (
    evaluations_of,
    practices_for,
    recommended_with_replications,
)
from phoihop.practices.tables import PracticeTable
from phoihop.programs.models import ProgramContent

S = PracticeStatus


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, **extra: Any
) -> HttpResponse:
    return render(
        request, "programs/form.html", {"title": title, "form": form, "back": back, **extra}
    )


def _units(committee_ids: Any) -> Any:
    provinces = Committee.objects.filter(pk__in=committee_ids).values("province_id")
    return AdminUnit.objects.filter(
        Q(pk__in=provinces)
        | Q(province_id__in=provinces, level__in=[Level.DISTRICT, Level.COMMUNE])
    ).order_by("level", "name")


def _own_organizations(user: Any) -> Any:
    """Organizations the user registers models and replications for: all of the
    committees where they are secretariat, and those they are focal point of."""
    scope = permissions.get_scope(user)
    if scope.is_admin:
        return Organization.objects.order_by("name")
    q = Q(committee_id__in=scope.committees_with(permissions.SECRETARIAT))
    for committee in scope.committees_with(permissions.FOCAL):
        q |= Q(pk__in=scope.orgs_for(committee, permissions.FOCAL))
    return Organization.objects.filter(q).order_by("name")


@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    readable = Committee.objects.restrict(request.user)
    filterset = PracticeFilter(
        request.GET or None,
        queryset=practices_for(request.user),
        organizations=Organization.objects.filter(committee__in=readable).order_by("name"),
    )
    table = PracticeTable(filterset.qs)
    exported = export_response(request, table, "mo-hinh")
    if exported is not None:
        return exported
    configure(request, table)
    return render(
        request,
        "practices/list.html",
        {
            "title": _("Good-practice models"),
            "filter": filterset,
            "table": table,
            "can_register": _own_organizations(request.user).exists(),
        },
    )


@login_required
def recommended(request: HttpRequest) -> HttpResponse:
    """The models recommended for replication and where each is already replicated."""
    groups = []
    for committee in Committee.objects.restrict(request.user).order_by("name"):
        practices = list(recommended_with_replications(committee, user=request.user))
        if practices:
            groups.append({"committee": committee, "practices": practices})
    return render(
        request,
        "practices/recommended.html",
        {"title": _("Models recommended for replication"), "groups": groups},
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_register(request: HttpRequest) -> HttpResponse:
    owners = _own_organizations(request.user)
    if not owners.exists():
        raise PermissionDenied
    committee_ids = owners.values("committee_id")
    form = PracticeForm(
        request.POST or None,
        owners=owners,
        contents=ProgramContent.objects.filter(program__committee_id__in=committee_ids)
        .select_related("program")
        .order_by("-program__year", "order"),
        units=_units(committee_ids),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            practice = services.practice_register(
                actor=request.user,  # type: ignore[arg-type]
                owner=data.pop("owner"),
                localities=data.pop("localities") or [],
                **data,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The model was registered as a pilot."))
            return redirect("practices:detail", pk=practice.pk)
    return _form_page(request, form, title=_("Register a model"), back=reverse("practices:list"))


def _practice(request: HttpRequest, pk: int, action: str = permissions.VIEW) -> Practice:
    """The practice if the user may `action` it (404 out of sight, 403 not allowed)."""
    return permissions.get_for_action(
        Practice.objects.select_related("owner", "committee", "content__program"),
        request.user,
        action,
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk, permissions.CHANGE)
    committee_ids = [practice.committee_id]
    form = PracticeForm(
        request.POST or None,
        initial={
            "owner": practice.owner_id,
            "title": practice.title,
            "description": practice.description,
            "started_on": practice.started_on,
            "content": practice.content_id,
            "localities": list(practice.localities.values_list("pk", flat=True)),
        },
        owners=Organization.objects.filter(pk=practice.owner_id),
        contents=ProgramContent.objects.filter(program__committee_id__in=committee_ids)
        .select_related("program")
        .order_by("-program__year", "order"),
        units=_units(committee_ids),
    )
    form.fields["owner"].disabled = True
    back = reverse("practices:detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.PRACTICE_FIELDS
        }
        localities = form.cleaned_data["localities"] if "localities" in form.changed_data else None
        try:
            services.practice_update(
                actor=request.user,  # type: ignore[arg-type]
                practice=practice,
                data=data,
                localities=localities,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return _form_page(request, form, title=_("Edit the model"), back=back)


@login_required
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    user = request.user
    replications = practice.replications.select_related("locality", "organization").order_by(
        "since", "id"
    )
    can_manage = permissions.can(user, permissions.MANAGE, practice)
    can_change = permissions.can(user, permissions.CHANGE, practice)
    latest = services.latest_evaluation(practice)
    return render(
        request,
        "practices/detail.html",
        {
            "title": practice.title,
            "practice": practice,
            "localities": practice.localities.order_by("name"),
            "evaluations": evaluations_of(practice, user=user),
            "replications": replications,
            "can_manage": can_manage,
            "can_change": can_change,
            "can_mark_effective": can_manage
            and practice.status == S.PILOT
            and latest is not None
            and latest.score >= services.EFFECTIVE_SCORE,
            "effective_score": services.EFFECTIVE_SCORE,
            "can_replicate": practice.status in services.REPLICABLE
            and (
                can_manage
                or _own_organizations(user).filter(committee=practice.committee_id).exists()
            ),
            "stop_form": StopForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk, permissions.MANAGE)
    form = EvaluationForm(request.POST or None)
    back = reverse("practices:detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_evaluate(actor=request.user, practice=practice, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The evaluation was recorded."))
            return redirect(back)
    return _form_page(
        request, form, title=_("Evaluate the model"), back=back, subtitle=practice.title
    )


MOVES = {
    "effective": (services.practice_mark_effective, permissions.MANAGE),
    "recommend": (services.practice_recommend, permissions.MANAGE),
    "resume": (services.practice_resume, permissions.CHANGE),
    "stop": (services.practice_stop, permissions.CHANGE),
}


def _move_message(move: str) -> str:
    return {
        "effective": _("The model is marked effective."),
        "recommend": _("The model is recommended for replication."),
        "resume": _("The model runs again as a pilot."),
        "stop": _("The model is stopped."),
    }[move]


@login_required
@require_POST
def practice_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    if move not in MOVES:
        raise Http404
    service, action = MOVES[move]
    practice = _practice(request, pk, action)
    extra: dict[str, Any] = {}
    if move == "stop":
        form = StopForm(request.POST)
        extra["reason"] = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(actor=request.user, practice=practice, **extra)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _move_message(move))
    return redirect("practices:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def practice_replicate(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    if permissions.can(request.user, permissions.MANAGE, practice):
        organizations = Organization.objects.filter(committee_id=practice.committee_id)
    else:
        organizations = _own_organizations(request.user).filter(committee_id=practice.committee_id)
    if not organizations.exists():
        raise PermissionDenied
    form = ReplicationForm(
        request.POST or None,
        units=_units([practice.committee_id]),
        organizations=organizations.order_by("name"),
    )
    back = reverse("practices:detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_record_replication(
                actor=request.user,  # type: ignore[arg-type]
                practice=practice,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The replication was recorded."))
            return redirect(back)
    return _form_page(
        request, form, title=_("Record a replication"), back=back, subtitle=practice.title
    )
