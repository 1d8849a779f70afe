"""The measures of each scale; each returns a JSON-able dict with a `table` of lines
(measure, ours, reference, ratio or goal, verdict) for docs/benchmarks.md."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.db import connection

from bench.common import measure, timed

GOAL_PROVINCE_MS = 20
GOAL_NATIONAL_MS = 200

# The full breakdown of a program: what the dashboard and the review report read.
FULL_BY_NAMES = ("CONTENT", "ORGANIZATION", "COMMUNE")


def _ft():
    from phoihop.figures import types as ft

    return ft


def _programs_of_year(year: int | None = None):
    from phoihop.programs.models import Program

    qs = Program.objects.order_by("committee_id", "year")
    if year is None:
        year = qs.values_list("year", flat=True).last()
    return list(qs.filter(year=year)), year


def _full_breakdown(program) -> None:
    from phoihop.figures import selectors as figures

    ft = _ft()
    figures.program_figures(program, by=tuple(getattr(ft, n) for n in FULL_BY_NAMES))
    figures.indicator_summary(program)


def _rebuild_rollups() -> dict[str, Any]:
    """The rollups are built from the raw rows COPY loaded (the figures module's own job)."""
    import time

    from django.core.management import call_command

    started = time.monotonic()
    try:
        call_command("figures", "rebuild", verbosity=0)
    except Exception as exc:  # an older figures module without rollups: raw reads
        return {"rebuilt": False, "why": str(exc)}
    return {"rebuilt": True, "seconds": round(time.monotonic() - started, 1)}


_DUCK_SQL = """
WITH counted AS (
  SELECT a.id, a.content_id, a.locality_id FROM activities a
  WHERE a.program_id = {program} AND a.status = 'approved'
)
SELECT c.content_id, cr.organization_id, c.locality_id,
       SUM(v.value) AS value, COUNT(DISTINCT c.id) AS reports
FROM counted c
JOIN credits cr ON cr.activity_id = c.id AND cr.confirmed_at IS NOT NULL
LEFT JOIN ivalues v ON v.activity_id = c.id
GROUP BY ALL
"""


def _duckdb_reference(programs: list, tmp: Path) -> dict[str, Any]:
    """DuckDB scanning the same raw rows from Parquet: the reference for a raw scan."""
    import duckdb

    ids = ",".join(str(p.pk) for p in programs)
    files = {}
    queries = {
        "activities": "SELECT id, program_id, content_id, organization_id, locality_id, status "
        f"FROM activities_activity WHERE program_id IN ({ids}) AND deleted_at IS NULL",
        "credits": "SELECT c.activity_id, c.organization_id, c.confirmed_at "
        "FROM activities_credit c JOIN activities_activity a ON a.id = c.activity_id "
        f"WHERE a.program_id IN ({ids})",
        "ivalues": "SELECT v.activity_id, v.indicator_id, v.value::float8 AS value "
        "FROM activities_indicatorvalue v JOIN activities_activity a ON a.id = v.activity_id "
        f"WHERE a.program_id IN ({ids})",
        "participations": "SELECT p.activity_id, p.target_group_id, p.count "
        "FROM activities_participation p JOIN activities_activity a ON a.id = p.activity_id "
        f"WHERE a.program_id IN ({ids})",
    }
    db = duckdb.connect()
    raw = connection.connection
    for name, sql in queries.items():
        csv_path = tmp / f"{name}.csv"
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
        with csv_path.open("wb") as fh, raw.cursor() as cur, cur.copy(copy_sql) as cp:
            for chunk in cp:
                fh.write(chunk)
        files[name] = tmp / f"{name}.parquet"
        db.execute(
            f"COPY (SELECT * FROM read_csv_auto('{csv_path}')) TO '{files[name]}' (FORMAT parquet)"
        )
        csv_path.unlink()
        db.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM '{files[name]}'")

    def run() -> None:
        for program in programs:
            db.execute(_DUCK_SQL.format(program=program.pk)).fetchall()

    return timed(run, repeat=7)


def _line(name: str, ours: dict, ref: dict | None, goal_ms: float) -> list[str]:
    ratio = f"{ref['median_ms'] / ours['median_ms']:.1f}× faster" if ref else ""
    verdict = "meets" if ours["median_ms"] <= goal_ms else "**misses**"
    if ref and ours["median_ms"] > ref["median_ms"]:
        verdict += " (slower than DuckDB)"
    return [
        name,
        f"{ours['median_ms']} ms (p95 {ours['p95_ms']})",
        f"DuckDB {ref['median_ms']} ms" if ref else "",
        f"{ratio}; goal < {goal_ms} ms".strip("; "),
        verdict,
    ]


@measure("figures")
def figures(scale: str) -> dict[str, Any]:
    rollups = _rebuild_rollups()
    programs, year = _programs_of_year()
    result: dict[str, Any] = {"year": year, "rollups": rollups, "table": []}
    one = programs[0]
    result["province_year"] = timed(lambda: _full_breakdown(one), repeat=15)
    with tempfile.TemporaryDirectory() as tmp:
        result["duckdb_province_year"] = _duckdb_reference([one], Path(tmp))
        result["table"].append(
            _line(
                f"figures: full breakdown, one province-year ({year})",
                result["province_year"],
                result["duckdb_province_year"],
                GOAL_PROVINCE_MS,
            )
        )
        if len(programs) > 1:

            def national() -> None:
                for program in programs:
                    _full_breakdown(program)

            result["national"] = timed(national, repeat=5)
            result["duckdb_national"] = _duckdb_reference(programs, Path(tmp))
            result["table"].append(
                _line(
                    f"figures: full breakdown, all {len(programs)} provinces ({year})",
                    result["national"],
                    result["duckdb_national"],
                    GOAL_NATIONAL_MS,
                )
            )
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    return env


def run_child(module: str, *args: str) -> str:
    """Run a measuring helper in a fresh process (its peak RSS is its own)."""
    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", module, *args],
        check=True,
        capture_output=True,
        text=True,
        env=_child_env(),
    )
    return done.stdout


