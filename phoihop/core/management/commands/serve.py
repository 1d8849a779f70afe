"""`phoihop serve`: the production server and the background-task worker, together.

gunicorn (several workers, DEBUG off, static files by whitenoise) and Django's task
worker (`db_worker`) run as child processes; Ctrl-C or SIGTERM stops both, and if one
dies the other is stopped too.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve PhốiHợp with gunicorn and run the background-task worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "1")))
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: do not use this for a real deployment.")
        if options["workers"] < 2:
            raise CommandError("Use at least 2 web workers.")
        children = self._start(options)
        self.stdout.write(
            f"PhốiHợp: http://{options['host']}:{options['port']}/"
            "  (Ctrl-C stops the server and the worker)"
        )
        exit_code = self._supervise(children)
        if exit_code:
            raise CommandError("A server process stopped unexpectedly.", returncode=exit_code)

    def _start(self, options: dict[str, Any]) -> list[subprocess.Popen[bytes]]:
        bindir = os.path.dirname(sys.executable)
        gunicorn = shutil.which("gunicorn", path=bindir) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "phoihop.config.settings.base"
            ),
        }
        web_cmd = [
            gunicorn,
            "phoihop.config.wsgi:application",
            *("--bind", f"{options['host']}:{options['port']}"),
            *("--workers", str(options["workers"])),
            *("--threads", str(options["threads"])),
            *("--access-logfile", "-"),
            "--no-control-socket",
            *("--graceful-timeout", "10"),
        ]
        children = [subprocess.Popen(web_cmd, env=env)]  # noqa: S603
        if not options["no_worker"]:
            worker_cmd = [sys.executable, "-m", "phoihop.manage", "db_worker"]
            children.append(subprocess.Popen(worker_cmd, env=env))  # noqa: S603
        return children

    def _supervise(self, children: list[subprocess.Popen[bytes]]) -> int:
        """Wait for Ctrl-C / SIGTERM or for a child to die; then stop them all."""
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for child in children:
                    code = child.poll()
                    if code is not None:
                        self.stderr.write(
                            f"Process {child.pid} stopped (exit {code}); stopping the rest."
                        )
                        exit_code = code or 1
                        stopping = True
                time.sleep(0.2)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        return exit_code
