"""Large workbooks. 50,000 rows are read (streaming) and validated in one pass; new
reports are written by activities_create_many (the rules of activity_create, inserted in
bulk), stored ones by activities_update_many (activity_update's, in bulk). The suite
imports a 2,000-row sheet and PHOIHOP_IMPORT_ROWS=50000 runs the full size by hand.
Slow: runs on the PostgreSQL leg."""

from __future__ import annotations

import datetime
import io
import os
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from phoihop.activities.models import Activity
from phoihop.exports import services, workbook
from phoihop.exports.models import ImportStatus

ROWS = int(os.environ.get("PHOIHOP_IMPORT_ROWS", "2000"))


def _big_workbook(look, rows: int) -> bytes:
    wb = Workbook(write_only=True)
    content = look.contents.labels[0]
    commune = look.communes.labels[0]
    group = look.groups.labels[0]
    activities = wb.create_sheet(workbook.ACTIVITIES)
    participants = wb.create_sheet(workbook.PARTICIPANTS)
    values = wb.create_sheet(workbook.VALUES)
    for sheet in (activities, participants, values):
        sheet.append(["header"])
    wb.create_sheet(workbook.INSTRUCTIONS)
    start = datetime.date(2023, 1, 1)
    for n in range(rows):
        key = str(uuid.UUID(int=n + 1))
        day = start + datetime.timedelta(days=n % 365)
        activities.append(
            [key, content, f"Hoạt động số {n}", day, day, commune, n, None, None, None, "Không", ""]
        )
        participants.append([key, group, n % 50])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.django_db
def test_large_sheet_imports_all_rows(s, look, django_capture_on_commit_callbacks):
    data = _big_workbook(look, ROWS)
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(
            actor=s.user("focal_a"),
            program=s.program,
            organization=s.world.org_a,
            file=SimpleUploadedFile("lon.xlsx", data),
            name="lon.xlsx",
        )
    elapsed = time.monotonic() - began
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.message, job.errors[:3])
    assert job.created_count == ROWS
    assert Activity.objects.filter(program=s.program).count() == ROWS
    print(f"{ROWS} rows in {elapsed:.0f} s: {ROWS / elapsed:.0f} rows/s")  # noqa: T201


@pytest.mark.slow
@pytest.mark.django_db
def test_fifty_thousand_rows_are_read_and_validated_in_one_pass(s, look):
    from phoihop.exports import checks, importing

    data = _big_workbook(look, 50_000)
    began = time.monotonic()
    stream = io.BytesIO(data)
    checks.check_all("lon.xlsx", stream, len(data))
    sheets = importing.read_rows(stream)
    outcome = importing.validate(sheets, look)
    elapsed = time.monotonic() - began
    assert outcome.errors == []
    assert len(outcome.reports) == 50_000
    assert sum(len(r.participants) for r in outcome.reports) == sum(
        1 for n in range(50_000) if n % 50
    )
    print(f"50000 rows checked in {elapsed:.1f} s")  # noqa: T201
