"""Pages of the Excel import, and the downloads."""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from phoihop.core import permissions
from phoihop.core.models import User
from phoihop.exports import breakdown, selectors, services, transfer
from phoihop.exports.forms import CommitteeImportForm, UploadForm
from phoihop.exports.models import ImportJob
from phoihop.figures import selectors as figures
from phoihop.figures import types as ft
from phoihop.orgs.models import Committee, Organization
from phoihop.programs.models import Program
from phoihop.reviews.models import ReviewPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pair(request: HttpRequest, program: int, organization: int) -> tuple[Program, Organization]:
    found_program = permissions.get_for_action(Program.objects.all(), request.user, pk=program)
    found_org = permissions.get_for_action(
        Organization.objects.all(), request.user, pk=organization
    )
    if found_org.committee_id != found_program.committee_id:
        raise Http404
    return found_program, found_org


def _index(request: HttpRequest, **extra: Any) -> HttpResponse:
    context = {
        "title": _("Excel import"),
        "targets": selectors.import_targets(request.user),
        "jobs": selectors.recent_jobs(request.user),
        "form": UploadForm(),
        "programs": selectors.exportable_programs(request.user)[:30],
        "committees": selectors.managed_committees(request.user),
        "import_form": CommitteeImportForm(),
        **extra,
    }
    return render(request, "exports/index.html", context, status=400 if "errors" in extra else 200)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@login_required
@require_GET
def template(request: HttpRequest, program: int, organization: int) -> HttpResponse:
    found_program, found_org = _pair(request, program, organization)
    content = services.template_for(
        actor=cast(User, request.user), program=found_program, organization=found_org
    )
    name = slugify(f"bao-cao-{found_program.year}-{found_org.abbreviation or found_org.name}")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name or "bao-cao"}.xlsx"'
    return response


@login_required
@require_POST
def upload(request: HttpRequest, program: int, organization: int) -> HttpResponse:
    found_program, found_org = _pair(request, program, organization)
    if not services.may_import(request.user, found_program, found_org):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, errors=[e for errs in form.errors.values() for e in errs])
    uploaded = form.cleaned_data["file"]
    try:
        job = services.import_job_create(
            actor=cast(User, request.user),
            program=found_program,
            organization=found_org,
            file=uploaded,
            name=uploaded.name or "",
        )
    except ValidationError as exc:
        return _index(request, errors=exc.messages)
    return redirect("exports:job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = permissions.get_for_action(
        ImportJob.objects.select_related("program", "organization"), request.user, pk=pk
    )
    return services.job_refresh(job)


def _job_context(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job,
        "progress": services.progress(job),
        "title": _("Import of {name}").format(name=job.original_name),
    }


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exports/job.html", _job_context(_job(request, pk)))


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exports/_job_status.html", _job_context(_job(request, pk)))


@login_required
@require_GET
def job_marked(request: HttpRequest, pk: int) -> FileResponse:
    found = _job(request, pk)
    if not found.marked_file:
        raise Http404
    stem = found.original_name.rsplit(".", 1)[0]
    return FileResponse(
        found.marked_file.open("rb"),
        as_attachment=True,
        filename=f"{stem}-{_('errors')}.xlsx",
        content_type=XLSX,
    )


def _dimensions(request: HttpRequest) -> tuple[str, ...]:
    names = tuple(n.strip() for n in request.GET.get("by", "content").split(",") if n.strip())
    if any(name not in ft.DIMENSIONS for name in names) or len(set(names)) != len(names):
        raise Http404
    return names


def _breakdown_response(
    request: HttpRequest, program: Program, fmt: str, stem: str, **dates: Any
) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    if fmt == "xlsx":
        response = HttpResponse(breakdown.as_xlsx(program, **dates), content_type=XLSX)
    else:
        response = HttpResponse(
            breakdown.as_csv(program, _dimensions(request), **dates),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{slugify(stem)}.{fmt}"'
    return response


@login_required
@require_GET
def program_breakdown(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    program = figures.visible_program(request.user, pk)
    return _breakdown_response(request, program, fmt, f"so-lieu-{program.year}-{program.pk}")


@login_required
@require_GET
def review_breakdown(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = permissions.get_for_action(ReviewPeriod.objects.all(), request.user, pk=pk)
    program = figures.visible_program(request.user, review.program_id)
    return _breakdown_response(
        request,
        program,
        fmt,
        f"so-lieu-{slugify(review.title)}-{review.pk}",
        date_from=review.period_start,
        date_to=review.period_end,
    )


def _committee(request: HttpRequest, pk: int) -> Committee:
    return permissions.get_for_action(
        Committee.objects.all(), request.user, permissions.CHANGE, pk=pk
    )


@login_required
@require_GET
def committee_programs(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(request, pk)
    # Written to a temporary file (the attachments may be large), then streamed.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        transfer.write_archive(actor=cast(User, request.user), committee=committee, out=out)
    except ValidationError as exc:
        out.close()
        return _index(request, errors=exc.messages)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"chuong-trinh-{committee.code}.zip",
        content_type="application/zip",
    )


@login_required
@require_POST
def committee_programs_import(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(request, pk)
    form = CommitteeImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, errors=[e for errs in form.errors.values() for e in errs])
    try:
        programs = transfer.import_file(
            actor=cast(User, request.user), committee=committee, upload=form.cleaned_data["file"]
        )
    except ValidationError as exc:
        return _index(request, errors=exc.messages)
    messages.success(request, _("{count} programs imported.").format(count=len(programs)))
    return redirect("exports:index")
