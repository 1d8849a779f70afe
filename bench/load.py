"""Pages under load: the real pages against a bare view, same server, same sessions.

The server is gunicorn as `phoihop serve` runs it (access log off so the terminal is
not the bottleneck), in each of SERVERS' setups; the load comes from wrk on the same
machine, rotating over SESSIONS signed-in sessions of the bench account (one shared
session would serialize every request on its row). Each page is measured beside two
reference views of bench/bare.py, through the same middleware and context processors:
`bare`, the page's own templates rendered from a constant context captured from the
real view (the verdicts' reference: real ÷ bare is what our queries and Python work
cost beyond rendering), and `floor`, the page's captured bytes served as they are (the
server and middleware alone; for reference, no verdict).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("PHOIHOP_BENCH_PORT", "8765"))
DURATION = os.environ.get("PHOIHOP_BENCH_DURATION", "10s")
SESSIONS = 64
CONNECTIONS = (8, 64)
# (name, gunicorn arguments). The first is the setup `phoihop serve` uses by default
# (sync workers, two: one per core) and the one the table's verdicts read; the others
# are measured beside it at the province scale (PHOIHOP_BENCH_SERVERS=all: every scale).
SERVERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gunicorn sync ×2", ("--workers", "2")),
    ("gunicorn sync ×4", ("--workers", "4")),
    ("gunicorn gthread 2×4", ("--workers", "2", "--threads", "4", "--worker-class", "gthread")),
)


def bench_user():
    """The bench secretariat of the first committee, with its role (added if missing)."""
    import datetime

    from phoihop.core.models import User
    from phoihop.orgs.choices import Role
    from phoihop.orgs.models import Committee, RoleAssignment

    committee = Committee.objects.order_by("pk").first()
    code = committee.code.removeprefix("bench-")
    user = User.objects.get(username=f"bench-secretariat-{code}")
    if not RoleAssignment.objects.filter(user=user, role=Role.SECRETARIAT).exists():
        RoleAssignment.objects.create(
            user=user,
            role=Role.SECRETARIAT,
            committee=committee,
            valid_from=datetime.date(2016, 1, 1),
        )
    return user


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def start_server(args: tuple[str, ...]) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(  # noqa: S603 - our own server
        [
            gunicorn,
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            *args,
            "--timeout",
            "120",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    _wait_port(PORT)
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server and its workers (a queued backlog is dropped, not served)."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the workers too, before the next server binds
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", PORT)) != 0:
                return
        time.sleep(0.1)


def worker_peak_rss_mb(proc: subprocess.Popen) -> float:
    """The largest peak RSS (VmHWM) among the server's worker processes."""
    peak = 0
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return round(peak / 1024, 1)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(number) * _UNITS[unit], 2)


def cookie_script(cookies: list[str], directory: Path) -> Path:
    """A wrk script sending each request with the next of `cookies` (per wrk thread)."""
    listed = ",\n".join(f'  "{c}"' for c in cookies)
    script = directory / "sessions.lua"
    script.write_text(
        f"local cookies = {{\n{listed}\n}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        '  return wrk.format(nil, nil, {["Cookie"] = cookies[(n % #cookies) + 1]})\n'
        "end\n"
    )
    return script


def wrk(url: str, script: Path, connections: int, duration: str = DURATION) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 - wrk from Debian, found on PATH
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}",
            "--timeout",
            "60s",  # a queued request is slow, not lost: its time counts in the p99
            "--latency",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = re.search(r"(\d+) requests in", out)
    latency = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"\s(50|75|90|99)%\s+(\S+)", out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": round(rps, 1),
        "requests": int(total.group(1)) if total else 0,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect (to the sign-in page) is an answer, not a page


