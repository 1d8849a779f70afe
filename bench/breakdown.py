"""The national breakdown in a process of its own, for its peak memory:
`python -m bench.breakdown` prints {"seconds": …, "peak_rss_mb": …, "programs": …}.

The full breakdown (bench.measures._full_breakdown) of every program of the latest year,
once, after Django's setup: the process's peak RSS is what a worker computing it needs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path


def vm_hwm_mb() -> float:
    """This process's peak RSS (VmHWM). Not getrusage: on Linux its ru_maxrss survives
    exec, so a child started from a big process would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    import django

    django.setup()
    from bench.measures import _full_breakdown, _programs_of_year

    programs, year = _programs_of_year()
    before = vm_hwm_mb()
    started = time.perf_counter()
    for program in programs:
        _full_breakdown(program)
    seconds = time.perf_counter() - started
    peak = vm_hwm_mb()
    print(
        json.dumps(
            {
                "year": year,
                "programs": len(programs),
                "seconds": round(seconds, 2),
                "rss_before_mb": before,
                "peak_rss_mb": peak,
            }
        )
    )


if __name__ == "__main__":
    main()
