"""Pages under load: the real pages against a bare view, same server, same session.

The server is gunicorn as `phoihop serve` runs it (sync workers, one per core, access
log off so the terminal is not the bottleneck); the load comes from wrk on the same
machine. The bare view (bench/bare.py) serves the page's own HTML, captured once, from
constant data through the same middleware: the ratio real ÷ bare is what our queries
and templates cost.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("PHOIHOP_BENCH_PORT", "8765"))
DURATION = os.environ.get("PHOIHOP_BENCH_DURATION", "10s")


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


def start_server(workers: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(  # noqa: S603 - our own server
        [
            gunicorn,
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
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
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


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


def wrk(url: str, cookie: str, connections: int) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 - wrk from Debian, found on PATH
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{DURATION}",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"\s(50|75|90|99)%\s+(\S+)", out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": round(rps, 1),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def capture(path: str, cookie: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:  # noqa: S310
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return response.read()


def run(pages: dict[str, str]) -> dict[str, Any]:
    """pages: name -> path. Each page beside its bare twin at 8 and 64 connections."""
    if shutil.which("wrk") is None:
        return {"error": "wrk is not installed (deploy/debian-packages-bench.txt)"}
    user = bench_user()
    cookie = session_cookie(user)
    workers = os.cpu_count() or 2
    bare_dir = ROOT / "var" / "bench" / "bare"
    bare_dir.mkdir(parents=True, exist_ok=True)
    proc = start_server(workers)
    results: dict[str, Any] = {"workers": workers, "server": "gunicorn sync", "pages": {}}
    try:
        for name, path in pages.items():
            html = capture(path, cookie)
            (bare_dir / f"{name}.html").write_bytes(html)
        stop_server(proc)
        proc = start_server(workers)  # the bare views read the captured pages at start
        for name, path in pages.items():
            page: dict[str, Any] = {
                "path": path,
                "bytes": len((bare_dir / f"{name}.html").read_bytes()),
            }
            url = f"http://127.0.0.1:{PORT}{path}"
            bare = f"http://127.0.0.1:{PORT}/bench/bare/{name}/"
            wrk(url, cookie, 4)  # warm-up
            for c in (8, 64):
                page[f"real_{c}"] = wrk(url, cookie, c)
                page[f"bare_{c}"] = wrk(bare, cookie, c)
            page["ratio_64"] = round(page["real_64"]["rps"] / max(page["bare_64"]["rps"], 0.1), 2)
            results["pages"][name] = page
        results["worker_peak_rss_mb"] = worker_peak_rss_mb(proc)
    finally:
        stop_server(proc)
    return results
