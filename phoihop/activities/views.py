"""Pages of activity reports: list and queue, the report form (autosaved), the report's
page with its decisions, photos, credits, comments and history.

Views read through the selectors (permissions applied) and write through the services;
a service's refusal (ValidationError, PermissionDenied) is shown as it words it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from phoihop.activities import selectors, services
from phoihop.activities.choices import ActivityStatus
from phoihop.activities.filtersets import ActivityFilter
from phoihop.activities.forms import (
    ActivityForm,
    AttachmentForm,
    BulkForm,
    CommentForm,
    ReturnForm,
    initial_for,
)
from phoihop.activities.models import Activity, Attachment, Credit
from phoihop.activities.policies import CONFIRM, REVISE
from phoihop.activities.tables import ActivityTable, QueueTable, export_dataset
from phoihop.core import permissions, spreadsheet
from phoihop.core.models import User
from phoihop.geo.selectors import search_communes

PER_PAGE = 25
# What a row of the list shows (activities/_activity_rows.html); the report's other
# columns (its narrative among them) and its relations' stay in the database.
ROW_RELATIONS = ("organization", "content", "locality")
ROW_FIELDS = (
    "title",
    "start_date",
    "status",
    "organization__name",
    "content__title",
    "locality__name",
)
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_FORMATS = tuple(EXPORT_TYPES)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def htmx_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but an htmx request of an expired session gets a fragment
    saying so (and that the typed text is kept on this device) instead of the sign-in
    page swapped into the form."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if getattr(request, "htmx", False):
            page = request.headers.get("HX-Current-URL", "") or reverse("activities:create")
            return render(
                request,
                "activities/_session_expired.html",
                {"login_url": redirect_to_login(page).url},
            )
        return redirect_to_login(request.get_full_path())

    return wrapper


# -- lists ---------------------------------------------------------------------------------

VIEWS = {
    "drafts": (selectors.my_drafts, "My drafts"),
    "returned": (selectors.returned_to_me, "Returned to me"),
    "queue": (selectors.approval_queue, "Awaiting my approval"),
}


def _view_title(key: str) -> str:
    return {
        "drafts": _("My drafts"),
        "returned": _("Returned to me"),
        "queue": _("Awaiting my approval"),
    }.get(key, _("Activity reports"))


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    """Reports the user may see, filtered, sorted, paged; `?_export=csv|xlsx` exports
    the whole filtered list."""
    user = _user(request)
    view = request.GET.get("view", "")
    if view in VIEWS:
        base = VIEWS[view][0](user)
    else:
        view = ""
        base = selectors.activities_for(user)
    filterset = ActivityFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    # Not the program, author or credits the selectors' listing also reads (two joins and
    # a query fewer), nor the columns no cell shows.
    qs = qs.select_related(None).prefetch_related(None).select_related(*ROW_RELATIONS)
    table = ActivityTable(selectors.with_totals(qs.only(*ROW_FIELDS)))
    export = request.GET.get("_export", "")
    if export in EXPORT_FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        dataset = export_dataset(table, export)
        content = spreadsheet.dataset_export(dataset, export)
        if export == "csv":
            content = "\ufeff" + str(content)  # a BOM, so that Excel reads the Vietnamese as UTF-8
        response = HttpResponse(content, content_type=EXPORT_TYPES[export])
        response["Content-Disposition"] = f'attachment; filename="bao-cao-hoat-dong.{export}"'
        return response
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "activities/list.html",
        {
            "title": _view_title(view),
            "table": table,
            "filter": filterset,
            "filter_fields": None if filterset.is_bound else filterset.unbound_html(),
            "view": view,
            "views": [(k, _view_title(k)) for k in VIEWS],
            "query": request.GET.urlencode(),
            "can_report": selectors.reporting_organizations(user).exists(),
        },
    )


@login_required
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """Submitted reports the user may decide on, oldest first, with a bulk decision."""
    queue = selectors.approval_queue(_user(request))
    table = QueueTable(selectors.with_totals(queue))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "activities/queue.html",
        {"title": _("Awaiting my approval"), "table": table, "bulk": BulkForm()},
    )


@login_required
@require_POST
def bulk_decide(request: HttpRequest) -> HttpResponse:
    """Approve or return the chosen reports: all of them or, if one is refused, none."""
    form = BulkForm(request.POST)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return redirect("activities:queue")
    try:
        if form.cleaned_data["action"] == "approve":
            done = services.activities_approve_many(actor=_user(request), activities=ids)
            messages.success(request, _("{count} reports approved.").format(count=len(done)))
        else:
            done = services.activities_return_many(
                actor=_user(request), activities=ids, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("{count} reports returned.").format(count=len(done)))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        messages.error(request, _("Nothing was changed; correct the choice and try again."))
    return redirect("activities:queue")


# -- the report form ---------------------------------------------------------------------


def _form_context(form: ActivityForm, activity: Activity | None) -> dict[str, Any]:
    return {
        "form": form,
        "activity": activity,
        "title": _("Edit the report") if activity else _("New activity report"),
        "attachment_form": AttachmentForm(),
    }


def _save(form: ActivityForm, user: User, activity: Activity | None) -> Activity:
    """Create (idempotent on the form's id) or update the report from a valid form."""
    kwargs = form.service_kwargs()
    if activity is None:
        existing = Activity.all_objects.filter(uuid=form.cleaned_data["uuid"]).first()
        if existing is None:
            content = kwargs["content"]
            return services.activity_create(
                actor=user,
                program=content.program,
                organization=form.cleaned_data["organization"],
                uuid=form.cleaned_data["uuid"],
                **kwargs,
            )
        # A retry, or the autosave created it already: the same report, brought up to date.
        if existing.created_by_id != user.pk:
            raise ValidationError(
                _(
                    "This report id is already used by another report; reload the form and try "
                    "again."
                )
            )
        activity = existing
    version = form.cleaned_data.get("version") or activity.version
    return services.activity_update(
        actor=user, activity=activity, expected_version=version, **kwargs
    )


def _apply_errors(form: ActivityForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in _errors(exc):
            form.add_error(None, message)


def _editable_or_404(request: HttpRequest, pk: int) -> Activity:
    return selectors.activity_detail(_user(request), action=permissions.CHANGE, pk=pk)


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    return _form_view(request, None)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_view(request, _editable_or_404(request, pk))


def _form_view(request: HttpRequest, activity: Activity | None) -> HttpResponse:
    user = _user(request)
    if activity is None and not selectors.reporting_organizations(user).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = ActivityForm(request.POST, user=user, activity=activity)
        if form.is_valid():
            try:
                saved = _save(form, user, activity)
                if request.POST.get("action") == "submit":
                    saved = services.activity_submit(actor=user, activity=saved)
                    messages.success(request, _("The report was sent for approval."))
                else:
                    messages.success(request, _("The draft was saved."))
                return redirect("activities:detail", pk=saved.pk)
            except services.ActivityConflict as exc:
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("You may not report for this organization."))
        status = 200
    else:
        form = ActivityForm(initial=initial_for(activity), user=user, activity=activity)
        status = 200
    return render(request, "activities/form.html", _form_context(form, activity), status=status)


@htmx_login_required
@require_POST
def autosave(request: HttpRequest) -> HttpResponse:
    """Save the draft as the person types (htmx, debounced). Incomplete input is not an
    error here: the form keeps its copy on the device and says what is still missing."""
    user = _user(request)
    uuid = request.POST.get("uuid", "")
    activity = None
    try:
        activity = Activity.objects.filter(uuid=uuid).first() if uuid else None
    except ValidationError:
        activity = None
    if activity is not None and not permissions.can(user, permissions.CHANGE, activity):
        return render(request, "activities/_autosave.html", {"state": "locked"})
    form = ActivityForm(request.POST, user=user, activity=activity)
    context: dict[str, Any] = {
        "state": "incomplete",
        "form": form,
        "attachment_form": AttachmentForm(),
    }
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = _save(form, user, activity)
            context.update(state="saved", activity=saved, created=activity is None)
        except services.ActivityConflict as exc:
            context.update(state="conflict", message=exc.messages[0])
        except ValidationError as exc:
            context.update(state="invalid", problems=_errors(exc))
        except PermissionDenied:
            context.update(
                state="invalid", problems=[_("You may not report for this organization.")]
            )
    else:
        context["missing"] = [
            form.fields[name].label if name in form.fields else "" for name in form.errors
        ]
    response = render(request, "activities/_autosave.html", context)
    if context.get("created"):
        response["HX-Replace-Url"] = reverse("activities:edit", args=[context["activity"].pk])
    return response


@login_required
@require_GET
def content_parts(request: HttpRequest) -> HttpResponse:
    """The part of the form that depends on the content (htmx: the content changed)."""
    user = _user(request)
    activity = None
    if request.GET.get("activity", "").isdigit():
        activity = _editable_or_404(request, int(request.GET["activity"]))
    form = ActivityForm(request.GET, user=user, activity=activity)
    form.errors.clear()  # fields just shown, not yet filled: no errors yet
    return render(request, "activities/_parts.html", {"form": form})


@login_required
@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """Type-ahead over communes, ignoring case, tones and đ (htmx fragment of radios)."""
    query = request.GET.get("q", "").strip()
    units = search_communes(query, limit=10) if len(query) >= 2 else []
    return render(request, "activities/_communes.html", {"units": units, "query": query})


# -- the report's page and its actions -------------------------------------------------------


def _history_labels() -> dict[str, str]:
    return {
        "create": _("created the report"),
        "update": _("edited the report"),
        "submit": _("submitted it for approval"),
        "approve": _("approved it"),
        "return": _("returned it with a reason"),
        "revise": _("started a revision"),
        "supersede": _("replaced by an approved revision"),
        "trash": _("moved it to the trash"),
        "restore": _("restored it from the trash"),
        "comment_add": _("added a comment"),
        "attachment_add": _("added a photo or file"),
        "attachment_remove": _("removed a photo or file"),
        "credit_add": _("credited a co-organizer"),
        "credit_remove": _("removed a co-organizer's credit"),
        "credit_confirm": _("confirmed a credit"),
    }


def _allowed(user: Any, activity: Activity) -> dict[str, bool]:
    if activity.is_trashed:
        return {}
    status = activity.status
    checks = {
        "change": status in (ActivityStatus.DRAFT, ActivityStatus.RETURNED),
        "submit": status in (ActivityStatus.DRAFT, ActivityStatus.RETURNED),
        "approve": status == ActivityStatus.SUBMITTED,
        "revise": status == ActivityStatus.APPROVED,
        "delete": status not in (ActivityStatus.APPROVED, ActivityStatus.SUPERSEDED),
    }
    actions = {
        "change": permissions.CHANGE,
        "submit": permissions.SUBMIT,
        "approve": permissions.APPROVE,
        "revise": REVISE,
        "delete": permissions.DELETE,
    }
    return {
        key: possible and permissions.can(user, actions[key], activity)
        for key, possible in checks.items()
    }


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = selectors.activity_detail(user, pk=pk)
    may = _allowed(user, activity)
    confirmable = set(
        Credit.objects.restrict(user, CONFIRM)
        .filter(activity=activity)
        .values_list("pk", flat=True)
    )
    labels = _history_labels()
    history = [(e, labels.get(e.action, e.action)) for e in selectors.history(activity)[:50]]
    return render(
        request,
        "activities/detail.html",
        {
            "title": activity.title,
            "activity": activity,
            "may": may,
            "confirmable": confirmable,
            "history": history,
            "return_form": ReturnForm(),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
            "revision_of": activity.revision_of_id,
        },
    )


def _act(
    request: HttpRequest, pk: int, do: Callable[[User, Activity], Any], done: str
) -> HttpResponse:
    """Run one service on a visible report; its refusal is shown on the report's page."""
    user = _user(request)
    activity = selectors.activity_detail(user, pk=pk)
    try:
        result = do(user, activity)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("activities:detail", pk=pk)
    messages.success(request, done)
    if isinstance(result, Activity):
        return redirect("activities:detail", pk=result.pk)
    return redirect("activities:detail", pk=pk)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def activity_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda u, a: services.activity_submit(
            actor=u, activity=a, expected_version=_version(request)
        ),
        _("The report was sent for approval."),
    )


