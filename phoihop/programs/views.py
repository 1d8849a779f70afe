"""Pages of the program lifecycle: list, detail, create or clone, edit contents,
indicators and targets, send for signing, sign, the .docx, close and publish. Every
write goes through programs.services; permissions through the selectors (404 out of
scope, 403 when seen but not allowed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from phoihop.core import permissions
from phoihop.orgs.models import Committee, Organization, Person
from phoihop.orgs.tables import configure, export_response
from phoihop.programs import services
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.docx import program_document
from phoihop.programs.filtersets import ProgramFilter
from phoihop.programs.forms import (
    CloneForm,
    ContentForm,
    IndicatorForm,
    PartyForm,
    ProgramCreateForm,
    ProgramForm,
    SignForm,
    TargetsForm,
    initial_from_query,
)
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
)
from phoihop.programs.selectors import program_detail, programs_for
from phoihop.programs.tables import ProgramTable

S = ProgramStatus


def _secretariat_committees(user: Any) -> Any:
    scope = permissions.get_scope(user)
    if scope.is_admin:
        return Committee.objects.order_by("name")
    return Committee.objects.filter(pk__in=scope.committees_with(permissions.SECRETARIAT))


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    """A service's refusal, shown on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _organizations(program: Program) -> Any:
    return Organization.objects.filter(committee_id=program.committee_id).order_by("level", "name")


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "programs/form.html",
        {"title": title, "form": form, "back": back, **extra},
    )


# -- list and detail -------------------------------------------------------------------


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    filterset = ProgramFilter(request.GET or None, queryset=programs_for(request.user))
    table = ProgramTable(filterset.qs)
    exported = export_response(request, table, "chuong-trinh")
    if exported is not None:
        return exported
    configure(request, table)
    return render(
        request,
        "programs/list.html",
        {
            "title": _("Programs"),
            "filter": filterset,
            "table": table,
            "can_create": _secretariat_committees(request.user).exists(),
        },
    )


def _signature_of(party: ProgramParty) -> Signature | None:
    try:
        return party.signature
    except Signature.DoesNotExist:
        return None


@login_required
def program_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_detail(request.user, pk)
    can_change = permissions.can(request.user, permissions.CHANGE, program)
    signable = set(
        ProgramParty.objects.restrict(request.user, permissions.SIGN)
        .filter(program=program)
        .values_list("pk", flat=True)
    )
    parties = []
    for party in program.parties.all():
        signature = _signature_of(party)
        parties.append(
            {
                "party": party,
                "signature": signature,
                "can_sign": program.status == S.SIGNING
                and signature is None
                and party.pk in signable,
            }
        )
    contents = []
    for content in program.contents.all():
        indicators = []
        for indicator in content.indicators.all():
            targets = list(indicator.targets.all())
            overall = next((t for t in targets if t.organization_id is None), None)
            indicators.append(
                {
                    "indicator": indicator,
                    "overall": overall,
                    "by_org": [t for t in targets if t.organization_id is not None],
                }
            )
        contents.append({"content": content, "indicators": indicators})
    return render(
        request,
        "programs/detail.html",
        {
            "title": program.title,
            "program": program,
            "parties": parties,
            "contents": contents,
            "can_change": can_change,
            "is_draft": program.status == S.DRAFT,
            "missing": services.missing_for_signing(program)
            if can_change and program.status == S.DRAFT
            else [],
            "signed_count": sum(1 for p in parties if p["signature"] is not None),
        },
    )


@login_required
def program_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_detail(request.user, pk)
    data = program_document(program)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="chuong-trinh-{program.year}.docx"'
    return response


# -- create, clone, edit ---------------------------------------------------------------


def _clone_target(source: Program, committees: Any) -> Committee:
    """The source's committee, or the nearest successor of it the user manages."""
    managed = {c.pk: c for c in committees}
    current: Committee | None = source.committee
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        if current.pk in managed:
            return managed[current.pk]
        seen.add(current.pk)
        current = current.successor
    return source.committee  # the service refuses it with its message


