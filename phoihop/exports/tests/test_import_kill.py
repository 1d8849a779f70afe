"""Faults during an Excel import, on real processes over loopback (PostgreSQL leg).

The import is driven the way a focal point drives it: sign in, download the template of
the program, fill it (a few thousand reports, each with its participants), upload it,
and the task worker (django_tasks_db's `db_worker`, as `phoihop serve` starts it) runs
the job. Then, while the job is importing:

- the worker is killed with SIGKILL;
- separately, the web server (the whole gunicorn process group) is killed with SIGKILL
  while it runs the import itself (a deployment without a worker: the immediate
  backend runs the job inside the upload's request).

Either way no report of the workbook is stored, and the same workbook uploaded again
imports completely, each report exactly once.

To make sure the kill lands inside the import's transaction however fast the import
becomes, the test holds a SHARE lock on the participants' table (reads go on, writes
wait) before the upload; it kills only when the job says "importing" and the importing
database session has already written in its transaction (it has a transaction id) and
waits for that lock. Then it lets the lock go.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from phoihop.activities.models import Activity, Participation
from phoihop.activities.tests import factories
from phoihop.core.testing.world import PASSWORD
from phoihop.core.tests.test_load import SECRET, Http, _database_url, _free_port
from phoihop.exports.models import ImportJob, ImportStatus

ROOT = Path(__file__).resolve().parents[3]
ROWS = int(os.environ.get("PHOIHOP_KILL_ROWS", "2000"))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def s(world) -> factories.Setup:
    if connection.vendor != "postgresql":
        pytest.skip("real servers and the worker share the PostgreSQL database")
    return factories.setup(world)


# -- processes -----------------------------------------------------------------------------


@dataclass
class Proc:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL to the whole process group (gunicorn's master and its workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _env(var_dir: Path, tasks: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "phoihop.config.settings.test",
        "PHOIHOP_TEST_DATABASE_URL": _database_url(),
        "PHOIHOP_TEST_TASKS": tasks,
        "PHOIHOP_VAR_DIR": str(var_dir),
        "SECRET_KEY": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DEBUG", None)
    return env


def _spawn(command: list[str], env: dict[str, str], log: Path) -> Proc:
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Proc(process, log)


@contextlib.contextmanager
def _running(proc: Proc) -> Iterator[Proc]:
    try:
        yield proc
    finally:
        proc.stop()


def web_server(var_dir: Path, tasks: str, port: int) -> Proc:
    binary = Path(sys.executable).with_name("gunicorn")
    proc = _spawn(
        [
            str(binary),
            "phoihop.config.wsgi:application",
            *("--bind", f"127.0.0.1:{port}"),
            *("--workers", "2"),
            *("--timeout", "300"),
            "--no-control-socket",
        ],
        _env(var_dir, tasks),
        var_dir / f"gunicorn-{port}.log",
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {proc.log.read_text()}")
        with contextlib.suppress(OSError):
            if Http(base).get("/healthz").status == 200:
                return proc
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("gunicorn did not answer /healthz in 90 s")
        time.sleep(0.3)


def task_worker(var_dir: Path) -> Proc:
    """The worker as `phoihop serve` starts it."""
    return _spawn(
        [sys.executable, "-m", "phoihop.manage", "db_worker", "--interval", "0.2"],
        _env(var_dir, "database"),
        var_dir / "worker.log",
    )


# -- the workbook, through the public flow ---------------------------------------------------


def _signed_in(base: str) -> Http:
    http = Http(base)
    reply = http.sign_in("focal_a", PASSWORD)
    assert reply.status == 302, reply.text[:500]
    return http


def _filled_template(http: Http, s: factories.Setup, rows: int) -> bytes:
    """The template the page offers, filled with `rows` new reports (one participants
    row each), as a focal point fills it."""
    reply = http.get(reverse("exports:template", args=[s.program.pk, s.world.org_a.pk]))
    assert reply.status == 200, reply.text[:500]
    book = load_workbook(io.BytesIO(reply.body))
    hidden = next(ws for ws in book.worksheets if ws.sheet_state == "hidden")
    content, commune, group = (hidden.cell(row=2, column=c).value for c in (1, 2, 3))
    assert all((content, commune, group))
    activities, participants = book.worksheets[0], book.worksheets[1]
    day = max(s.program.period_start, datetime.date(s.program.year, 1, 1))
    for n in range(rows):
        key = str(uuid.uuid4())
        when = day + datetime.timedelta(days=n % 28)
        values = [key, content, f"Hoạt động số {n}", when, when, commune, 1000 * n]
        values += [None, None, None, "Không", f"Kết quả {n}"]
        for column, value in enumerate(values, start=1):
            activities.cell(row=n + 2, column=column, value=value)
        for column, value in enumerate([key, group, 1 + n % 50], start=1):
            participants.cell(row=n + 2, column=column, value=value)
    for row in range(rows + 2, activities.max_row + 1):  # the template's unused blank rows
        activities.cell(row=row, column=1, value=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(http: Http, s: factories.Setup, data: bytes):
    return http.post_form(
        reverse("exports:upload", args=[s.program.pk, s.world.org_a.pk]),
        {},
        files={"file": ("bao-cao-lon.xlsx", data, XLSX)},
    )


def _job_from(reply) -> int:
    assert reply.status == 302, reply.text[:800]
    found = re.search(r"/jobs/(\d+)/", reply.headers.get("Location", ""))
    assert found, reply.headers
    return int(found.group(1))


def _imported(s: factories.Setup) -> int:
    return Activity.objects.filter(program=s.program, organization=s.world.org_a).count()


def _wait_finished(job_id: int, seconds: float = 600) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} not finished in {seconds} s: {job.status}")


def _assert_page_says_interrupted(http: Http, job_id: int) -> None:
    """The job's page, asked after its process died, says so and marks the job failed."""
    reply = http.get(reverse("exports:job", args=[job_id]))
    assert reply.status == 200, reply.text[:500]
    assert "bị gián đoạn" in reply.text, reply.text[:2000]
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportStatus.FAILED
    assert job.finished_at is not None