@login_required
@require_POST
def activity_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda u, a: services.activity_approve(
            actor=u, activity=a, expected_version=_version(request)
        ),
        _("The report was approved."),
    )


@login_required
@require_POST
def activity_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    return _act(
        request,
        pk,
        lambda u, a: services.activity_return(
            actor=u, activity=a, reason=reason, expected_version=_version(request)
        ),
        _("The report was returned to its authors."),
    )


@login_required
@require_POST
def activity_revise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = selectors.activity_detail(user, pk=pk)
    try:
        revision = services.activity_revise(
            actor=user, activity=activity, uuid=request.POST.get("uuid") or None
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("activities:detail", pk=pk)
    messages.success(
        request,
        _("A revision was started; the approved report counts until the revision is approved."),
    )
    return redirect("activities:edit", pk=revision.pk)


@login_required
@require_POST
def activity_trash(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = selectors.activity_detail(user, pk=pk)
    try:
        services.activity_trash(actor=user, activity=activity)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("activities:detail", pk=pk)
    messages.success(request, _("The report was moved to the trash for 30 days."))
    return redirect("activities:list")


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda u, a: services.comment_add(actor=u, activity=a, text=request.POST.get("text", "")),
        _("The comment was added."),
    )


@login_required
@require_POST
def credit_confirm(request: HttpRequest, pk: int, credit_pk: int) -> HttpResponse:
    user = _user(request)
    activity = selectors.activity_detail(user, pk=pk)
    credit = get_object_or_404(Credit.objects.filter(activity=activity), pk=credit_pk)
    try:
        services.credit_confirm(actor=user, credit=credit)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Your organization's credit is confirmed."))
    return redirect("activities:detail", pk=pk)


# -- attachments -------------------------------------------------------------------------------


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or bool(
        getattr(request, "htmx", False)
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo (shrunk on the phone by form.js; re-encoded without EXIF by the service)."""
    user = _user(request)
    activity = selectors.activity_detail(user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        try:
            services.attachment_add(
                actor=user,
                activity=activity,
                file=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            problems = _errors(exc)
        except PermissionDenied:
            problems = [_("You may not add photos to this report.")]
    else:
        problems = [str(e) for errors in form.errors.values() for e in errors]
    if _is_fetch(request):
        activity = selectors.activity_detail(user, pk=pk)
        return render(
            request,
            "activities/_attachments.html",
            {"activity": activity, "problems": problems, "editable": True},
            status=200 if not problems else 400,
        )
    for message in problems:
        messages.error(request, message)
    if not problems:
        messages.success(request, _("The photo was added."))
    return redirect("activities:edit", pk=pk)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    user = _user(request)
    activity = selectors.activity_detail(user, pk=pk)
    attachment = get_object_or_404(Attachment.objects.filter(activity=activity), pk=attachment_pk)
    try:
        services.attachment_remove(actor=user, attachment=attachment)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("activities:edit", pk=pk)


@login_required
@require_GET
def attachment_file(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """The file, to whoever may see the report (never a public media URL)."""
    activity = selectors.activity_detail(_user(request), pk=pk)
    attachment = get_object_or_404(Attachment.objects.filter(activity=activity), pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=attachment.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = (
        "inline"
        if attachment.kind == "photo"
        else f'attachment; filename="{attachment.file.name.rsplit("/", 1)[-1]}"'
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
