"""`phoihop serve` runs gunicorn and the task worker; one Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PHOIHOP = str(Path(sys.executable).parent / "phoihop")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(x) for x in out.stdout.split()]


def test_serve_answers_and_stops_on_one_ctrl_c(tmp_path):
    env = {
        **os.environ,
        "PHOIHOP_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "phoihop.config.settings.base",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([PHOIHOP, "migrate", "-v0"], env=env, check=True)
    subprocess.run([PHOIHOP, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [PHOIHOP, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.2)
        assert b'"status": "ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            html = r.read().decode()
        assert "Chương trình phối hợp hoạt động" in html
        css = html.split('href="/static/phoihop/app.')[1].split('"')[0]
        assert css.endswith(".css")
        assert len(css) > len("css")
        children = _children(server.pid)
        assert len(children) == 2  # gunicorn master and the task worker
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        for pid in children:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        if server.poll() is None:
            server.kill()