@measure("pages")
def pages(scale: str) -> dict[str, Any]:
    from bench import load
    from phoihop.programs.models import Program

    program = Program.objects.order_by("committee_id", "-year").first()
    result = load.run(
        {
            "dashboard": f"/app/dashboard/?program={program.pk}",
            "activity-list": "/app/activities/",
        }
    )
    if "error" in result:
        return result
    table = []
    for name, page in result["pages"].items():
        table.append(
            [
                f"{name}: throughput at 64 connections",
                f"{page['real_64']['rps']} req/s",
                f"bare view {page['bare_64']['rps']} req/s",
                f"{page['ratio_64']} (goal ≥ 0.5)",
                "meets" if page["ratio_64"] >= 0.5 else "**misses**",
            ]
        )
        p99 = page["real_8"]["p99_ms"]
        table.append(
            [
                f"{name}: p99 latency at 8 connections",
                f"{p99} ms",
                f"bare view {page['bare_8']['p99_ms']} ms",
                "goal < 150 ms",
                "meets" if p99 is not None and p99 < 150 else "**misses**",
            ]
        )
    rss = result.get("worker_peak_rss_mb")
    table.append(
        [
            "web worker peak RSS under load",
            f"{rss} MB",
            "",
            "goal < 200 MB",
            "meets" if rss and rss < 200 else "**misses**",
        ]
    )
    result["table"] = table
    return result


