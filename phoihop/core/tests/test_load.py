"""Load and faults on real servers over loopback (PostgreSQL leg), and a locked SQLite.

- 50 focal points create and submit reports through the API of a real gunicorn for a
  bounded time (PHOIHOP_LOAD_SECONDS, 60 by default): no errors, every submitted
  report is there afterwards, none twice (retries with the same uuid included).
- Two app servers on one PostgreSQL, sharing SECRET_KEY and the media folder (as a
  national deployment shares S3): a session started on one works on the other; the
  sign-in lockout counted on both; a photo uploaded on one is there for the other.
- A write lock held by another connection on SQLite gives the Vietnamese 503 page.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from phoihop.core.testing.world import PASSWORD

ROOT = Path(__file__).resolve().parents[3]
SECRET = "load-test-secret-" + "s3cr3t" * 8


def _database_url() -> str:
    conf = connection.settings_dict
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{conf.get('USER') or ''}{password}@{host}:{port}/{conf['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(var_dir: Path, *, workers: int = 2, threads: int = 1) -> Iterator[str]:
    """A real gunicorn on a free loopback port, on this test's PostgreSQL database."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "phoihop.config.settings.test",
        "PHOIHOP_TEST_DATABASE_URL": _database_url(),
        "PHOIHOP_VAR_DIR": str(var_dir),
        "SECRET_KEY": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DEBUG", None)
    binary = Path(sys.executable).with_name("gunicorn")
    log = (var_dir / f"gunicorn-{port}.log").open("wb")
    process = subprocess.Popen(
        [
            str(binary),
            "phoihop.config.wsgi:application",
            *("--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers)),
            *("--threads", str(threads)),
            *("--timeout", "120"),
            "--no-control-socket",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(var_dir / log.name).read_text()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if Http(base).get("/healthz").status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz in 90 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Http:
    """A tiny HTTP client with its own cookies (the standard library only)."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Reply:
        parsed = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
        all_headers = {**self.headers, **headers}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            for key, value in response.getheaders():
                if key.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Reply(response.status, dict(response.getheaders()), data)
        finally:
            conn.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_json(self, path: str, payload: dict) -> Reply:
        return self.request(
            "POST", path, json.dumps(payload).encode(), **{"Content-Type": "application/json"}
        )

    def post_form(self, path: str, fields: dict[str, str], files: dict | None = None) -> Reply:
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        boundary = uuid.uuid4().hex
        out = io.BytesIO()
        for name, value in fields.items():
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            )
            out.write(f"{value}\r\n".encode())
        for name, (filename, content, kind) in (files or {}).items():
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
            )
            out.write(content + b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            out.getvalue(),
            **{"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def sign_in(self, username: str, password: str) -> Reply:
        self.get(reverse("login"))
        return self.post_form(reverse("login"), {"username": username, "password": password})


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real servers share the PostgreSQL database; the SQLite one is in memory")


# -- 50 focal points at once ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fifty_focal_points_submitting_at_once(world, tmp_path):
    _postgresql_only()
    from rest_framework.authtoken.models import Token

    from phoihop.activities.choices import ActivityStatus
    from phoihop.activities.models import Activity
    from phoihop.activities.tests import factories
    from phoihop.orgs import services as org_services
    from phoihop.orgs.choices import Role

    s = factories.setup(world)
    root = world.user("admin")
    tokens = []
    for i in range(50):
        user = org_services.user_create(
            actor=root,
            username=f"dau-moi-{i:02d}",
            password=PASSWORD,
            must_change_password=False,
            role=Role.FOCAL,
            committee=world.committee,
            organization=world.org_a,
        )
        tokens.append(Token.objects.create(user=user).key)

    seconds = float(os.environ.get("PHOIHOP_LOAD_SECONDS", "60"))
    submitted: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def payload(number: int) -> dict:
        return {
            "uuid": str(uuid.uuid4()),
            "program": s.program.pk,
            "content": s.content.pk,
            "organization": world.org_a.pk,
            "title": f"Tuyên truyền pháp luật lần {number}",
            "start_date": "2023-03-27",
            "end_date": "2023-03-27",
            "locality": world.commune.pk,
            "participants": [{"target_group": s.cadres.pk, "count": 12}],
            "values": [{"indicator": s.sessions.pk, "value": "1"}],
        }

    def focal_point(token: str, stop_at: float) -> None:
        client = Http(base, headers={"Authorization": f"Token {token}"})
        number = 0
        while time.monotonic() < stop_at:
            number += 1
            data = payload(number)
            try:
                created = client.post_json("/api/activities/", data)
                if created.status != 201:
                    raise AssertionError(f"create {created.status}: {created.text[:300]}")
                body = created.json()
                if number % 5 == 0:  # a retry after a lost answer: the same report back
                    again = client.post_json("/api/activities/", data)
                    if again.status not in (200, 201) or again.json()["id"] != body["id"]:
                        raise AssertionError(f"retry {again.status}: {again.text[:300]}")
                done = client.post_json(
                    f"/api/activities/{body['id']}/submit/",
                    {"expected_version": body["version"]},
                )
                if done.status != 200:
                    raise AssertionError(f"submit {done.status}: {done.text[:300]}")
                with lock:
                    submitted.append(data["uuid"])
            except Exception as exc:
                with lock:
                    errors.append(repr(exc))
                return

    with gunicorn(tmp_path, workers=4) as base:
        started = time.monotonic()
        stop_at = started + seconds
        workers = [threading.Thread(target=focal_point, args=(t, stop_at)) for t in tokens]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=seconds + 300)
        elapsed = time.monotonic() - started

    assert errors == [], errors[:5]
    assert not any(w.is_alive() for w in workers)
    assert len(submitted) >= 50
    assert len(set(submitted)) == len(submitted)
    stored = Activity.objects.filter(uuid__in=submitted)
    assert stored.count() == len(submitted)
    assert set(stored.values_list("status", flat=True)) == {ActivityStatus.SUBMITTED}
    # Nothing beyond what was sent: no half-made or doubled reports.
    assert Activity.all_objects.filter(program=s.program).count() == len(submitted)
    print(  # noqa: T201 - the measurement, for the CI log
        f"\nload: {len(submitted)} reports created and submitted by 50 focal points "
        f"in {elapsed:.1f} s ({len(submitted) * 2 / elapsed:.1f} writes/s)"
    )


# -- two app servers on one database ---------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_app_servers_share_sessions_lockouts_and_uploads(world, tmp_path):
    _postgresql_only()
    from phoihop.news import services as news_services
    from phoihop.news.models import ArticleImage

    article = news_services.article_create(
        actor=world.user("editor"), committee=world.committee, title="Hội nghị sơ kết"
    )
    with gunicorn(tmp_path, workers=2) as one, gunicorn(tmp_path, workers=2) as two:
        # A session started on one server works on the other.
        editor = Http(one)
        # (The password page: signed in → 200, anonymous → the sign-in page.)
        signed_in_page = reverse("password_change")
        assert editor.sign_in("editor", PASSWORD).status == 302
        assert editor.get(signed_in_page).status == 200
        editor.base = two
        assert editor.get(signed_in_page).status == 200
        anonymous = Http(two).get(signed_in_page)
        assert anonymous.status == 302
        assert anonymous.headers["Location"].startswith(reverse("login"))

        # A photo uploaded through one is there for the other.
        editor.base = one
        added = editor.post_form(
            reverse("news:manage_image_add", kwargs={"pk": article.pk}),
            {"alt_text": "Đại biểu dự hội nghị", "caption": ""},
            files={"image": ("hoi-nghi.png", _png(), "image/png")},
        )
        assert added.status == 302, added.text[:500]
        image = ArticleImage.objects.get(article=article)
        editor.base = two
        page = editor.get(reverse("news:manage_edit", kwargs={"pk": article.pk})).text
        assert image.image.url in page
        assert (tmp_path / "test-media" / image.image.name).is_file()

        # Failed sign-ins are counted across both servers: 5 wrong passwords, alternating,
        # lock the account on both, even with the right password.
        for attempt in range(5):
            Http(one if attempt % 2 else two).sign_in("focal_a", "sai-mat-khau")
        for base in (one, two):
            locked = Http(base).sign_in("focal_a", PASSWORD)
            assert locked.status == 429, locked.status
            assert "sessionid" not in Http(base).cookies


# -- a locked SQLite database -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_locked_sqlite_database_gives_a_clear_503(world, client):
    """Another connection holds the write lock: signing in (a write) is answered with the
    Vietnamese 'busy, nothing saved, try again' page and Retry-After, not a 500."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking; PostgreSQL waits on row locks instead")
    name = connection.settings_dict["NAME"]
    uri = name.startswith("file:")
    locker = sqlite3.connect(name, uri=uri, isolation_level=None, check_same_thread=False)
    try:
        locker.execute("BEGIN IMMEDIATE")
        locker.execute("UPDATE core_user SET first_name = first_name")
        with translation.override("vi"):
            response = client.post(reverse("login"), {"username": "focal_a", "password": PASSWORD})
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        text = response.content.decode()
        assert "Hệ thống đang bận" in text
        assert re.search(r"<html lang=\"vi\">", text)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    # Once the lock is gone, the same request goes through.
    response = client.post(reverse("login"), {"username": "focal_a", "password": PASSWORD})
    assert response.status_code == 302


class SessionSaveFails:
    """Stands for SessionMiddleware meeting a locked database while saving, after the
    view has answered: the error is raised outside the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import OperationalError

        self.get_response(request)
        raise OperationalError("database is locked")


@pytest.mark.django_db
def test_a_fault_after_the_view_also_gives_the_503():
    from django.conf import settings

    middleware = [*settings.MIDDLEWARE, f"{__name__}.SessionSaveFails"]
    with override_settings(MIDDLEWARE=middleware), translation.override("vi"):
        response = Client(raise_request_exception=False).get(reverse("core:healthz"))
    assert response.status_code == 503
    assert "Hệ thống đang bận" in response.content.decode()
    with override_settings(MIDDLEWARE=settings.MIDDLEWARE):
        assert Client().get(reverse("core:healthz")).status_code == 200
