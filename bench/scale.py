"""One scale of the benchmark, in its own process: `python -m bench.scale --scale province`.

DATABASE_URL names the scale's PostgreSQL database; DJANGO_SETTINGS_MODULE is
bench.settings. Writes a JSON result to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg


def ensure_database(url: str, fresh: bool) -> bool:
    """Create the database if needed; True when it must be (re)filled."""
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


TOTAL_STEPS = ("migrate_s", "load_geo_s", "reference_s", "load_s")


def generate(scale_name: str, fresh: bool) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.generate import SCALES, build_reference, load_activities

    scale = SCALES[scale_name]
    must_fill = ensure_database(os.environ["DATABASE_URL"], fresh)
    if not must_fill:
        call_command("migrate", verbosity=0)  # the code may have moved on since
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM activities_activity")
            have = cur.fetchone()[0]
        if have == scale.activities:
            return {"reused": True, "activities": have}
        raise SystemExit(
            f"phoihop_bench_{scale_name} holds {have} activities, not {scale.activities}: "
            "run with --fresh"
        )
    steps: dict[str, float] = {}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    steps["migrate_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    call_command("load_geo", verbosity=0)
    steps["load_geo_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    with transaction.atomic():  # one commit, not one per reference row
        refs, groups = build_reference(scale)
    steps["reference_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    loaded = load_activities(scale, refs, groups)
    steps.update(loaded["steps"])
    steps["load_s"] = round(time.monotonic() - started, 1)
    rows = sum(loaded["rows"].values())
    steps["load_rows_per_s"] = round(rows / max(steps["load_s"], 0.001))
    steps["total_s"] = round(sum(v for k, v in steps.items() if k in TOTAL_STEPS), 1)
    return {"reused": False, "rows": loaded["rows"], "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated measures to run")
    args = parser.parse_args()
    import django

    django.setup()
    from bench import measures  # noqa: F401  registers the measures
    from bench.common import MEASURES

    result: dict[str, Any] = {"scale": args.scale, "data": generate(args.scale, args.fresh)}
    only = {m for m in args.only.split(",") if m}
    for name, fn in MEASURES:
        if only and name not in only:
            continue
        print(f"   {args.scale}: {name}", flush=True)
        started = time.monotonic()
        try:
            result[name] = fn(args.scale)
        except Exception as exc:
            result[name] = {"error": f"{type(exc).__name__}: {exc}"}
        result[name]["seconds"] = round(time.monotonic() - started, 1)
    result["peak_rss_mb"] = peak_rss_mb()
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
