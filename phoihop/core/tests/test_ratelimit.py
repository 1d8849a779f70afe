"""Rate limits in the shared cache: per user or address, per window, and shared by
every process that uses the same cache (two processes on one database here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from phoihop.core import ratelimit

ROOT = Path(__file__).resolve().parents[3]


@ratelimit.limit("test-view", limit=3, window=60)
def view(request):
    return HttpResponse("ok")


@pytest.mark.django_db
def test_limit_then_429_in_vietnamese_with_retry_after(world):
    factory = RequestFactory()

    def call(user=None, address="203.0.113.7"):
        request = factory.get("/search/", REMOTE_ADDR=address)
        request.user = user or _anonymous()
        with translation.override("vi"):
            return view(request)

    assert [call().status_code for _ in range(3)] == [200, 200, 200]
    refused = call()
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Quá nhiều" in refused.content.decode()
    # Another address, or a signed-in user, has a count of its own.
    assert call(address="198.51.100.9").status_code == 200
    assert call(user=world.user("focal_a")).status_code == 200


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.django_db
def test_windows_start_again():
    first = [ratelimit.hit("w", "k", limit=2, window=10, now=1000.0).count for _ in range(3)]
    assert first == [1, 2, 3]
    assert ratelimit.hit("w", "k", limit=2, window=10, now=1000.0).exceeded
    assert ratelimit.hit("w", "k", limit=2, window=10, now=1011.0).count == 1


CHILD = """
import django
django.setup()
from phoihop.core import ratelimit
for _ in range({n}):
    usage = ratelimit.hit("shared", "client-1", limit=100, window=3600, now=7200.0)
print(usage.count)
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_count_through_the_database_cache():
    """Two other processes (as two app servers would) count into the same window."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in this process's memory")
    conf = connection.settings_dict
    url = "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=conf["USER"] or "",
        password=f":{conf['PASSWORD']}" if conf["PASSWORD"] else "",
        host=conf["HOST"] or "127.0.0.1",
        port=conf["PORT"] or 5432,
        name=conf["NAME"],
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "phoihop.config.settings.test",
        "PHOIHOP_TEST_DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    counts = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", CHILD.format(n=5)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        counts.append(int(done.stdout.strip().splitlines()[-1]))
    assert counts == [5, 10]
    assert ratelimit.hit("shared", "client-1", limit=100, window=3600, now=7200.0).count == 11
