"""Excel import: a job per uploaded workbook, checked, validated and imported all or
nothing through the activity services, in the background worker."""

from __future__ import annotations

import json
import logging
import uuid as uuidlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.activities import services as activity_services
from phoihop.core import audit, clock, permissions
from phoihop.core.models import User
from phoihop.exports import checks, importing, workbook
from phoihop.exports.models import ImportJob, ImportStatus
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program

log = logging.getLogger(__name__)

PROGRESS_EVERY = 200
# Where a service's complaint about a field is shown: (sheet, column key).
FIELD_CELLS = {
    "title": (workbook.ACTIVITIES, "title"),
    "start_date": (workbook.ACTIVITIES, "start_date"),
    "end_date": (workbook.ACTIVITIES, "end_date"),
    "locality": (workbook.ACTIVITIES, "locality"),
    "content": (workbook.ACTIVITIES, "content"),
    "narrative": (workbook.ACTIVITIES, "narrative"),
    "funding": (workbook.ACTIVITIES, "funding_state"),
    "participants": (workbook.PARTICIPANTS, "count"),
    "values": (workbook.VALUES, "value"),
}


def may_import(actor: Any, program: Program, organization: Organization) -> bool:
    """Only a focal point of the organization enters its reports (as the services say)."""
    scope = permissions.get_scope(actor)
    return organization.committee_id == program.committee_id and organization.pk in scope.orgs_for(
        program.committee_id, permissions.FOCAL
    )


def template_for(*, actor: User, program: Program, organization: Organization) -> bytes:
    """The workbook to fill in: the organization's reports of the program, and blank rows."""
    if not (
        permissions.can(actor, permissions.VIEW, program)
        and permissions.can(actor, permissions.VIEW, organization)
    ):
        raise PermissionDenied
    return workbook.template_bytes(workbook.lookups(program, organization))


# -- progress, readable while the import's transaction is open ---------------------------


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


def _set_progress(job_id: int, done: int, total: int) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total}))
    tmp.replace(path)


def progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a running import."""
    if job.is_finished:
        return job.total_rows, job.total_rows
    try:
        data = json.loads(_progress_path(job.pk).read_text())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError):
        return 0, job.total_rows


# -- the job -----------------------------------------------------------------------------


@transaction.atomic
def import_job_create(
    *, actor: User, program: Program, organization: Organization, file: File, name: str
) -> ImportJob:
    """Take the upload (quick checks only) and queue the import; answers at once."""
    if not may_import(actor, program, organization):
        raise PermissionDenied
    size = file.size or 0
    try:
        checks.check_name_and_size(name, size)
        checks.check_archive(file)
    except checks.FileRefused as exc:
        raise ValidationError({"file": exc.message}) from exc
    job = ImportJob(
        committee_id=program.committee_id,
        program=program,
        organization=organization,
        created_by=actor,
        original_name=name[:255],
    )
    job.file.save(f"{uuidlib.uuid4().hex}.xlsx", file, save=False)
    job.full_clean()
    job.save()
    audit.record(actor=actor, action="import_upload", obj=job, after=audit.snapshot(job))
    from phoihop.exports.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    job.status = status
    job.finished_at = clock.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    _progress_path(job.pk).unlink(missing_ok=True)


def _marked_copy(
    job: ImportJob, look: workbook.Lookups, sheets: importing.Sheets, errors: list[Any]
) -> None:
    marks = workbook.Marks()
    for error in errors:
        where = (error.sheet, error.row, error.column)
        previous = marks.cells.get(where)
        marks.cells[where] = f"{previous}\n{error.message}" if previous else error.message
    data = {
        name: [_padded(row.values, len(workbook.COLUMNS[name])) for row in rows]
        for name, rows in sheets.rows.items()
    }
    # Row numbers in the copy are those of the rows kept (empty rows are dropped), so the
    # marks are moved to where each row lands.
    moved = workbook.Marks()
    for name, rows in sheets.rows.items():
        for position, row in enumerate(rows, start=2):
            for column in range(1, len(workbook.COLUMNS[name]) + 1):
                message = marks.cells.get((name, row.number, column))
                if message:
                    moved.cells[(name, position, column)] = message
    content = workbook.write_workbook(look, data, marks=moved)
    job.marked_file.save(f"{uuidlib.uuid4().hex}-loi.xlsx", ContentFile(content), save=False)


def _padded(values: list[Any], width: int) -> list[Any]:
    return (values + [None] * width)[:width]


def _service_errors(report: importing.Report, exc: ValidationError) -> list[importing.CellError]:
    """A service's refusal of one report, placed on the cells it is about."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    found: list[importing.CellError] = []
    for field, messages in detail.items():
        sheet, key = FIELD_CELLS.get(field, (workbook.ACTIVITIES, "key"))
        rows = {
            workbook.PARTICIPANTS: report.participant_rows,
            workbook.VALUES: report.value_rows,
        }.get(sheet)
        if rows is not None and not rows:
            sheet, key = workbook.ACTIVITIES, "key"
        row = min(rows.values()) if rows else report.number
        column = workbook.column_index(sheet, key)
        found.extend(
            importing.CellError(sheet, row, column, None, str(message)) for message in messages
        )
    return found


