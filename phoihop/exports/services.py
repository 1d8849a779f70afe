"""Excel import: a job per uploaded workbook, checked, validated and imported all or
nothing through the activity services, in the background worker."""

from __future__ import annotations

import fcntl
import json
import logging
import uuid as uuidlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import connection, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phoihop.activities import services as activity_services
from phoihop.core import audit, clock, permissions
from phoihop.core.models import User
from phoihop.exports import checks, importing, workbook
from phoihop.exports.models import ImportJob, ImportStatus
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program

log = logging.getLogger(__name__)

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
    "co_organizations": (workbook.ACTIVITIES, "co_organizations"),
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


# Each phase's share of the bar (percent at its start and end), from where an import of
# 10,000-50,000 new reports spends its time (on PostgreSQL: reading ~7 %, checking ~38 %,
# writing with the audit events and search entries ~55 %); the bar only moves forward.
PHASES: dict[str, tuple[int, int]] = {
    "reading": (0, 10),
    "checking": (10, 45),
    "writing": (45, 100),
}
PHASE_LABELS = {
    "queued": gettext_lazy("Waiting to start"),
    "reading": gettext_lazy("Reading the workbook"),
    "checking": gettext_lazy("Checking the rows"),
    "writing": gettext_lazy("Writing the reports"),
    "finished": gettext_lazy("Finished"),
}


@dataclass(frozen=True)
class Progress:
    """Where a job is: the phase, rows done of the phase's rows, and the whole bar."""

    phase: str
    done: int
    total: int
    percent: int

    @property
    def label(self) -> str:
        return str(PHASE_LABELS.get(self.phase, self.phase))


def _percent(phase: str, done: int, total: int) -> int:
    start, end = PHASES.get(phase, (0, 0))
    if total <= 0:
        return end if done else start
    share = min(done, total) / total
    return int(start + (end - start) * share)


def _set_progress(
    job_id: int, done: int, total: int, phase: str = "writing", percent: int | None = None
) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    if percent is None:
        percent = _percent(phase, done, total)
    tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total, "percent": percent}))
    tmp.replace(path)