SEARCH_DOCUMENTS = int(os.environ.get("PHOIHOP_BENCH_SEARCH_DOCS", "1000000"))
SEARCH_QUERIES = (
    "tuyen truyen",
    "hien mau tinh nguyen",
    "nha dai doan ket",
    "mai chau",
    "uy ban mat tran",
    "dang",
    "phhd",
    "cuu chien binh tang qua",
    "khong co tu nay",
    "huan luyen dan quan",
)
_WORDS = (
    "tuyên",
    "truyền",
    "giáo",
    "dục",
    "pháp",
    "luật",
    "quốc",
    "phòng",
    "an",
    "ninh",
    "hội",
    "nông",
    "dân",
    "phụ",
    "nữ",
    "cựu",
    "chiến",
    "binh",
    "đoàn",
    "thanh",
    "niên",
    "chữ",
    "thập",
    "đỏ",
    "hiến",
    "máu",
    "tình",
    "nguyện",
    "nhà",
    "đại",
    "đoàn",
    "kết",
    "nhà",
    "đồng",
    "đội",
    "tặng",
    "quà",
    "gia",
    "đình",
    "chính",
    "sách",
    "giảm",
    "nghèo",
    "nông",
    "thôn",
    "mới",
    "dân",
    "quân",
    "tự",
    "vệ",
    "huấn",
    "luyện",
    "tuyển",
    "quân",
    "giao",
    "nhận",
    "quân",
    "xây",
    "dựng",
    "đường",
    "giao",
    "thông",
    "ngày",
    "công",
    "vận",
    "động",
    "quyên",
    "góp",
    "cứu",
    "trợ",
    "thiên",
    "tai",
    "phòng",
    "chống",
    "dịch",
    "bệnh",
    "khám",
    "chữa",
    "bệnh",
    "cấp",
    "thuốc",
    "miễn",
    "phí",
    "mô",
    "hình",
    "dân",
    "vận",
    "khéo",
    "sơ",
    "kết",
    "tổng",
    "kết",
    "phối",
    "hợp",
    "hoạt",
    "động",
    "ban",
    "chỉ",
    "đạo",
    "ủy",
    "ban",
    "mặt",
    "trận",
    "tổ",
    "quốc",
    "đảng",
    "bộ",
    "chi",
    "bộ",
)


def _load_search_documents(count: int) -> float:
    """`count` synthetic entries in the search index, bulk-loaded with COPY."""
    import datetime as dt
    import random
    import time

    from phoihop.core.text import fold
    from phoihop.geo.models import AdminUnit
    from phoihop.orgs.models import Committee

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM search_searchentry WHERE kind = 'bench'")
        have = cur.fetchone()[0]
    if have >= count:
        return 0.0
    places = list(AdminUnit.objects.values_list("name", flat=True)[:3000])
    committees = list(Committee.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM search_searchentry WHERE kind = 'bench'")
    raw = connection.connection
    sql = (
        "COPY search_searchentry (kind, object_id, committee_id, public_from, title, body, "
        "folded_title, folded_body, updated_at) FROM STDIN"
    )
    with raw.cursor() as cur, cur.copy(sql) as cp:
        for i in range(count):
            title = " ".join(rng.choices(_WORDS, k=6)) + " " + rng.choice(places)
            body = " ".join(rng.choices(_WORDS, k=50)) + " " + rng.choice(places)
            public = rng.random() < 0.3
            cp.write_row(
                (
                    "bench",
                    i,
                    None if public else rng.choice(committees),
                    now if public else None,
                    title,
                    body,
                    fold(title),
                    fold(body),
                    now,
                )
            )
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("ANALYZE search_searchentry")
    return round(time.monotonic() - started, 1)


@measure("search")
def search(scale: str) -> dict[str, Any]:
    from django.db import transaction

    from bench.load import bench_user
    from phoihop.search import selectors as search_selectors

    with transaction.atomic():
        load_seconds = _load_search_documents(SEARCH_DOCUMENTS)
    user = bench_user()
    per_query = {}
    all_times: list[float] = []
    for query in SEARCH_QUERIES:
        stats = timed(lambda q=query: search_selectors.search(user, q), repeat=10)
        per_query[query] = stats
        all_times.append(stats["p95_ms"])
    p95 = sorted(all_times)[int(len(all_times) * 0.95) - 1 if len(all_times) > 1 else 0]
    worst = max(all_times)
    return {
        "documents": SEARCH_DOCUMENTS,
        "load_seconds": load_seconds,
        "queries": per_query,
        "table": [
            [
                f"search: p95 over {SEARCH_DOCUMENTS:,} documents ({len(SEARCH_QUERIES)} queries)",
                f"{p95} ms (worst query {worst} ms)",
                "",
                "goal < 30 ms",
                "meets" if p95 < 30 else "**misses**",
            ]
        ],
    }
