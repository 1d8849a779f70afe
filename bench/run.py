"""`make bench`: the benchmark suite (never timed tests).

    .venv/bin/python bench/run.py                 # every scale, then docs/benchmarks.*
    .venv/bin/python bench/run.py --scale province

Each scale runs in a process of its own against a PostgreSQL database of its own
(`phoihop_bench_<scale>` on PHOIHOP_BENCH_PG, default the local server), generated once
and reused while its seed and scale match (`--fresh` rebuilds it). Every figure is
measured side by side with its reference in the same run, because these 2-core machines
are noisy: the ratios are what to read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
PG = os.environ.get("PHOIHOP_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
# The databases are <prefix>_<scale>; another prefix keeps a second copy apart.
DB_PREFIX = os.environ.get("PHOIHOP_BENCH_DB", "phoihop_bench")
SEED = 2026
SUITE_GOAL_MINUTES = 60


def database_url(scale: str) -> str:
    return f"{PG}/{DB_PREFIX}_{scale}"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run_scale(scale: str, fresh: bool) -> dict:
    """One scale in a child process (one Django setup per database)."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(scale)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["PYTHONPATH"] = str(ROOT)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{scale}.json"
    cmd = [sys.executable, "-m", "bench.scale", "--scale", scale, "--out", str(out)]
    if fresh:
        cmd.append("--fresh")
    started = time.monotonic()
    load_before = load_average()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)  # noqa: S603 - our own module
    result = json.loads(out.read_text())
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    result["load_average"] = {"before": load_before, "after": load_average()}
    return result


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=("province", "decade", "national", "all"), default="all")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    args = parser.parse_args()
    scales = ("province", "decade", "national") if args.scale == "all" else (args.scale,)
    command = "make bench" + (f" SCALE={args.scale}" if args.scale != "all" else "")
    report = {
        "machine": machine(),
        "command": command + (" (bench/run.py --fresh: data regenerated)" if args.fresh else ""),
        "scales": {},
    }
    previous = ROOT / "docs" / "benchmarks.json"
    if previous.exists() and args.scale != "all":
        # A single scale updates its part of the last full report.
        report["scales"] = json.loads(previous.read_text()).get("scales", {})
    started = time.monotonic()
    for scale in scales:
        print(f"== bench: {scale}", flush=True)
        report["scales"][scale] = run_scale(scale, args.fresh)
    report["suite"] = {
        "scales": list(scales),
        "seconds": round(time.monotonic() - started, 1),
        "generated": [s for s in scales if not report["scales"][s]["data"].get("reused")],
        "goal_minutes": SUITE_GOAL_MINUTES,
    }
    report["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    from bench.report import write_report

    write_report(report, ROOT / "docs")
    print("Results written to docs/benchmarks.md and docs/benchmarks.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