class _Bar:
    """The progress file of a running import, written as each phase moves on; the
    percent never goes back (a phase's estimated total may grow as it runs)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.percent = 0

    def tell(self, phase: str, done: int, total: int) -> None:
        self.percent = max(self.percent, _percent(phase, done, total))
        _set_progress(self.job_id, done, total, phase, self.percent)

    def phase(self, phase: str, *, offset: int = 0, total: int | None = None) -> Any:
        """A callback for a bulk service (told rows done) or a pass of the reader
        (told rows done and rows in all), placed `offset` rows into the phase."""

        def told(done: int, of: int | None = None) -> None:
            self.tell(phase, offset + done, total if total is not None else (of or done))

        return told


def progress(job: ImportJob) -> Progress:
    """Where a job is; a running one from its progress file, read outside the database
    (the import's write transaction leaves the job's row as it was until it ends)."""
    if job.is_finished:
        return Progress("finished", job.total_rows, job.total_rows, 100)
    try:
        data = json.loads(_progress_path(job.pk).read_text())
        done, total = int(data["done"]), int(data["total"])
        phase = str(data.get("phase", "writing"))
        percent = int(data.get("percent", _percent(phase, done, total)))
        return Progress(phase, done, total, max(0, min(percent, 100)))
    except (OSError, ValueError, KeyError, TypeError):
        return Progress("queued", 0, job.total_rows, 0)


# -- is the import still running? ---------------------------------------------------------
# The task queue keeps no heartbeat: a worker or web server killed in the middle of an
# import would leave its job "checking" or "importing" for ever (its transaction dies with
# it, so nothing is half-written). The process running an import holds a lock that the
# operating system or the database drops when the process dies: a session advisory lock
# on PostgreSQL (seen from every app server), an flock beside the progress file on SQLite
# (one server). A job still running whose lock is free has lost its process.

LOCK_NAMESPACE = 7_310_001  # the first key of our advisory locks: Excel imports
RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


def _lock_path(job_id: int) -> Path:
    return _progress_path(job_id).with_suffix(".lock")


@contextmanager
def _runner_lock(job_id: int) -> Iterator[None]:
    """Held for as long as this process runs the import of `job_id`."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job_id])
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, job_id])
        return
    path = _lock_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _runner_gone(job_id: int) -> bool:
    """True when no process holds the import lock of `job_id` (it is taken and let go at
    once, so a runner starting meanwhile only waits a moment)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job_id])
            free = bool(cur.fetchone()[0])
            if free:
                cur.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, job_id])
        return free
    path = _lock_path(job_id)
    if not path.exists():  # never started here; nothing to say
        return False
    with path.open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def job_refresh(job: ImportJob) -> ImportJob:
    """The job as its page should show it: a running job whose process died is marked
    failed (nothing of it was written), so the person knows to upload it again."""
    if job.status not in RUNNING or not _runner_gone(job.pk):
        return job
    message = _(
        "The import was interrupted (the server stopped while it ran); nothing was imported. "
        "Upload the same file again."
    )
    # Only if it is still running: a runner that finished meanwhile wins.
    stopped = ImportJob.objects.filter(pk=job.pk, status__in=RUNNING).update(
        status=ImportStatus.FAILED, finished_at=clock.now(), message=message
    )
    if stopped:
        log.warning("Import %s lost its process; marked failed", job.pk)
        _progress_path(job.pk).unlink(missing_ok=True)
        _lock_path(job.pk).unlink(missing_ok=True)
    job.refresh_from_db(fields=["status", "finished_at", "message"])
    return job


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
    _lock_path(job.pk).unlink(missing_ok=True)


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


def _not_yours(report: importing.Report) -> importing.CellError:
    return importing.CellError(
        workbook.ACTIVITIES, report.number, 1, str(report.key), _("a report you may change.")
    )


def _parts(report: importing.Report) -> dict[str, Any]:
    return {
        "participants": report.participants,
        "values": report.values,
        "funding": report.funding,
        "co_organizations": report.co_organizations,
    }


def _refusals(
    reports: list[importing.Report], exc: Exception, errors: list[importing.CellError]
) -> None:
    """A bulk service's refusal, placed on the cells of the reports it is about."""
    if isinstance(exc, activity_services.ReportsRefused):
        for index, error in sorted(exc.by_index.items()):
            errors.extend(_service_errors(reports[index], error))
    elif isinstance(exc, activity_services.ReportsDenied):
        errors.extend(_not_yours(reports[index]) for index in exc.indexes)
    elif isinstance(exc, PermissionDenied):
        errors.extend(_not_yours(report) for report in reports)
    elif isinstance(exc, ValidationError):  # refused for all of them (the program's status)
        for report in reports:
            errors.extend(_service_errors(report, exc))
    else:
        raise exc


@dataclass
class _Checked:
    fresh: list[importing.Report]
    changed: list[importing.Report]
    unchanged: int
    drafts: activity_services.CheckedDrafts | None = None
    changes: activity_services.CheckedChanges | None = None


