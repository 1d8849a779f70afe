"""The Excel round trip: template → fill → upload → import (all or nothing) → export."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import io
import unicodedata
import uuid
import zipfile
from collections import Counter
from decimal import Decimal

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from phoihop.activities import services as activity_services
from phoihop.activities.models import Activity
from phoihop.activities.tests import factories
from phoihop.core.testing.world import unit
from phoihop.exports import checks, importing, services, workbook
from phoihop.exports.models import ImportJob, ImportStatus
from phoihop.exports.tests.conftest import fill, keys_of
from phoihop.geo.choices import Level, Scheme

pytestmark = pytest.mark.django_db
A, P, V = workbook.ACTIVITIES, workbook.PARTICIPANTS, workbook.VALUES


def _template(s):
    return services.template_for(
        actor=s.user("focal_a"), program=s.program, organization=s.world.org_a
    )


def _upload(s, data: bytes, capture, name: str = "bao-cao.xlsx") -> ImportJob:
    with capture(execute=True):
        job = services.import_job_create(
            actor=s.user("focal_a"),
            program=s.program,
            organization=s.world.org_a,
            file=SimpleUploadedFile(name, data),
            name=name,
        )
    job.refresh_from_db()
    return job


def _activity_row(look, title="Tuyên truyền pháp luật", **over):
    row = {
        "key": ...,
        "content": look.contents.labels[0],
        "title": title,
        "start_date": datetime.date(2023, 4, 2),
        "end_date": datetime.date(2023, 4, 3),
        "locality": look.communes.labels[0],
        "funding_state": 2_000_000,
        "funding_own": None,
        "funding_mobilized": 500_000,
        "funding_other": None,
        "not_for_publication": "Không",
        "narrative": "Kết quả tốt",
        "co_organizations": None,
    }
    row.update(over)
    return [row[c.key] for c in workbook.ACTIVITY_COLUMNS if c.key != "status"]


def _sheet_rows(data: bytes, sheet: str) -> list[tuple]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    rows = [
        tuple(r)
        for r in wb[sheet].iter_rows(
            min_row=2, max_col=len(workbook.COLUMNS[sheet]), values_only=True
        )
        if any(v not in (None, "") for v in r[1:])
    ]
    wb.close()
    return rows


def test_template_lists_lookup_sheet_and_instructions(s, look):
    data = _template(s)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [A, P, V, workbook.INSTRUCTIONS, workbook.LOOKUP]
    lookup = wb[workbook.LOOKUP]
    assert lookup.sheet_state == "hidden"
    assert lookup.protection.sheet
    assert wb.security.lockStructure
    assert lookup["A2"].value == look.contents.labels[0]
    assert "Thị trấn Mai Châu" in [c.value for c in lookup["B"]]
    formulas = {
        str(dv.sqref)[0]: dv.formula1
        for dv in wb[A].data_validations.dataValidation
        if dv.type == "list"
    }
    assert formulas["B"].startswith("'Danh mục'!$A$2")  # contents
    assert formulas["F"].startswith("'Danh mục'!$B$2")  # communes
    assert any(dv.type == "list" for dv in wb[P].data_validations.dataValidation)
    assert any(dv.type == "list" for dv in wb[V].data_validations.dataValidation)
    guide = " ".join(str(c.value) for c in wb[workbook.INSTRUCTIONS]["A"] if c.value)
    assert "Mã dòng" not in guide or "mã" in guide.lower()
    assert s.program.title in guide
    # Blank rows come with their keys, so a re-upload updates them.
    assert len(keys_of(data, 5)) == 5
    assert all(keys_of(data, 5))


def test_round_trip_keeps_every_value(s, look, django_capture_on_commit_callbacks):
    template = _template(s)
    keys = keys_of(template, 2)
    group_cadres = look.groups.label_of[s.cadres.pk]
    group_people = look.groups.label_of[s.people.pk]
    sessions = look.indicators.label_of[s.sessions.pk]
    ratio = look.indicators.label_of[s.ratio.pk]
    filled = fill(
        template,
        {
            A: [
                _activity_row(look, "Hoạt động thứ nhất", narrative="Dòng 1\nDòng 2"),
                _activity_row(
                    look,
                    "Hoạt động thứ hai",
                    start_date="15/06/2023",
                    end_date="16/06/2023",
                    funding_state=None,
                    funding_other=123,
                    not_for_publication="Có",
                ),
            ],
            P: [
                [keys[0], group_cadres, 12],
                [keys[0], group_people, 300],
                [keys[1], group_people, 7],
            ],
            V: [
                [keys[0], sessions, 2, None],
                [keys[0], ratio, "45,5", 60],
                [keys[1], sessions, 1, None],
            ],
        },
    )
    job = _upload(s, filled, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, (job.message, job.errors)
    assert job.created_count == 2
    first = Activity.objects.get(uuid=keys[0])
    assert first.title == "Hoạt động thứ nhất"
    assert first.narrative == "Dòng 1\nDòng 2"
    assert {v.indicator_id: (v.value, v.denominator) for v in first.values.all()} == {
        s.sessions.pk: (Decimal(2), None),
        s.ratio.pk: (Decimal("45.50"), Decimal(60)),
    }
    second = Activity.objects.get(uuid=keys[1])
    assert second.not_for_publication
    assert second.start_date == datetime.date(2023, 6, 15)

    exported = _template(s)
    rows = {r[0]: r for r in _sheet_rows(exported, A)}
    assert rows[keys[0]][1:12] == (
        look.contents.labels[0],
        "Hoạt động thứ nhất",
        datetime.datetime(2023, 4, 2),  # noqa: DTZ001 - how openpyxl reads a date cell
        datetime.datetime(2023, 4, 3),  # noqa: DTZ001
        look.communes.labels[0],
        2_000_000,
        None,
        500_000,
        None,
        "Không",
        "Dòng 1\nDòng 2",
    )
    assert rows[keys[1]][6:11] == (None, None, 500_000, 123, "Có")
    assert sorted(_sheet_rows(exported, P)) == sorted(
        [(keys[0], group_cadres, 12), (keys[0], group_people, 300), (keys[1], group_people, 7)]
    )
    values = {(r[0], r[1]): (Decimal(str(r[2])), r[3]) for r in _sheet_rows(exported, V)}
    assert values[(keys[0], ratio)] == (Decimal("45.5"), 60)
    assert values[(keys[1], sessions)] == (Decimal(1), None)

    # The exported workbook, uploaded again unchanged, changes nothing; an edited row
    # updates its report instead of adding one.
    again = _upload(s, exported, django_capture_on_commit_callbacks)
    assert (again.status, again.created_count, again.unchanged_count) == ("done", 0, 2)
    edited = fill(exported, {A: [[..., ..., "Tên mới"]]})
    third = _upload(s, edited, django_capture_on_commit_callbacks)
    assert (third.created_count, third.updated_count) == (0, 1), third.errors
    assert Activity.objects.count() == 2
    assert Activity.objects.filter(title="Tên mới").count() == 1


def test_every_bad_cell_is_marked_and_nothing_changes(s, look, django_capture_on_commit_callbacks):
    factories.report(s)  # an existing report stays as it is
    template = _template(s)
    keys = keys_of(template, 9)[1:]  # row 2 holds the existing report
    rows = [
        _activity_row(look, "Sai kiểu", funding_state="nhiều tiền"),
        _activity_row(look, "Xã lạ", locality="Xã Không Có"),
        _activity_row(look, "Ngày không có", start_date="31/02/2023"),
        _activity_row(look, "Ngoài chương trình", start_date="05/01/2024", end_date="06/01/2024"),
        _activity_row(look, "Công thức", funding_own="=1+1"),
        _activity_row(look, "Ngược ngày", start_date="10/05/2023", end_date="01/05/2023"),
        _activity_row(look, "Đúng"),
    ]
    filled = fill(template, {A: rows}, start=3)
    # The existing report's parts fill rows 2-3 of the other sheets.
    filled = fill(
        filled,
        {
            P: [[keys[6], look.groups.label_of[s.cadres.pk], -4]],
            V: [[keys[6], look.indicators.label_of[s.ratio.pk], 5, None]],
        },
        start=4,
    )
    before = list(Activity.objects.values_list("pk", "version"))
    job = _upload(s, filled, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.REFUSED
    assert list(Activity.objects.values_list("pk", "version")) == before
    found = {(e["sheet"], e["row"], e["column"]) for e in job.errors}
    assert found == {
        (A, 3, "G"),
        (A, 4, "F"),
        (A, 5, "D"),
        (A, 6, "D"),
        (A, 6, "E"),
        (A, 7, "H"),
        (A, 8, "E"),
        (P, 4, "C"),
        (V, 4, "D"),
    }
    by_cell = {(e["sheet"], e["row"], e["column"]): e["message"] for e in job.errors}
    message = by_cell[(A, 5, "D")]
    assert "Hoạt động" in message
    assert "5" in message
    assert "31/02/2023" in message
    assert "lịch" in message  # "a date that exists in the calendar"
    assert "01/01/2023" in by_cell[(A, 6, "D")]
    assert "công thức" in by_cell[(A, 7, "H")]
    # The marked copy: each bad cell filled and commented; the rest untouched.
    marked = load_workbook(io.BytesIO(job.marked_file.read()))
    bad = marked[A]["D5"]
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "31/02/2023" in bad.comment.text
    assert marked[A]["C5"].comment is None
    assert marked[P]["C4"].comment is not None
    # The copy can be fixed and uploaded again: it keeps the lists and the keys.
    assert marked.sheetnames[-1] == workbook.LOOKUP
    assert marked[A]["A2"].value == str(Activity.objects.get().uuid)


def test_nfd_text_and_old_tone_marks_are_understood(s, look, django_capture_on_commit_callbacks):
    district = s.world.district
    unit(Scheme.PRE_2025, Level.COMMUNE, 5210, "Xã Hòa Bình", district).__class__.objects.filter(
        code=5210
    ).update(province=s.world.province)
    look = workbook.lookups(s.program, s.world.org_a)
    assert "Xã Hòa Bình" in look.communes.labels
    template = _template(s)
    keys = keys_of(template, 2)
    nfd_content = unicodedata.normalize("NFD", look.contents.labels[0])
    assert nfd_content != look.contents.labels[0]
    filled = fill(
        template,
        {
            A: [
                _activity_row(look, "Dạng NFD", content=nfd_content),
                _activity_row(look, "Hoà và Hòa", locality="Xã Hoà Bình"),
            ]
        },
    )
    job = _upload(s, filled, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.errors
    assert Activity.objects.get(uuid=keys[1]).locality.name == "Xã Hòa Bình"
    assert Activity.objects.get(uuid=keys[0]).content == s.content


def _xlsx_with(template: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("wrong_type", "không phải là tệp excel"),
        ("renamed", "đổi tên"),
        ("zip_bomb", "zip"),
        ("merged", "gộp"),
        ("hidden_row", "ẩn"),
        ("hidden_sheet", "ẩn"),
        ("renamed_sheet", "Hoạt động"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    s, look, django_capture_on_commit_callbacks, case, expected
):
    template = _template(s)
    row = _activity_row(look)
    filled = fill(template, {A: [row]})
    name = "bao-cao.xlsx"
    if case == "wrong_type":
        data, name = filled, "bao-cao.xls"
    elif case == "renamed":
        data = "Mã dòng,Nội dung\n1,2\n".encode()
    elif case == "zip_bomb":
        data = _zip_bomb()
    elif case == "merged":
        data = _xlsx_with(filled, lambda wb: wb[A].merge_cells("C2:D2"))
    elif case == "hidden_row":
        data = _xlsx_with(filled, lambda wb: setattr(wb[P].row_dimensions[3], "hidden", True))
    elif case == "hidden_sheet":
        data = _xlsx_with(filled, lambda wb: setattr(wb[V], "sheet_state", "hidden"))
    else:
        data = _xlsx_with(filled, lambda wb: setattr(wb[A], "title", "Trang 1"))
    try:
        job = _upload(s, data, django_capture_on_commit_callbacks, name=name)
    except Exception as exc:  # refused at once, before a job exists
        message = " ".join(exc.messages)
    else:
        assert job.status == ImportStatus.REFUSED
        message = job.message
    assert expected in message.lower() or expected in message
    assert not Activity.objects.exists()


def test_huge_file_is_refused(s, monkeypatch):
    monkeypatch.setattr(checks, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(Exception, match="MB") as info:
        services.import_job_create(
            actor=s.user("focal_a"),
            program=s.program,
            organization=s.world.org_a,
            file=SimpleUploadedFile("a.xlsx", _template(s)),
            name="a.xlsx",
        )
    assert "25" not in str(info.value)
    assert not ImportJob.objects.exists()


def test_interrupted_import_leaves_nothing_behind(
    s, look, monkeypatch, django_capture_on_commit_callbacks
):
    template = _template(s)
    filled = fill(template, {A: [_activity_row(look, f"Hoạt động {n}") for n in range(5)]})
    # New reports are written together (activities_create_many): the worker dies after
    # the reports and their parts are inserted, before their audit events.
    calls = {"n": 0}

    def crash(**kwargs):
        calls["n"] += 1
        raise RuntimeError("worker killed")

    monkeypatch.setattr(activity_services.audit, "record_many", crash)
    job = _upload(s, filled, django_capture_on_commit_callbacks)
    assert calls["n"] == 1
    assert job.status == ImportStatus.FAILED
    assert not Activity.all_objects.exists()
    assert "không có dòng nào" in job.message.lower() or "nothing" in job.message.lower()


def _rows_for_agreement(s, look):
    ok = _activity_row(look, "Đúng")
    return [
        ok,
        _activity_row(look, "Âm", funding_state=-5),
        _activity_row(look, "Ngoài", start_date="01/01/2022", end_date="01/01/2022"),
        _activity_row(look, "Ngược", start_date="03/03/2023", end_date="01/03/2023"),
        _activity_row(look, "x" * 301),
        _activity_row(look, "Cũng đúng", start_date="31/12/2023", end_date="31/12/2023"),
    ]


def test_batch_and_per_row_validation_agree(s, look):
    rows = [
        importing.Row(A, number, [str(uuid.uuid4()), *values[1:], None])
        for number, values in enumerate(_rows_for_agreement(s, look), start=2)
    ]
    batch = importing.validate(importing.Sheets({A: rows}), look)
    bad_rows = {e.row for e in batch.errors}
    for row in rows:
        single = importing.validate(importing.Sheets({A: [row]}), look)
        assert {(e.sheet, e.column, e.expected) for e in single.errors} == {
            (e.sheet, e.column, e.expected) for e in batch.errors if e.row == row.number
        }
        assert bool(single.errors) == (row.number in bad_rows)
    # And the services agree with the validator on each row's fate.
    assert bad_rows == {3, 4, 5, 6}
    for row in rows:
        report = importing._check_activity(row, look, importing._Errors())
        fields = {
            "title": row.get("title"),
            "start_date": importing.as_date(row.get("start_date")),
            "end_date": importing.as_date(row.get("end_date")),
        }
        try:
            amount = importing.as_whole(row.get("funding_state"), limit=importing.MAX_AMOUNT)
        except importing.Bad:
            amount = -5
        try:
            from django.db import transaction

            with transaction.atomic():
                activity_services.activity_create(
                    actor=s.user("focal_a"),
                    program=s.program,
                    content=s.content,
                    organization=s.world.org_a,
                    locality=s.world.commune,
                    funding={"state": amount},
                    **fields,
                )
                transaction.set_rollback(True)
            accepted = True
        except Exception:
            accepted = False
        assert accepted == (report is not None), row.get("title")


def test_pages_upload_progress_and_marked_copy(
    s, look, client_for, django_capture_on_commit_callbacks
):
    client = client_for("focal_a")
    page = client.get(reverse("exports:index"))
    assert page.status_code == 200
    assert (
        reverse("exports:template", args=[s.program.pk, s.world.org_a.pk]) in page.content.decode()
    )
    download = client.get(reverse("exports:template", args=[s.program.pk, s.world.org_a.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = fill(download.content, {A: [_activity_row(look, start_date="99/99/2023")]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:upload", args=[s.program.pk, s.world.org_a.pk]),
            {"file": SimpleUploadedFile("x.xlsx", bad)},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    status = client.get(reverse("exports:job_status", args=[job.pk]))
    assert "hx-trigger" not in status.content.decode()  # finished: no more polling
    assert "99/99/2023" in status.content.decode()
    marked = client.get(reverse("exports:job_marked", args=[job.pk]))
    assert marked.status_code == 200
    # Another focal point neither sees the job nor uploads for org A.
    other = client_for("focal_b")
    assert other.get(reverse("exports:job", args=[job.pk])).status_code == 404
    refused = other.post(
        reverse("exports:upload", args=[s.program.pk, s.world.org_a.pk]),
        {"file": SimpleUploadedFile("x.xlsx", bad)},
    )
    assert refused.status_code == 403
    wrong = client.post(
        reverse("exports:upload", args=[s.program.pk, s.world.org_a.pk]),
        {"file": SimpleUploadedFile("x.csv", b"a,b")},
    )
    assert wrong.status_code == 400
    assert ".xlsx" in wrong.content.decode()


def test_running_job_page_polls_with_a_progress_bar(s, client_for):
    job = ImportJob.objects.create(
        committee=s.world.committee,
        program=s.program,
        organization=s.world.org_a,
        created_by=s.user("focal_a"),
        original_name="a.xlsx",
        file="imports/a.xlsx",
        status=ImportStatus.IMPORTING,
        total_rows=1000,
    )
    services._set_progress(job.pk, 400, 1000, "writing")
    client = client_for("focal_a")
    with _runner_elsewhere(job.pk):
        html = client.get(reverse("exports:job", args=[job.pk])).content.decode()
        polled = client.get(reverse("exports:job_status", args=[job.pk])).content.decode()
        api = client.get(f"/api/import-jobs/{job.pk}/").json()
    # Writing is 45-100 % of the bar: 400 of 1,000 reports written is 67 %.
    for page in (html, polled):
        assert '<progress id="job-progress" max="100" value="67">' in page
        assert "Đang ghi báo cáo: 400 / 1.000 dòng" in " ".join(page.split())
    assert 'hx-trigger="every 1s"' in html
    assert (api["status"], api["phase"], api["done"], api["phase_total"], api["percent"]) == (
        ImportStatus.IMPORTING,
        "writing",
        400,
        1000,
        67,
    )
    assert api["finished"] is False


def test_the_bar_moves_forward_through_every_phase_of_an_import(
    s, look, django_capture_on_commit_callbacks, monkeypatch
):
    """What the page and the API read while the import runs: every phase moves the bar,
    and while writing it says as many reports as are written (in the open transaction)."""
    rows = 1_100  # more than two chunks of 500 in each phase
    wb = Workbook(write_only=True)
    sheets = {name: wb.create_sheet(name) for name in workbook.DATA_SHEETS}
    for sheet in sheets.values():
        sheet.append(["header"])
    wb.create_sheet(workbook.INSTRUCTIONS)
    for n in range(rows):
        key = str(uuid.uuid4())
        sheets[A].append(_activity_row(look, f"Hoạt động {n}", key=key))
        sheets[P].append([key, look.groups.labels[0], n % 50 + 1])
    out = io.BytesIO()
    wb.save(out)

    seen: list[tuple[str, int, int, int, int]] = []
    real = services._set_progress

    def watching(job_id, done, total, phase="writing", percent=None):
        real(job_id, done, total, phase, percent)
        running = ImportJob(pk=job_id, status=ImportStatus.IMPORTING)
        shown = services.progress(running)  # as the page and the API read it
        written = Activity.objects.filter(program=s.program).count()
        seen.append((shown.phase, shown.done, shown.total, shown.percent, written))

    monkeypatch.setattr(services, "_set_progress", watching)
    job = _upload(s, out.getvalue(), django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.message
    assert job.message.startswith("Đã thêm 1.100 báo cáo")  # grouped as Vietnamese writes it
    percents = [p for _phase, _d, _t, p, _w in seen]
    assert percents == sorted(percents)  # never back
    assert percents[0] == 0
    phases = [phase for phase, *_rest in seen]
    assert phases == sorted(phases, key=["reading", "checking", "writing"].index)
    for phase, (low, high) in services.PHASES.items():
        inside = [p for ph, _d, _t, p, _w in seen if ph == phase and low < p < high]
        assert len(inside) >= 2, (phase, seen)  # moves within the phase, not only at its ends
    # 2,200 data rows and 3 headers; the sheets' dimensions announced them all.
    assert ("reading", 1000, rows * 2 + 3) in [(ph, d, t) for ph, d, t, _p, _w in seen]
    writing = [(d, w) for ph, d, t, _p, w in seen if ph == "writing" and 0 < d < t]
    assert writing == [(500, 500), (1000, 1000)]
    assert all(0 < p < 100 for ph, d, t, p, _w in seen if ph == "writing" and 0 < d < t)
    # Finished: the bar is full and its file is gone.
    assert services.progress(job) == services.Progress("finished", rows, rows, 100)
    assert not services._progress_path(job.pk).exists()


@contextlib.contextmanager
def _runner_elsewhere(job_id: int):
    """Another process's hold on the import lock of `job_id`, as a live worker has: a
    second database session on PostgreSQL, a second open file on SQLite."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", [services.LOCK_NAMESPACE, job_id])
            yield
        return
    path = services._lock_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _running_job(s, status=ImportStatus.IMPORTING) -> ImportJob:
    return ImportJob.objects.create(
        committee=s.world.committee,
        program=s.program,
        organization=s.world.org_a,
        created_by=s.user("focal_a"),
        original_name="a.xlsx",
        file="imports/a.xlsx",
        status=status,
        total_rows=10,
    )