def _assert_imported_once(s: factories.Setup, job_id: int, rows: int) -> None:
    job = _wait_finished(job_id)
    assert job.status == ImportStatus.DONE, (job.message, job.errors[:3])
    assert job.created_count == rows
    assert _imported(s) == rows
    titles = Activity.objects.filter(program=s.program, organization=s.world.org_a)
    assert titles.values("title").distinct().count() == rows  # none twice
    assert Participation.objects.filter(activity__program=s.program).count() == rows


# -- the lock that holds the import inside its transaction -----------------------------------


@contextlib.contextmanager
def _writes_held() -> Iterator[psycopg.Connection]:
    """Another session holding a SHARE lock on the participants' table: the import reads
    on and waits at its first write there, its transaction open."""
    conn = psycopg.connect(_database_url())
    try:
        conn.execute(f'LOCK TABLE "{Participation._meta.db_table}" IN SHARE MODE')
        yield conn
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        conn.close()


def _importing_session(job_id: int, seconds: float = 300) -> int:
    """The pid of the database session importing job `job_id` once it has written inside
    its open transaction and waits for the held lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        assert status not in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED), (
            status,
            ImportJob.objects.get(pk=job_id).message,
        )
        if status == ImportStatus.IMPORTING:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL "
                    "AND pid <> pg_backend_pid()"
                )
                found = cursor.fetchall()
            if found:
                return int(found[0][0])
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached its writes in {seconds} s")


def _wait_session_gone(pid: int, seconds: float = 60) -> None:
    """The dead client's session rolls back and ends once it finds its client gone."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() is None:
                return
        time.sleep(0.2)
    raise AssertionError(f"the killed importer's session {pid} is still there")


