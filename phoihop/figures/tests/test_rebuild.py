"""The full rebuild on PostgreSQL: new tables filled beside the live ones and swapped in
at the end of its transaction. Readers see the old rows until then; rollup writes
announced meanwhile wait for it and are kept; a failure leaves the live tables."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import DatabaseError, connection, connections

from phoihop.activities.tests import factories as f
from phoihop.figures import rollups, selectors
from phoihop.figures.models import FigureCell, FigurePlace, FigureSpan, FigureSummary

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = (FigureCell, FigureSummary, FigurePlace, FigureSpan)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the swap is PostgreSQL's fast path; SQLite rebuilds in place")


def _shape() -> dict:
    """Every rollup table's columns, constraints and indexes, by name."""
    with connection.cursor() as cursor:
        found = {}
        for model in TABLES:
            table = model._meta.db_table
            found[table] = (
                [
                    (c.name, c.type_code, c.null_ok)
                    for c in connection.introspection.get_table_description(cursor, table)
                ],
                connection.introspection.get_constraints(cursor, table),
                connection.introspection.get_sequences(cursor, table),
            )
        return found


def _rows() -> dict:
    return {
        model: sorted(
            model._default_manager.values_list(
                *[f.attname for f in model._meta.concrete_fields if f.attname != "id"]
            ),
            key=repr,
        )
        for model in TABLES
    }


def _leftovers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE 'figures_stage_%%' "
            "OR relname LIKE '%%_rebuilt%%'"
        )
        return [r[0] for r in cursor.fetchall()]


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_the_swapped_tables_keep_the_rows_names_and_indexes(s):
    f.approved(s, co_organizations=[s.world.org_b])
    f.approved(s, title="Lần hai")
    kept, shape = _rows(), _shape()
    assert kept[FigureCell]
    written = rollups.rebuild()
    assert written == sum(len(rows) for rows in kept.values())
    assert _rows() == kept
    assert _shape() == shape
    assert _leftovers() == []
    # The new tables take new rows: the listener writes into them.
    f.approved(s, title="Lần ba")
    assert rollups.differences(s.program.pk) == []
    assert selectors.program_figures(s.program).total.activities == 3


def test_a_failing_full_rebuild_leaves_the_live_tables(s, monkeypatch):
    f.approved(s)
    kept = _rows()
    original = rollups._swap

    def swap_then_fail(cursor, filled):
        original(cursor, filled)
        cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(rollups, "_swap", swap_then_fail)
    with pytest.raises(DatabaseError, match="division by zero"):
        rollups.rebuild()
    assert _rows() == kept
    assert _leftovers() == []
    assert rollups.differences(s.program.pk) == []


def test_readers_see_the_old_rows_and_writers_wait_during_a_full_rebuild(s, monkeypatch):
    f.approved(s)
    kept = _rows()
    staged, go = threading.Event(), threading.Event()
    original = rollups._swap
    errors: list[BaseException] = []

    def swap_when_told(cursor, filled):
        staged.set()
        assert go.wait(30)
        original(cursor, filled)

    monkeypatch.setattr(rollups, "_swap", swap_when_told)

    def run(fn):
        def target():
            try:
                fn()
            except BaseException as exc:  # reported by the test
                errors.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        return thread

    rebuilding = run(rollups.rebuild)
    assert staged.wait(30)
    # The new tables are filled, not yet swapped in: readers see the old rows whole.
    assert _rows() == kept
    # A report approved now: its rollup write waits on the program row the rebuild holds.
    writing = run(lambda: f.approved(s, title="Trong lúc dựng lại"))
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock():
        assert time.monotonic() < deadline, "the approval did not wait for the rebuild"
        time.sleep(0.05)
    go.set()
    rebuilding.join(30)
    writing.join(30)
    assert not errors
    assert not rebuilding.is_alive()
    assert not writing.is_alive()
    assert rollups.differences(s.program.pk) == []
    assert selectors.program_figures(s.program).total.activities == 2
