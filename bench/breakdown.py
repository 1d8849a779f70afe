"""The national breakdown in a process of its own, for its peak memory:
`python -m bench.breakdown` prints {"seconds": …, "peak_rss_mb": …, "programs": …}.

The full breakdown (bench.measures._full_breakdown) of every program of the latest year,
once, after Django's setup: the process's peak RSS is what a worker computing it needs.
"""

from __future__ import annotations

import json
import resource
import time


def main() -> None:
    import django

    django.setup()
    from bench.measures import _full_breakdown, _programs_of_year

    programs, year = _programs_of_year()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    for program in programs:
        _full_breakdown(program)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "year": year,
                "programs": len(programs),
                "seconds": round(seconds, 2),
                "rss_before_mb": round(before, 1),
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
