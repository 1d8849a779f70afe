"""Rows of new reports built from the objects just inserted (`index_inserted`, what the
bulk create and the Excel import use) are the rows `reindex` builds by reading the same
reports back: every column, the full-text structure included, on both databases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import Truncator

from phoihop.activities import services
from phoihop.activities.models import Activity
from phoihop.activities.tests import factories as f
from phoihop.search import index
from phoihop.search.models import SearchEntry

pytestmark = pytest.mark.django_db

TEXTS = [
    ("Tuyên truyền Luật Nghĩa vụ quân sự", "Hai buổi tại nhà văn hoá."),
    ("  ĐẠI HỘI   Đoàn  thanh niên ", ""),
    ("Ủy ban Mặt trận\tTổ quốc", "dòng 1\ndòng 2\r\n  thụt lề  "),
    ("Chữ thập đỏ 🙂 " + "Ắ" * 280, "Đêm " * 6_000),  # a body cut at BODY_MAX
    ("Tập huấn phòng chống đuối nước", 'Quỹ "Vì người nghèo" và C:\\thư mục'),
]


def _entries() -> dict[int, dict[str, Any]]:
    """Every column of the activities' rows as the database holds them (PostgreSQL's
    generated tsvector included), by report; the row id and the write time left out."""
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} WHERE kind = %s", ["activity"])  # noqa: S608
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return {
        row["object_id"]: {k: v for k, v in row.items() if k not in ("id", "updated_at")}
        for row in rows
    }


def _found(word: str) -> set[int]:
    """Reports the full-text structure finds by a folded word."""
    entries = _entry_ids(word)
    return set(SearchEntry.objects.filter(pk__in=entries).values_list("object_id", flat=True))


def _entry_ids(word: str) -> set[int]:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [word])
        else:
            cur.execute(
                "SELECT id FROM search_searchentry WHERE document @@ to_tsquery('simple', %s)",
                [word],
            )
        return {row[0] for row in cur.fetchall()}


def test_rows_of_inserted_reports_are_those_reindex_writes(world):
    s = f.setup(world)
    reports: list[Mapping[str, Any]] = [
        {
            "content": s.content,
            "title": title,
            "start_date": f.DAY,
            "end_date": f.DAY,
            "locality": world.commune,
            "narrative": narrative,
        }
        for title, narrative in TEXTS
    ]
    activities = services.activities_create_many(
        actor=s.user("focal_a"), program=s.program, organization=world.org_a, reports=reports
    )
    ids = [a.pk for a in activities]
    inserted, found = _entries(), {w: _found(w) for w in ("dai", "dem", "uy", "nuoc")}
    assert sorted(inserted) == sorted(ids)
    assert found["dai"] == {ids[1]}
    assert found["dem"] == {ids[3]}

    # Way one: the same reports read back by reindex, from no rows.
    SearchEntry.objects.filter(kind="activity").delete()
    assert index.reindex(Activity, ids) == len(ids)
    assert _entries() == inserted
    assert {w: _found(w) for w in found} == found

    # Way two: index_inserted over the rows reindex wrote (each updated in place), and
    # over none, from the objects alone: no report is read back.
    for keep in (True, False):
        if not keep:
            SearchEntry.objects.filter(kind="activity").delete()
        with CaptureQueriesContext(connection) as queries:
            assert index.index_inserted(Activity, list(reversed(activities))) == len(ids)
        assert not [q for q in queries if Activity._meta.db_table in q["sql"].split("WHERE")[0]]
        assert _entries() == inserted
        assert {w: _found(w) for w in found} == found


def test_a_stale_row_of_a_trashed_object_goes_as_reindex_removes_it(world):
    s = f.setup(world)
    activity = services.activities_create_many(
        actor=s.user("focal_a"),
        program=s.program,
        organization=world.org_a,
        reports=[
            {
                "content": s.content,
                "title": "Báo cáo bị xóa",
                "start_date": f.DAY,
                "end_date": f.DAY,
                "locality": world.commune,
            }
        ],
    )[0]
    activity.deleted_at = activity.created_at
    assert index.index_inserted(Activity, [activity]) == 0
    assert not SearchEntry.objects.filter(kind="activity", object_id=activity.pk).exists()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Tập huấn",
        "A" * 400,
        "A" * 401,
        "Ắ" * 399 + "B",
        "Ắ" * 401,
        "A\u0301" * 300,  # decomposed: 600 code points, 300 letters, composed on the way
        "A\u0302\u0301" * 200,  # two marks: composed to one letter each
        "x\u0301" * 250,  # no composed form: 500 code points, 250 letters, kept whole
        "y\u0301" * 420,
    ],
)
def test_entry_title_is_the_truncators(text):
    assert index._title(text) == Truncator(text).chars(400)