def _check_writes(
    actor: User,
    look: workbook.Lookups,
    outcome: importing.Outcome,
    bar: _Bar,
    *,
    offset: int,
) -> tuple[_Checked, list[importing.CellError]]:
    """Every check of the services, done before the write transaction opens (the bar's
    checking phase, `offset` rows after the rows validated)."""
    stored = [r for r in outcome.reports if r.existing is not None]
    checked = _Checked(
        fresh=[r for r in outcome.reports if r.existing is None],
        changed=[r for r in stored if not importing.unchanged(r)],
        unchanged=sum(1 for r in stored if importing.unchanged(r)),
    )
    errors: list[importing.CellError] = []
    total = offset + len(outcome.reports)
    if checked.changed:
        try:
            checked.changes = activity_services.activities_check_updates(
                progress=bar.phase("checking", offset=offset, total=total),
                actor=actor,
                changes=[
                    activity_services.Change(
                        activity=cast(Any, r.existing),
                        expected_version=cast(Any, r.existing).version,
                        changes={**r.fields, **_parts(r)},
                    )
                    for r in checked.changed
                ],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusals(checked.changed, exc, errors)
    if checked.fresh:
        try:
            checked.drafts = activity_services.activities_check_many(
                progress=bar.phase("checking", offset=offset + len(checked.changed), total=total),
                actor=actor,
                program=look.program,
                organization=look.organization,
                reports=[{"uuid": r.key, **r.fields, **_parts(r)} for r in checked.fresh],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusals(checked.fresh, exc, errors)
    bar.tell("checking", total, total)
    return checked, errors


def _write(checked: _Checked, bar: _Bar) -> list[importing.CellError]:
    """The checked writes, in one transaction kept short: everything was worked out
    before it opened (on SQLite it holds the only write lock, and web requests wait).
    The bar moves a chunk of reports at a time: its file is outside the transaction."""
    errors: list[importing.CellError] = []
    total = len(checked.changed) + len(checked.fresh)
    bar.tell("writing", 0, total)
    with transaction.atomic():
        if checked.changes is not None:
            try:
                activity_services.activities_apply_checked(
                    checked.changes, progress=bar.phase("writing", total=total)
                )
            except (ValidationError, PermissionDenied) as exc:
                _refusals(checked.changed, exc, errors)
        if checked.drafts is not None and not errors:
            try:
                activity_services.activities_insert_checked(
                    checked.drafts,
                    progress=bar.phase("writing", offset=len(checked.changed), total=total),
                )
            except (ValidationError, PermissionDenied) as exc:
                _refusals(checked.fresh, exc, errors)
        if errors:
            transaction.set_rollback(True)
    return errors


def import_run(*, job_id: int) -> ImportJob:
    """Read, validate every row, then import all rows in one transaction, or none."""
    job = ImportJob.objects.select_related("program__committee", "organization", "created_by").get(
        pk=job_id
    )
    if job.is_finished:
        return job
    with _runner_lock(job.pk):
        job.refresh_from_db(fields=["status"])
        if job.is_finished:  # marked failed or run by another process meanwhile
            return job
        return _run(job)


def _run(job: ImportJob) -> ImportJob:
    bar = _Bar(job.pk)
    job.status = ImportStatus.CHECKING
    job.save(update_fields=["status"])
    bar.tell("reading", 0, 0)
    actor = job.created_by
    try:
        with job.file.open("rb") as stream:
            checks.check_all(job.original_name, stream, job.file.size)
            sheets = importing.read_rows(stream, bar.phase("reading"))
    except checks.FileRefused as exc:
        _finish(job, ImportStatus.REFUSED, message=exc.message)
        return job
    look = workbook.lookups(job.program, job.organization)
    # Checking: every row read, then the services' checks of every report.
    checking = sheets.total + sheets.total_reports
    outcome = importing.validate(sheets, look, bar.phase("checking", total=checking))
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
    return _import(job, look, sheets, outcome, bar)


def _import(
    job: ImportJob,
    look: workbook.Lookups,
    sheets: importing.Sheets,
    outcome: importing.Outcome,
    bar: _Bar,
) -> ImportJob:
    actor = job.created_by
    job.status = ImportStatus.IMPORTING
    job.save(update_fields=["status", "total_rows"])
    try:
        checked, errors = _check_writes(actor, look, outcome, bar, offset=sheets.total)
        if errors:
            return _refuse(job, look, sheets, errors)
        errors = _write(checked, bar)
        if errors:
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
    counts = {
        "created": len(checked.fresh),
        "updated": len(checked.changed),
        "unchanged": checked.unchanged,
    }
    _finish(
        job,
        ImportStatus.DONE,
        created_count=counts["created"],
        updated_count=counts["updated"],
        unchanged_count=counts["unchanged"],
        message=_("{created} reports added, {updated} updated, {unchanged} unchanged.").format(
            **{name: number_format(n, force_grouping=True) for name, n in counts.items()}
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
        ).format(count=number_format(len(errors), force_grouping=True)),
    )
    return job