def capture(path: str, cookie: str) -> bytes:
    """The page as the signed-in user gets it; anything but 200 stops the measure."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=120) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{path} answered {exc.code}, not 200") from exc


def _uptime() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def drain(floor: str, cookie: str) -> None:
    """Wait for the requests wrk left queued: a sync worker serves what it accepted even
    after wrk hung up. Requests sent behind that backlog come back once it is served."""
    for _ in range(2):
        request = urllib.request.Request(floor, headers={"Cookie": cookie})  # noqa: S310
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=600) as response:
            response.read()


KINDS = ("floor", "bare", "real")


def _measure_server(
    name: str, args: tuple[str, ...], pages: dict[str, str], script: Path, cookie: str
) -> dict[str, Any]:
    """One server setup: each page beside its two references at 8 and 64 connections.

    A fresh server per page, warmed up on the three URLs (the bare view captures its
    context in each worker then); between runs the backlog the last run left queued is
    drained, except after the last run (64 connections on the real page: 64 queued
    dashboards take minutes), which ends with the server."""
    result: dict[str, Any] = {"server": name, "args": list(args), "pages": {}}
    peak = 0.0
    for page_name, path in pages.items():
        urls = {
            "real": f"http://127.0.0.1:{PORT}{path}",
            "bare": f"http://127.0.0.1:{PORT}/bench/bare/{page_name}/",
            "floor": f"http://127.0.0.1:{PORT}/bench/floor/{page_name}/",
        }
        page: dict[str, Any] = {"path": path, "load_average": _uptime()}
        proc = start_server(args)
        try:
            capture(path, cookie)  # a 200 in this setup too
            wrk(urls["real"], script, 2, "2s")  # warm-up: imports, caches, connections
            wrk(urls["bare"], script, 2, "2s")  # and the bare view's capture, per worker
            wrk(urls["floor"], script, 2, "1s")
            for c in CONNECTIONS:
                for kind in KINDS:
                    drain(urls["floor"], cookie)
                    page[f"{kind}_{c}"] = wrk(urls[kind], script, c)
            peak = max(peak, worker_peak_rss_mb(proc))
        finally:
            stop_server(proc)
        page["load_average_after"] = _uptime()
        for c in CONNECTIONS:
            real = page[f"real_{c}"]["rps"]
            page[f"ratio_{c}"] = round(real / max(page[f"bare_{c}"]["rps"], 0.1), 2)
            page[f"floor_ratio_{c}"] = round(real / max(page[f"floor_{c}"]["rps"], 0.1), 3)
        bad = sum(page[f"{k}_{c}"]["non_2xx"] for k in KINDS for c in CONNECTIONS)
        if bad:
            page["error"] = f"{bad} answers were not 200"
        result["pages"][page_name] = page
    result["worker_peak_rss_mb"] = peak
    return result


_VARYING = re.compile(rb'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')


_TIMESTAMP = re.compile(r"'\d{4}-\d\d-\d\d[ T][^']*'")  # the session's expiry check


def _steady(html: bytes) -> bytes:
    """The page without what changes on every request (CSP nonce, CSRF token)."""
    return _VARYING.sub(b"", html)


def check_references(pages: dict[str, str], cookie: str) -> dict[str, Any]:
    """In this process, through the test client (same URLconf, middleware and context
    processors): the queries of the real page and of its bare twin once captured, and
    whether the two answer the same HTML. The bare render must run none of the view's
    own queries: only those of the session, authentication and context processors,
    which the real page runs too."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
    checks: dict[str, Any] = {}
    for name, path in pages.items():
        answers: dict[str, Any] = {}
        sql: dict[str, list[str]] = {}
        for kind, url in (("real", path), ("bare", f"/bench/bare/{name}/")):
            client.get(url)  # warm; the bare view captures its context
            with CaptureQueriesContext(connection) as queries:
                answers[kind] = client.get(url)
            sql[kind] = [q["sql"] for q in queries.captured_queries]
        real_sql = {_TIMESTAMP.sub("", q) for q in sql["real"]}
        extra = [q for q in sql["bare"] if _TIMESTAMP.sub("", q) not in real_sql]
        checks[name] = {
            "real_queries": len(sql["real"]),
            "bare_queries": len(sql["bare"]),
            "bare_sql": sql["bare"],
            "bare_queries_not_in_real": extra,
            "status": [answers["real"].status_code, answers["bare"].status_code],
            "same_html": _steady(answers["real"].content) == _steady(answers["bare"].content),
        }
    return checks


def run(pages: dict[str, str], *, all_servers: bool = True) -> dict[str, Any]:
    """pages: name -> path. Every server setup (or the first only), each page beside its
    two references; the first setup's figures are the ones the verdicts read."""
    if shutil.which("wrk") is None:
        return {"error": "wrk is not installed (deploy/debian-packages-bench.txt)"}
    user = bench_user()
    cookies = [session_cookie(user) for _ in range(SESSIONS)]
    from bench.bare import captured

    bare_dir = captured()
    bare_dir.mkdir(parents=True, exist_ok=True)
    script = cookie_script(cookies, bare_dir)
    (bare_dir / "pages.json").write_text(json.dumps(pages))  # the bare views' names
    proc = start_server(SERVERS[0][1])
    sizes = {}
    try:
        for name, path in pages.items():
            html = capture(path, cookies[0])
            (bare_dir / f"{name}.html").write_bytes(html)
            sizes[name] = len(html)
    finally:
        stop_server(proc)
    checks = check_references(pages, cookies[0])
    servers = [
        _measure_server(name, args, pages, script, cookies[0])
        for name, args in (SERVERS if all_servers else SERVERS[:1])
    ]
    main = servers[0]
    for name, page in main["pages"].items():
        page["bytes"] = sizes[name]
        page["references"] = checks[name]
    return {
        "server": main["server"],
        "sessions": SESSIONS,
        "duration": DURATION,
        "pages": main["pages"],
        "worker_peak_rss_mb": main["worker_peak_rss_mb"],
        "servers": servers,
    }
