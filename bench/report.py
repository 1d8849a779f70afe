"""docs/benchmarks.md and docs/benchmarks.json from one run's results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOALS = {
    "figures_province_year_ms": 20,
    "figures_national_ms": 200,
    "load_p99_8_ms": 150,
    "load_ratio_64": 0.5,
    "excel_ratio": 0.5,
    "search_p95_ms": 30,
    "worker_rss_mb": 200,
}


def _get(data: dict, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _verdict(value: Any, goal: float, *, lower_is_better: bool = True) -> str:
    if value is None:
        return "not measured"
    ok = value <= goal if lower_is_better else value >= goal
    return "meets" if ok else "**misses**"


def rows(report: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(scale, measure, ours, reference, ratio or goal, verdict) lines of the table."""
    lines = []
    for scale, result in report["scales"].items():
        data = result.get("data", {})
        counts = data.get("rows") or {"activity": data.get("activities")}
        lines.append(
            (scale, "activities in the database", _fmt(counts.get("activity")), "", "", "")
        )
        steps = data.get("steps", {})
        if steps:
            lines.append(
                (
                    scale,
                    "bulk load (COPY)",
                    _fmt(steps.get("copy_rows_per_s"), "rows/s"),
                    "",
                    "",
                    "",
                )
            )
        for name, value in result.items():
            if not isinstance(value, dict) or "table" not in value:
                continue
            for line in value["table"]:
                lines.append((scale, *line))
            if "error" in value:
                lines.append((scale, name, "error", value["error"], "", "**failed**"))
        for name, value in result.items():
            if isinstance(value, dict) and "error" in value and "table" not in value:
                lines.append((scale, name, "error", value["error"][:120], "", "**failed**"))
    return lines


def write_report(report: dict, docs: Path) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "benchmarks.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    m = report["machine"]
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. Every figure is",
        "measured side by side with its reference in the same run on the same machine:",
        "on these noisy 2-core machines the ratios are what to read, not the absolute times.",
        "",
        f"- when: {report.get('when', '?')}",
        (
            f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
            f"Python {m['python']}, {m['system']}"
        ),
        f"- command: `{report.get('command', 'make bench')}`",
        "",
        "| scale | measure | ours | reference | ratio / goal | verdict |",
        "|---|---|---|---|---|---|",
    ]
    out += [f"| {' | '.join(line)} |" for line in rows(report)]
    notes = report.get("notes")
    if notes:
        out += ["", "## Notes", "", *notes]
    out += [
        "",
        "## How each figure is measured",
        "",
        "See docs/benchmarks-method.md.",
        "",
    ]
    (docs / "benchmarks.md").write_text("\n".join(out))
