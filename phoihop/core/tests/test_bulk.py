"""insert_rows writes what bulk_create writes (COPY on PostgreSQL), atomically."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from phoihop.core import audit, clock
from phoihop.core.bulk import insert_rows
from phoihop.core.models import AuditEvent
from phoihop.orgs.models import Organization
from phoihop.search import index
from phoihop.search.models import SearchEntry

pytestmark = pytest.mark.django_db

AWKWARD = {  # what COPY's text format must escape, and JSON's corners
    "tab": "a\tb",
    "newline": "dòng 1\ndòng 2\r\n",
    "backslash": "C:\\thư mục\\N",
    "quote": 'nói "xin chào"',
    "unicode": "Chữ thập đỏ 🙂",
    "numbers": [0, -1, 2.5, 10**15, None, True, False],
    "nested": {"": {"a": []}},
}


def _rows(model: type[Model], ids: list[int]) -> list[dict[str, Any]]:
    """Every column of the rows as the database holds them (generated ones included),
    the primary key left out; in the order of `ids`."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} WHERE id = ANY(%s)", [ids])  # noqa: S608
        names = [c.name for c in cur.description]
        found = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
    assert names[0] == "id"
    return [{k: v for k, v in found[i].items() if k != "id"} for i in ids]


def _both_ways(model: type[Model], build: Any) -> tuple[list[dict], list[dict], list, list]:
    """The same batch written by bulk_create, read back and deleted, then by insert_rows."""
    first = build()
    model._default_manager.bulk_create(first, batch_size=7)
    by_insert = _rows(model, [o.pk for o in first])
    model._default_manager.filter(pk__in=[o.pk for o in first]).delete()
    second = build()
    insert_rows(model, second, ids=True, batch_size=7)
    assert all(o.pk is not None and not o._state.adding for o in second)
    return by_insert, _rows(model, [o.pk for o in second]), first, second


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite writes by bulk_create itself")


def test_audit_events_by_copy_are_the_rows_bulk_create_writes(world):
    _postgresql_only()
    actor = world.user("secretariat")
    orgs = list(Organization.objects.order_by("pk"))
    ct = ContentType.objects.get_for_model(Organization)
    moment = datetime.datetime(2026, 3, 1, 7, 30, 15, 123456, tzinfo=datetime.UTC)

    def build() -> list[AuditEvent]:
        return [
            AuditEvent(
                at=moment + datetime.timedelta(microseconds=n),
                actor_id=actor.pk if n % 2 else None,
                action="import",
                content_type=ct,
                object_id=str(org.pk),
                object_repr=str(org)[:300],
                committee_id=org.committee_id,
                before=None if n % 3 else AWKWARD,
                after=audit.snapshot(org) if n % 2 else ["x", AWKWARD],
                request_id="" if n % 2 else "req-1",
                note="" if n % 2 else AWKWARD["newline"],
            )
            for n, org in enumerate(orgs * 5)
        ]

    by_insert, by_copy, _first, _second = _both_ways(AuditEvent, build)
    assert len(by_copy) == 5 * len(orgs) > 7  # more than one batch
    assert by_copy == by_insert
    # jsonb comes back as its text (Django reads JSON itself): compared as stored
    assert json.loads(by_copy[0]["before"]) == AWKWARD
    assert by_copy[1]["before"] is None  # SQL NULL, not JSON null


def test_search_entries_by_copy_are_the_rows_bulk_create_writes(world):
    """Generated columns (the tsvectors) included; updated_at is each row's own
    moment (auto_now), stamped on the object as bulk_create stamps it."""
    _postgresql_only()
    source = index.source_for(Organization)
    orgs = list(Organization.objects.order_by("pk"))

    def build() -> list[SearchEntry]:
        entries = []
        for n, org in enumerate(orgs):
            doc = index.organization_document(org)
            assert doc is not None
            row = index._row(source, org, doc)
            del row["updated_at"]  # auto_now: stamped by the write
            if n % 2:
                row["body"] = row["folded_body"] = AWKWARD["newline"] + AWKWARD["backslash"]
                row["public_from"] = index.ALWAYS
            entries.append(SearchEntry(kind="copytest", object_id=org.pk, **row))
        return entries

    by_insert, by_copy, first, second = _both_ways(SearchEntry, build)
    assert [r["updated_at"] for r in by_insert] == [e.updated_at for e in first]
    assert [r["updated_at"] for r in by_copy] == [e.updated_at for e in second]
    assert by_copy[0]["document"]  # computed by the database
    assert by_copy[0]["prefixes"]
    for row in by_insert + by_copy:
        del row["updated_at"]
    assert by_copy == by_insert


def test_a_unique_conflict_is_djangos_integrity_error_and_writes_nothing(world):
    SearchEntry.objects.create(kind="copytest", object_id=1, title="Có", folded_title="co")
    batch = [
        SearchEntry(kind="copytest", object_id=n, title=f"Mới {n}", folded_title=f"moi {n}")
        for n in (2, 3, 1, 4)
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(SearchEntry, batch, batch_size=2)
    assert list(SearchEntry.objects.filter(kind="copytest").values_list("title", flat=True)) == [
        "Có"
    ]


def test_an_unsaved_related_object_is_refused_as_bulk_create_refuses_it(world):
    event = AuditEvent(action="x", actor=world.user("secretariat"))
    event.content_type = ContentType(app_label="x", model="y")  # never saved
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_rows(AuditEvent, [event])
    assert not AuditEvent.objects.filter(action="x").exists()


def test_record_many_gives_back_the_saved_events_with_their_ids(world):
    actor = world.user("secretariat")
    orgs = list(Organization.objects.order_by("pk"))
    moment = datetime.datetime(2026, 3, 1, 7, 30, tzinfo=datetime.UTC)
    with clock.frozen_at(moment):
        events = audit.record_many(
            actor=actor, action="import", changes=[(o, None, audit.snapshot(o)) for o in orgs]
        )
    stored = AuditEvent.objects.in_bulk([e.pk for e in events])
    assert [stored[e.pk].object_id for e in events] == [str(o.pk) for o in orgs]
    assert {(e.at, e.actor_id, e.after["name"]) for e in stored.values()} == {
        (moment, actor.pk, o.name) for o in orgs
    }