def _save(actor: User, look: workbook.Lookups, report: importing.Report) -> str:
    """Create or update one report through the services: 'created', 'updated' or
    'unchanged'."""
    parts: dict[str, Any] = {
        "participants": report.participants,
        "values": report.values,
        "funding": report.funding,
    }
    fields: dict[str, Any] = report.fields
    existing = report.existing
    if existing is None:
        activity_services.activity_create(
            actor=actor,
            program=look.program,
            organization=look.organization,
            uuid=report.key,
            **fields,
            **parts,
        )
        return "created"
    if importing.row_state(report) == importing.stored_state(existing):
        return "unchanged"
    activity_services.activity_update(
        actor=actor,
        activity=existing,
        expected_version=existing.version,
        **report.fields,
        **parts,
    )
    return "updated"


def _not_yours(report: importing.Report) -> importing.CellError:
    return importing.CellError(
        workbook.ACTIVITIES, report.number, 1, str(report.key), _("a report you may change.")
    )


def _create_all(
    actor: User,
    look: workbook.Lookups,
    reports: list[importing.Report],
    errors: list[importing.CellError],
) -> int:
    """The new reports in one call of activities_create_many (the rules of
    activity_create, written in a few queries); refusals are added to `errors`."""
    if not reports:
        return 0
    try:
        activity_services.activities_create_many(
            actor=actor,
            program=look.program,
            organization=look.organization,
            reports=[
                {
                    "uuid": r.key,
                    **r.fields,
                    "participants": r.participants,
                    "values": r.values,
                    "funding": r.funding,
                }
                for r in reports
            ],
        )
    except activity_services.ReportsRefused as exc:
        for index, error in sorted(exc.by_index.items()):
            errors.extend(_service_errors(reports[index], error))
    except ValidationError as exc:  # refused for all of them (e.g. the program's status)
        for report in reports:
            errors.extend(_service_errors(report, exc))
    except PermissionDenied:
        errors.extend(_not_yours(report) for report in reports)
    return len(reports)


class _Refused(Exception):  # noqa: N818 - rolls the import back
    pass


def import_run(*, job_id: int) -> ImportJob:
    """Read, validate every row, then import all rows in one transaction, or none."""
    job = ImportJob.objects.select_related("program__committee", "organization", "created_by").get(
        pk=job_id
    )
    if job.is_finished:
        return job
    job.status = ImportStatus.CHECKING
    job.save(update_fields=["status"])
    actor = job.created_by
    try:
        with job.file.open("rb") as stream:
            checks.check_all(job.original_name, stream, job.file.size)
            sheets = importing.read_rows(stream)
    except checks.FileRefused as exc:
        _finish(job, ImportStatus.REFUSED, message=exc.message)
        return job
    look = workbook.lookups(job.program, job.organization)
    outcome = importing.validate(sheets, look)
    job.total_rows = len(outcome.reports)
    if outcome.errors:
        return _refuse(job, look, sheets, outcome.errors)
    if not may_import(actor, job.program, job.organization):
        _finish(
            job,
            ImportStatus.REFUSED,
            message=_("You are no longer a focal point of {organization}.").format(
                organization=job.organization.name
            ),
        )
        return job
    return _import(job, look, sheets, outcome)


def _import(
    job: ImportJob,
    look: workbook.Lookups,
    sheets: importing.Sheets,
    outcome: importing.Outcome,
) -> ImportJob:
    actor = job.created_by
    job.status = ImportStatus.IMPORTING
    job.save(update_fields=["status", "total_rows"])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors: list[importing.CellError] = []
    # Stored reports are updated one by one; new ones are written together.
    fresh = [r for r in outcome.reports if r.existing is None]
    stored = [r for r in outcome.reports if r.existing is not None]
    try:
        with transaction.atomic():
            for done, report in enumerate(stored, start=1):
                try:
                    counts[_save(actor, look, report)] += 1
                except ValidationError as exc:
                    errors.extend(_service_errors(report, exc))
                except PermissionDenied:
                    errors.append(_not_yours(report))
                if done % PROGRESS_EVERY == 0:
                    _set_progress(job.pk, done, job.total_rows)
            counts["created"] = _create_all(actor, look, fresh, errors)
            if errors:
                raise _Refused
    except _Refused:
        return _refuse(job, look, sheets, errors)
    except Exception:
        log.exception("Import %s failed", job.pk)
        _finish(
            job,
            ImportStatus.FAILED,
            message=_(
                "The import stopped because of an unexpected error; nothing was imported. "
                "Try again later or tell the secretariat."
            ),
        )
        return job
    _finish(
        job,
        ImportStatus.DONE,
        created_count=counts["created"],
        updated_count=counts["updated"],
        unchanged_count=counts["unchanged"],
        message=_("{created} reports added, {updated} updated, {unchanged} unchanged.").format(
            **counts
        ),
    )
    audit.record(actor=actor, action="import_done", obj=job, after=counts)
    return job


MAX_LISTED_ERRORS = 500


def _refuse(
    job: ImportJob,
    look: workbook.Lookups,
    sheets: importing.Sheets,
    errors: list[importing.CellError],
) -> ImportJob:
    errors = sorted(errors, key=lambda e: (workbook.DATA_SHEETS.index(e.sheet), e.row, e.column))
    _marked_copy(job, look, sheets, errors)
    _finish(
        job,
        ImportStatus.REFUSED,
        error_count=len(errors),
        errors=[e.as_json() for e in errors[:MAX_LISTED_ERRORS]],
        message=_(
            "{count} cells need fixing; nothing was imported. Download the marked copy, fix the "
            "cells in red and upload it again."
        ).format(count=len(errors)),
    )
    return job