@pytest.mark.parametrize("status", [ImportStatus.CHECKING, ImportStatus.IMPORTING])
def test_a_job_whose_process_died_is_shown_failed(s, client_for, status):
    job = _running_job(s, status)
    services._set_progress(job.pk, 4, 10)
    with _runner_elsewhere(job.pk):  # alive: the page shows it running
        html = client_for("focal_a").get(reverse("exports:job", args=[job.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in html
        job.refresh_from_db()
        assert job.status == status
    # The process is gone (its lock with it): the next look says so, and only once.
    html = client_for("focal_a").get(reverse("exports:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.finished_at is not None
    assert "bị gián đoạn" in html
    assert 'hx-trigger="every 1s"' not in html
    assert not services._progress_path(job.pk).exists()
    finished = job.finished_at
    assert services.job_refresh(job).finished_at == finished


def test_a_queued_or_finished_job_is_never_marked_interrupted(s):
    queued = _running_job(s, ImportStatus.QUEUED)
    done = _running_job(s, ImportStatus.DONE)
    assert services.job_refresh(queued).status == ImportStatus.QUEUED
    assert services.job_refresh(done).status == ImportStatus.DONE


def test_the_import_holds_its_lock_while_it_runs(
    s, look, django_capture_on_commit_callbacks, monkeypatch
):
    """While import_run works, the job is not taken for dead; afterwards the lock is free."""
    seen: list[bool] = []
    real = services._run

    def spying(job):
        seen.append(_lock_free_elsewhere(job.pk))
        return real(job)

    monkeypatch.setattr(services, "_run", spying)
    job = _upload(s, _template(s), django_capture_on_commit_callbacks)
    assert seen == [False]
    assert job.status in (ImportStatus.DONE, ImportStatus.REFUSED)
    assert _lock_free_elsewhere(job.pk)


def _lock_free_elsewhere(job_id: int) -> bool:
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as other:
            row = other.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", [services.LOCK_NAMESPACE, job_id]
            ).fetchone()
            return bool(row and row[0])
    path = services._lock_path(job_id)
    if not path.exists():
        return True
    with path.open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


# -- co-organizers, formulas, updates in bulk ------------------------------------------------

FORMULA = '=HYPERLINK("http://x","y")'


def test_co_organizers_are_imported_exported_and_kept(s, look, django_capture_on_commit_callbacks):
    from phoihop.activities.models import Credit

    org_b = look.organizations.label_of[s.world.org_b.pk]
    assert s.world.org_a.pk not in look.organizations.label_of  # the reporter itself is not listed
    assert s.world.other_org.pk not in look.organizations.label_of  # another committee's
    template = _template(s)
    lookup = load_workbook(io.BytesIO(template))[workbook.LOOKUP]
    assert org_b in [c.value for c in lookup["F"]]
    keys = keys_of(template, 3)
    filled = fill(
        template,
        {
            A: [
                _activity_row(look, "Có phối hợp", co_organizations=org_b),
                _activity_row(look, "Tự làm"),
                _activity_row(look, "Đơn vị lạ", co_organizations=f"{org_b}; Đơn vị Không Có"),
            ]
        },
    )
    refused = _upload(s, filled, django_capture_on_commit_callbacks)
    assert refused.status == ImportStatus.REFUSED
    (error,) = refused.errors
    assert (error["row"], error["column"]) == (4, "M")
    assert "Đơn vị Không Có" in error["message"]

    filled = fill(
        filled, {A: [[..., ..., ..., ..., ..., ..., ..., ..., ..., ..., ..., ..., ""]]}, start=4
    )
    job = _upload(s, filled, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.errors
    shared = Activity.objects.get(uuid=keys[0])
    credited = {c.organization_id: c.confirmed_at for c in Credit.objects.filter(activity=shared)}
    assert set(credited) == {s.world.org_a.pk, s.world.org_b.pk}
    assert credited[s.world.org_b.pk] is None  # the co-organizer confirms its own credit
    exported = _template(s)
    rows = {r[0]: r for r in _sheet_rows(exported, A)}
    assert rows[keys[0]][12] == org_b
    assert rows[keys[1]][12] is None
    # Uploaded again as it is: nothing changes; with the cell emptied, the credit goes.
    again = _upload(s, exported, django_capture_on_commit_callbacks)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    cleared = fill(exported, {A: [[*[...] * 12, ""]]})
    third = _upload(s, cleared, django_capture_on_commit_callbacks)
    assert third.updated_count == 1, third.errors
    assert set(
        Credit.objects.filter(activity=shared).values_list("organization_id", flat=True)
    ) == {s.world.org_a.pk}


def test_text_typed_as_a_formula_stays_text_in_the_template_and_the_marked_copy(
    s, look, django_capture_on_commit_callbacks
):
    factories.report(s, title=FORMULA, narrative="+1 người")
    template = _template(s)
    wb = load_workbook(io.BytesIO(template))
    title, narrative = wb[A]["C2"], wb[A]["L2"]
    assert (title.value, title.data_type) == (FORMULA, "s")
    assert (narrative.value, narrative.data_type) == ("+1 người", "s")
    # A formula typed into the sheet is refused and comes back as text, not run.
    filled = fill(template, {A: [_activity_row(look, "Có công thức", narrative=FORMULA)]}, start=3)
    job = _upload(s, filled, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.REFUSED
    marked = load_workbook(io.BytesIO(job.marked_file.read()))
    cell = marked[A]["L3"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    assert cell.comment is not None
    assert marked[A]["C2"].data_type == "s"
    assert not [
        c for ws in marked.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"
    ]


def test_a_re_upload_updates_many_reports_and_keeps_figures_and_search_right(
    s, look, django_capture_on_commit_callbacks
):
    from phoihop.core.models import AuditEvent
    from phoihop.figures import rollups
    from phoihop.search.models import SearchEntry

    factories.approved(s, title="Đã duyệt")  # counted in the figures; left as it is
    template = _template(s)
    filled = fill(
        template,
        {A: [_activity_row(look, f"Hoạt động {n}") for n in range(6)]},
        start=3,
    )
    assert _upload(s, filled, django_capture_on_commit_callbacks).created_count == 6
    exported = _template(s)
    edited = fill(exported, {A: [[..., ..., f"Đổi tên số {n}"] for n in range(4)]}, start=3)
    job = _upload(s, edited, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.updated_count, job.unchanged_count, job.created_count) == (4, 3, 0)
    assert Activity.objects.filter(title__startswith="Đổi tên số").count() == 4
    assert AuditEvent.objects.filter(action="update", content_type__model="activity").count() == 4
    assert all(a.version == 2 for a in Activity.objects.filter(title__startswith="Đổi tên số"))
    assert not any(rollups.verify([s.program.pk]).values())  # `phoihop figures verify` is clean
    entries = SearchEntry.objects.filter(kind="activity", title__startswith="Đổi tên số")
    assert entries.count() == 4  # the search index follows the bulk writes


def test_rows_are_checked_before_the_write_transaction_opens(
    s, look, django_capture_on_commit_callbacks
):
    """On SQLite the write transaction holds the database's only write lock: it must
    hold no reading of lookups and no per-row checking, only the writes."""
    from django.db import connection

    factories.report(s, title="Đã có")
    template = _template(s)
    rows = [_activity_row(look, f"Hoạt động {n}") for n in range(30)]
    filled = fill(fill(template, {A: [[..., ..., "Đã sửa"]]}), {A: rows}, start=3)
    seen: list[tuple[int, str]] = []

    def spy(execute, sql, params, many, context):
        # PostgreSQL writes new reports by COPY (not seen here) after taking their ids
        # from the table's sequence (seen, the table named in the parameters).
        said = sql
        if "nextval(pg_get_serial_sequence" in sql and params[0] == '"activities_activity"':
            said = 'INSERT INTO "activities_activity" (by COPY)'
        seen.append((len(connection.atomic_blocks), said))
        return execute(sql, params, many, context)

    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_create(
            actor=s.user("focal_a"),
            program=s.program,
            organization=s.world.org_a,
            file=SimpleUploadedFile("bao-cao.xlsx", filled),
            name="bao-cao.xlsx",
        )
    outside = len(connection.atomic_blocks)
    with connection.execute_wrapper(spy):
        job = services.import_run(job_id=job.pk)
    assert (job.status, job.created_count, job.updated_count) == ("done", 30, 1), job.errors
    inside = [sql for depth, sql in seen if depth > outside]
    assert any(sql.startswith('INSERT INTO "activities_activity"') for sql in inside)
    lookups = [
        f'FROM "{table}"'
        for table in (
            "programs_indicator",
            "programs_targetgroup",
            "programs_programcontent",
            "programs_programcontent_target_groups",
            "geo_adminunit",
            "orgs_organization",
        )
    ]
    assert not [sql for sql in inside if any(t in sql for t in lookups)]
    # A few statements for all the rows, none per row (the search index, above this
    # app, still writes its entries one by one).
    ours = [sql for sql in inside if "search_searchentry" not in sql]
    assert sum(sql.startswith('INSERT INTO "activities_activity"') for sql in ours) == 1
    assert len(ours) < 40
    assert max(Counter(ours).values()) <= 3  # no statement repeated for each row


def test_a_workbook_from_before_the_co_organizers_column_still_imports(
    s, look, django_capture_on_commit_callbacks
):
    # Written as the earlier layout was: the status (for information) in column M.
    template = _template(s)
    wb = load_workbook(io.BytesIO(template))
    ws = wb[A]
    ws.delete_cols(workbook.column_index(A, "co_organizations"))
    assert ws["M1"].value == str(workbook.ACTIVITY_COLUMNS[-1].header)
    for number, title in enumerate(["Mẫu cũ một", "Mẫu cũ hai"], start=2):
        for column, value in enumerate(_activity_row(look, title)[1:12], start=2):
            ws.cell(row=number, column=column, value=value)
        ws.cell(row=number, column=13, value="Nháp")
    out = io.BytesIO()
    wb.save(out)
    job = _upload(s, out.getvalue(), django_capture_on_commit_callbacks)
    assert (job.status, job.created_count) == ("done", 2), job.errors


# -- the two readers ----------------------------------------------------------------------------


def test_calamine_reads_every_kind_of_cell_as_openpyxl_does(s, look):
    """calamine reads workbooks without formulas; it must give the checks the very values
    openpyxl gives, whatever a person typed or pasted."""
    odd = [
        _activity_row(look, "Số nguyên", funding_state=5, funding_own=0, funding_other=12.5),
        _activity_row(look, "Số lớn", funding_state=1e20, funding_own=10**14, funding_other=-3),
        _activity_row(
            look,
            "Ngày giờ",
            start_date=datetime.datetime(2023, 4, 2, 10, 30),  # noqa: DTZ001 - as Excel stores it
            end_date="03/04/2023",
            funding_state="1.500.000",
        ),
        _activity_row(look, 12345, narrative="  hai dòng\nthứ hai  ", not_for_publication=True),
        _activity_row(look, "", narrative=datetime.time(10, 30), not_for_publication="x"),
        _activity_row(look, " khoảng trắng ", start_date=45000, end_date=45001.5),
    ]
    data = fill(
        _template(s),
        {
            A: odd,
            P: [[..., look.groups.labels[0], 3.0], [None, None, None], [..., "?", "7"]],
            V: [[..., "x", 1.25, 4], [..., None, "", None]],
        },
    )
    stream = io.BytesIO(data)
    assert importing._calamine_source(stream) is not None  # calamine reads this one
    by_calamine = importing.read_rows(stream)
    by_openpyxl = importing.read_rows_openpyxl(stream)
    for name in workbook.DATA_SHEETS:
        calamine_rows = [(r.number, r.values) for r in by_calamine.rows[name]]
        openpyxl_rows = [(r.number, r.values) for r in by_openpyxl.rows[name]]
        assert calamine_rows == openpyxl_rows, name
        for mine, theirs in zip(by_calamine.rows[name], by_openpyxl.rows[name], strict=True):
            assert [type(v) for v in mine.values] == [type(v) for v in theirs.values], mine
    assert len(by_calamine.rows[A]) >= len(odd)
    # And so the same problems, worded the same.
    first = importing.validate(by_calamine, look).errors
    assert first
    assert first == importing.validate(by_openpyxl, look).errors


@pytest.mark.parametrize("cell", [FORMULA, "=1+1", "#N/A"])
def test_formulas_and_error_cells_are_read_by_openpyxl(s, look, cell):
    data = fill(_template(s), {A: [_activity_row(look, funding_own=cell)]})
    if cell == "#N/A":  # an error value pasted as such, not a formula
        wb = load_workbook(io.BytesIO(data))
        wb[A]["H2"].data_type = "e"
        out = io.BytesIO()
        wb.save(out)
        data = out.getvalue()
    stream = io.BytesIO(data)
    assert importing._calamine_source(stream) is None
    (row, *_blank_rows) = importing.read_rows(stream).rows[A]
    assert row.get("funding_own") == cell
