"""What the measures share: timing and the registry of measures."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], *, repeat: int, warmup: int = 1) -> dict[str, float]:
    """Median, p95 and minimum wall time of `fn`, in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        "min_ms": round(times[0], 2),
        "runs": repeat,
    }


MEASURES: list[tuple[str, Callable[[str], dict[str, Any]]]] = []


def measure(name: str) -> Callable:
    def decorator(fn: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
        MEASURES.append((name, fn))
        return fn

    return decorator