def _first_job_after(before: set[int], seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = set(ImportJob.objects.values_list("pk", flat=True)) - before
        if found:
            return max(found)
        time.sleep(0.05)
    raise AssertionError("the upload made no job")


# -- the tests -------------------------------------------------------------------------------


def test_worker_killed_mid_import_leaves_nothing_and_the_import_runs_again(s, tmp_path):
    port = _free_port()
    with _running(web_server(tmp_path, "database", port)) as web:
        base = f"http://127.0.0.1:{port}"
        http = _signed_in(base)
        data = _filled_template(http, s, ROWS)
        worker = task_worker(tmp_path)
        try:
            with _writes_held():
                job_id = _job_from(_upload(http, s, data))
                session = _importing_session(job_id)
                worker.kill()
                assert worker.process.returncode == -signal.SIGKILL
            _wait_session_gone(session)
        finally:
            worker.stop()
        job = ImportJob.objects.get(pk=job_id)
        assert job.status == ImportStatus.IMPORTING  # its worker died with it
        assert _imported(s) == 0
        assert not Participation.objects.filter(activity__program=s.program).exists()
        _assert_page_says_interrupted(http, job_id)

        with _running(task_worker(tmp_path)):
            again = _job_from(_upload(http, s, data))
            _assert_imported_once(s, again, ROWS)
        assert web.process.poll() is None


def test_web_server_killed_mid_import_leaves_nothing_and_the_import_runs_again(s, tmp_path):
    """No worker: the immediate backend runs the import inside the upload's request, so
    the web server is the process importing when it is killed."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    web = web_server(tmp_path, "immediate", port)
    try:
        http = _signed_in(base)
        data = _filled_template(http, s, ROWS)
        before = set(ImportJob.objects.values_list("pk", flat=True))
        outcome: list[object] = []

        def send() -> None:
            try:
                outcome.append(_upload(http, s, data))
            except OSError as exc:  # the server died under the request
                outcome.append(exc)

        with _writes_held():
            sender = threading.Thread(target=send, daemon=True)
            sender.start()
            job_id = _first_job_after(before)
            session = _importing_session(job_id)
            web.kill()
            sender.join(timeout=60)
        _wait_session_gone(session)
        assert len(outcome) == 1
        assert isinstance(outcome[0], OSError), outcome
        assert ImportJob.objects.get(pk=job_id).status == ImportStatus.IMPORTING
        assert _imported(s) == 0
        assert not Participation.objects.filter(activity__program=s.program).exists()
    finally:
        web.stop()

    port = _free_port()
    with _running(web_server(tmp_path, "immediate", port)):
        http = _signed_in(f"http://127.0.0.1:{port}")
        _assert_page_says_interrupted(http, job_id)
        again = _job_from(_upload(http, s, data))
        _assert_imported_once(s, again, ROWS)


def _half_sent_upload(http: Http, s: factories.Setup, data: bytes) -> socket.socket:
    """An upload whose request body is only half sent: the web server is reading it."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{http.cookies.get('csrftoken', '')}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="bao-cao-lon.xlsx"\r\nContent-Type: {XLSX}\r\n\r\n'
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    parsed = urllib.parse.urlsplit(http.base)
    path = reverse("exports:upload", args=[s.program.pk, s.world.org_a.pk])
    cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\n"
        f"Cookie: {cookies}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock = socket.create_connection((parsed.hostname, parsed.port), timeout=30)
    sock.sendall(request + body[: len(body) // 2])
    return sock


def test_web_server_killed_mid_upload_and_mid_import_loses_nothing(s, tmp_path):
    """The production layout (gunicorn and the worker): the web server killed while it
    reads an upload stores no job and no file; killed while the worker imports, the
    import finishes whole; uploaded again, every report is there once, unchanged."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    media = tmp_path / "test-media"
    with _running(task_worker(tmp_path)) as worker:
        web = web_server(tmp_path, "database", port)
        try:
            http = _signed_in(base)
            data = _filled_template(http, s, ROWS)
            before = set(ImportJob.objects.values_list("pk", flat=True))
            sock = _half_sent_upload(http, s, data)
            time.sleep(1)  # the web server is waiting for the rest of the body
            web.kill()
            sock.close()
            assert set(ImportJob.objects.values_list("pk", flat=True)) == before
            assert list(media.rglob("*.xlsx")) == []
            assert _imported(s) == 0

            web = web_server(tmp_path, "database", port)
            http = _signed_in(base)
            with _writes_held():
                job_id = _job_from(_upload(http, s, data))
                _importing_session(job_id)
                web.kill()
            assert worker.process.poll() is None
        finally:
            web.stop()
        _assert_imported_once(s, job_id, ROWS)

        with _running(web_server(tmp_path, "database", port)):
            http = _signed_in(base)
            again = _wait_finished(_job_from(_upload(http, s, data)))
        assert again.status == ImportStatus.DONE, again.message
        assert (again.created_count, again.unchanged_count) == (0, ROWS)
        assert _imported(s) == ROWS