@login_required
@require_http_methods(["GET", "POST"])
def program_clone(request: HttpRequest) -> HttpResponse:
    """Start a year from an earlier program. Prefill: ?source=<pk>&year=<y>&title=…"""
    committees = _secretariat_committees(request.user)
    if not committees.exists():
        raise PermissionDenied
    sources = programs_for(request.user).filter(
        Q(committee__in=committees) | Q(committee__successor__in=committees)
    )
    initial = initial_from_query(request.GET, CloneForm)
    if "source" not in initial:
        latest = sources.first()
        if latest is not None:
            initial["source"] = latest.pk
            initial.setdefault("year", latest.year + 1)
    elif "year" not in initial:
        chosen = sources.filter(pk=initial["source"]).first()
        if chosen is not None:
            initial["year"] = chosen.year + 1
    form = CloneForm(request.POST or None, initial=initial, sources=sources)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        target = _clone_target(source, committees)
        try:
            clone = services.program_clone(
                actor=request.user,  # type: ignore[arg-type]
                source=source,
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"] or None,
                committee=target,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The {year} program was created from the {source} one; check and edit it."
                ).format(year=clone.year, source=source.year),
            )
            return redirect("programs:detail", pk=clone.pk)
    return _form_page(
        request,
        form,
        title=_("New program from last year's"),
        back=reverse("programs:list"),
        submit=_("Create the program"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    committees = _secretariat_committees(request.user)
    if not committees.exists():
        raise PermissionDenied
    form = ProgramCreateForm(
        request.POST or None,
        initial=initial_from_query(request.GET, ProgramCreateForm),
        committees=committees,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            program = services.program_create(
                actor=request.user,  # type: ignore[arg-type]
                committee=data.pop("committee"),
                legal_basis=data.pop("legal_basis", []) or [],
                **data,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect("programs:detail", pk=program.pk)
    return _form_page(
        request, form, title=_("New program"), back=reverse("programs:list"), submit=_("Create")
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_detail(request.user, pk, permissions.CHANGE)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.PROGRAM_FIELDS
        }
        program.refresh_from_db()
        try:
            services.program_update(actor=request.user, program=program, data=data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programs:detail", pk=program.pk)
    return _form_page(
        request, form, title=_("Edit the program"), back=reverse("programs:detail", args=[pk])
    )


# -- parties ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_detail(request.user, pk, permissions.CHANGE)
    taken = program.parties.values_list("organization_id", flat=True)
    form = PartyForm(
        request.POST or None,
        initial=initial_from_query(request.GET, PartyForm),
        organizations=_organizations(program).exclude(pk__in=taken),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.party_add(
                actor=request.user,  # type: ignore[arg-type]
                program=program,
                organization=form.cleaned_data["organization"],
                name_as_signed=form.cleaned_data["name_as_signed"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect(reverse("programs:detail", args=[pk]) + "#parties")
    return _form_page(
        request, form, title=_("Add a party"), back=reverse("programs:detail", args=[pk])
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, pk: int) -> HttpResponse:
    party = permissions.get_for_action(
        ProgramParty.objects.select_related("program"), request.user, permissions.CHANGE, pk=pk
    )
    try:
        services.party_remove(actor=request.user, party=party)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(reverse("programs:detail", args=[party.program_id]) + "#parties")


# -- contents --------------------------------------------------------------------------


def _content_data(form: ContentForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    if data.get("order") is None:
        data.pop("order", None)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def content_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Prefill: ?title=…&description=…&lead=<org pk>&co_organizations=<pk>…"""
    program = program_detail(request.user, pk, permissions.CHANGE)
    form = ContentForm(
        request.POST or None,
        initial=initial_from_query(request.GET, ContentForm),
        organizations=_organizations(program),
    )
    if request.method == "POST" and form.is_valid():
        try:
            content = services.content_create(
                actor=request.user,  # type: ignore[arg-type]
                program=program,
                **_content_data(form),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect(reverse("programs:detail", args=[pk]) + f"#content-{content.pk}")
    return _form_page(
        request, form, title=_("Add a content"), back=reverse("programs:detail", args=[pk])
    )


def _content(request: HttpRequest, pk: int, action: str) -> ProgramContent:
    return permissions.get_for_action(
        ProgramContent.objects.select_related("program", "lead"), request.user, action, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def content_edit(request: HttpRequest, pk: int) -> HttpResponse:
    content = _content(request, pk, permissions.CHANGE)
    initial = {
        "title": content.title,
        "description": content.description,
        "lead": content.lead_id,
        "co_organizations": list(content.co_organizations.values_list("pk", flat=True)),
        "target_groups": list(content.target_groups.values_list("pk", flat=True)),
        "starts_on": content.starts_on,
        "ends_on": content.ends_on,
        "order": content.order,
    }
    form = ContentForm(
        request.POST or None, initial=initial, organizations=_organizations(content.program)
    )
    back = reverse("programs:detail", args=[content.program_id]) + f"#content-{content.pk}"
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if data.get("order", 0) is None:
            data.pop("order")
        try:
            services.content_update(actor=request.user, content=content, data=data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect(back)
    return _form_page(request, form, title=_("Edit the content"), back=back)


@login_required
@require_POST
def content_delete(request: HttpRequest, pk: int) -> HttpResponse:
    content = _content(request, pk, permissions.DELETE)
    try:
        services.content_delete(actor=request.user, content=content)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("programs:detail", pk=content.program_id)


# -- indicators and targets ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Prefill: ?name=…&unit=…"""
    content = _content(request, pk, permissions.CHANGE)
    form = IndicatorForm(
        request.POST or None, initial=initial_from_query(request.GET, IndicatorForm)
    )
    back = reverse("programs:detail", args=[content.program_id]) + f"#content-{content.pk}"
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("order") is None:
            data.pop("order")
        try:
            indicator = services.indicator_create(actor=request.user, content=content, **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect("programs:targets", pk=indicator.pk)
    return _form_page(request, form, title=_("Add an indicator"), back=back, subtitle=content.title)


def _indicator(request: HttpRequest, pk: int, action: str) -> Indicator:
    return permissions.get_for_action(
        Indicator.objects.select_related("content__program"), request.user, action, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk, permissions.CHANGE)
    form = IndicatorForm(
        request.POST or None,
        initial={
            "name": indicator.name,
            "unit": indicator.unit,
            "aggregation": indicator.aggregation,
            "order": indicator.order,
        },
    )
    back = reverse("programs:detail", args=[indicator.content.program_id]) + (
        f"#content-{indicator.content_id}"
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if data.get("order", 0) is None:
            data.pop("order")
        try:
            services.indicator_update(actor=request.user, indicator=indicator, data=data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect(back)
    return _form_page(request, form, title=_("Edit the indicator"), back=back)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk, permissions.DELETE)
    try:
        services.indicator_delete(actor=request.user, indicator=indicator)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("programs:detail", pk=indicator.content.program_id)


def _target_organizations(indicator: Indicator) -> list[Organization]:
    """The organizations a target may be set for: the parties, the content's lead and
    co-operating ones, and any that already have a target."""
    content = indicator.content
    ids = set(content.program.parties.values_list("organization_id", flat=True))
    ids.add(content.lead_id)
    ids |= set(content.co_organizations.values_list("pk", flat=True))
    ids |= set(
        indicator.targets.filter(organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    return list(Organization.objects.filter(pk__in=ids).order_by("level", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """The overall target and the targets per organization of one indicator.
    Prefill: ?overall=<value>&org_<pk>=<value>"""
    indicator = _indicator(request, pk, permissions.CHANGE)
    organizations = _target_organizations(indicator)
    current = {t.organization_id: t for t in indicator.targets.all()}
    initial: dict[str, Any] = {
        ("overall" if org_id is None else f"org_{org_id}"): t.value for org_id, t in current.items()
    }
    initial.update({k: v for k, v in request.GET.items() if k == "overall" or k.startswith("org_")})
    form = TargetsForm(request.POST or None, initial=initial, organizations=organizations)
    back = reverse("programs:detail", args=[indicator.content.program_id]) + (
        f"#content-{indicator.content_id}"
    )
    if request.method == "POST" and form.is_valid():
        try:
            for org, value in form.values():
                existing = current.get(org.pk if org else None)
                if value is None:
                    if existing is not None:
                        services.target_delete(actor=request.user, target=existing)  # type: ignore[arg-type]
                    continue
                services.target_set(
                    actor=request.user,  # type: ignore[arg-type]
                    indicator=indicator,
                    value=value,
                    organization=org,
                )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Targets saved."))
            return redirect(back)
    return _form_page(
        request,
        form,
        title=_("Targets of “{name}”").format(name=indicator.name),
        back=back,
        subtitle=_("Unit of measure: {unit}. Leave a box empty for no target.").format(
            unit=indicator.unit
        ),
    )


# -- status ----------------------------------------------------------------------------

MOVES: dict[str, Callable[..., Program]] = {
    "send": services.program_send_for_signing,
    "reopen": services.program_reopen,
    "start_review": services.program_start_review,
    "resume": services.program_resume,
    "close": services.program_close,
    "publish": services.program_publish,
    "unpublish": services.program_unpublish,
}


def _move_message(move: str) -> str:
    return {
        "send": _("The program was sent for signing."),
        "reopen": _("The program is a draft again; the signatures were cleared."),
        "start_review": _("The program is under review."),
        "resume": _("The program is in force again."),
        "close": _("The program is closed."),
        "publish": _("The program is published."),
        "unpublish": _("The program is no longer published."),
    }[move]


@login_required
@require_POST
def program_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    if move not in MOVES:
        raise Http404
    program = program_detail(request.user, pk, permissions.CHANGE)
    service = MOVES[move]
    try:
        service(actor=request.user, program=program)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _move_message(move))
    return redirect("programs:detail", pk=pk)


@login_required
@require_POST
def program_trash(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_detail(request.user, pk, permissions.DELETE)
    try:
        services.program_trash(actor=request.user, program=program)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("programs:detail", pk=pk)
    messages.success(request, _("The draft program was moved to the trash."))
    return redirect("programs:list")


# -- signing ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def party_sign(request: HttpRequest, pk: int) -> HttpResponse:
    party = permissions.get_for_action(
        ProgramParty.objects.select_related("program", "organization"),
        request.user,
        permissions.SIGN,
        pk=pk,
    )
    initial: dict[str, Any] = {}
    person = Person.objects.filter(user_id=request.user.pk).first()
    scope = permissions.get_scope(request.user)
    signs_himself = party.organization_id in scope.orgs_for(
        party.program.committee_id, permissions.LEADER
    )
    if signs_himself:
        initial["signer_name"] = person.full_name if person else request.user.get_full_name()
        if person and person.title:
            initial["signer_title"] = person.title
    form = SignForm(request.POST or None, request.FILES or None, initial=initial)
    back = reverse("programs:detail", args=[party.program_id]) + "#parties"
    if request.method == "POST" and form.is_valid():
        try:
            services.program_sign(
                actor=request.user,  # type: ignore[arg-type]
                party=party,
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
                signed_at=form.cleaned_data["signed_at"],
                signer_person=person if signs_himself else None,
                signed_copy=form.cleaned_data.get("signed_copy"),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            program = Program.objects.get(pk=party.program_id)
            if program.status == S.IN_FORCE:
                messages.success(request, _("Every party has signed: the program is in force."))
            else:
                messages.success(request, _("The signature was recorded."))
            return redirect(back)
    return _form_page(
        request,
        form,
        title=_("Sign for {party}").format(party=party),
        back=back,
        subtitle=party.program.title,
        multipart=True,
        submit=_("Record the signature"),
    )


@login_required
def signed_copy(request: HttpRequest, pk: int) -> HttpResponse:
    signature = permissions.get_for_action(Signature.objects.all(), request.user, pk=pk)
    if not signature.signed_copy:
        raise Http404
    return FileResponse(
        signature.signed_copy.open("rb"),
        as_attachment=True,
        filename=signature.signed_copy.name.rsplit("/", 1)[-1],
    )
