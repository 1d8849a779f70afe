"""Writing many new rows at once: `insert_rows`, bulk_create by COPY on PostgreSQL.

An import of 50,000 reports writes a few hundred thousand rows (reports, their parts,
audit events, search entries); PostgreSQL takes them some times faster by COPY than by
the INSERT statements bulk_create builds (issue #10). The values are bulk_create's own:
each field's pre_save and database preparation, so a row written either way is the
same. Columns the database computes (generated columns, e.g. the search index's
tsvectors) are not Django fields and are left to it; triggers fire on COPY as on INSERT.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model

BATCH = 1000  # rows per INSERT of the bulk_create path (SQLite's parameter limit)


def insert_rows(
    model: type[Model], objs: list[Any], *, ids: bool = False, batch_size: int = BATCH
) -> list[Any]:
    """`bulk_create(objs)` of new rows, in COPY on PostgreSQL, in one transaction.

    With `ids`, the primary keys are taken from the table's sequence first and set on
    the objects, as bulk_create sets them from RETURNING; without, they stay unset (the
    caller does not need them). Errors are Django's (IntegrityError for a unique
    conflict), and nothing of the call is left written. Returns `objs`."""
    if not objs:
        return objs
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return model._default_manager.db_manager(alias).bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    if pk is None or meta.parents:  # bulk_create refuses multi-table models too
        raise TypeError(f"{model.__name__}: no single table to COPY into")
    for obj in objs:  # unsaved related objects refused, saved ones' ids taken
        if obj._state.fields_cache:  # the check reads only related objects set on it
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
    fields = [f for f in meta.concrete_fields if not f.generated and (ids or f is not pk)]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    # COPY goes to psycopg's cursor itself: wrap_database_errors turns its errors into
    # Django's, as a query's are; the transaction leaves nothing of a failed call.
    with (
        transaction.atomic(using=alias, savepoint=False),
        connection.cursor() as cur,
        connection.wrap_database_errors,
    ):
        if ids:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cur.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
        steps = [(f.pre_save, f.get_db_prep_save) for f in fields]
        with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([prep(pre(obj, True), connection) for pre, prep in steps])
    for obj in objs:  # as bulk_create leaves them: saved rows
        obj._state.adding = False
        obj._state.db = alias
    return objs
