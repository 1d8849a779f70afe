"""Rollup tables kept current by the activities' announcements (see docs/figures.md).

The grain ("coarse cell") is (program, content, locality, month). On every announced
change, the coarse cells of the reports concerned are recomputed from the raw rows and
replaced, inside the same transaction, under a lock on the program row that serializes
rollup writes of one program. A program's rollups are read only once they have been
built completely (a `ProgramRollup` row); until then the raw rows are read.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, Max, Model, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save

from phoihop.activities import events
from phoihop.activities.models import Activity, Credit, Funding, IndicatorValue, Participation
from phoihop.core import clock
from phoihop.figures import cells as fc
from phoihop.figures.models import (
    FigureCell,
    FigurePlace,
    FigureSpan,
    FigureSummary,
    Measure,
    ProgramRollup,
)
from phoihop.geo.choices import AreaKind
from phoihop.geo.models import AreaClassification
from phoihop.programs.choices import Aggregation
from phoihop.programs.models import Program

Coarse = tuple[int, int, int, datetime.date]  # program, content, locality, month


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


# -- cells <-> rows -------------------------------------------------------------------------


def _rows(table: Table, program_id: int, cells: dict[fc.CellKey, fc.Acc]) -> list[Model]:
    model = table.model
    rows: list[Model] = []
    for key, acc in cells.items():
        base: dict[str, object] = {"program_id": program_id}
        for name in table.grain:
            base[name] = getattr(key, name)
        if table.organizations:
            base["organization_id"] = key.organization_id
        elif key.organization_id is not None:
            continue
        rows.append(model(measure=Measure.ACTIVITIES, count=acc.activities, **base))
        for tg, n in sorted(acc.participants.items()):
            rows.append(model(measure=Measure.PARTICIPANTS, target_group_id=tg, total=n, **base))
        for source, amount in sorted(acc.funding.items()):
            rows.append(model(measure=Measure.FUNDING, source=source, total=amount, **base))
        for ind, item in sorted(acc.indicators.items()):
            latest = item.latest_key
            rows.append(
                model(
                    measure=Measure.INDICATOR,
                    indicator_id=ind,
                    count=item.count,
                    total=item.total,
                    denominator=item.denominator,
                    maximum=item.maximum,
                    latest_end=latest[0] if latest else None,
                    latest_start=latest[1] if latest else None,
                    latest_activity=latest[2] if latest else None,
                    latest_value=item.latest_value,
                    **base,
                )
            )
    return rows


_LATEST = ("latest_end", "latest_start", "latest_activity", "latest_value")
_FIELDS = (
    "content_id",
    "locality_id",
    "area",
    "month",
    "organization_id",
    "measure",
    "target_group_id",
    "source",
    "indicator_id",
    "count",
    "total",
    "denominator",
    "maximum",
    "latest_end",
    "latest_start",
    "latest_activity",
    "latest_value",
)


def _cells_from_rows(rows: Iterable[tuple], *, as_total: bool = False) -> dict[fc.CellKey, fc.Acc]:
    """`as_total`: the rows are one organization's; key them as "each report once"."""
    cells: dict[fc.CellKey, fc.Acc] = {}
    for (
        content,
        locality,
        area,
        month,
        org,
        measure,
        tg,
        source,
        ind,
        count,
        total,
        denominator,
        maximum,
        latest_end,
        latest_start,
        latest_activity,
        latest_value,
    ) in rows:
        key = fc.CellKey(content, locality, area, month, None if as_total else org)
        acc = cells.get(key)
        if acc is None:
            acc = cells[key] = fc.Acc()
        if measure == Measure.ACTIVITIES:
            acc.activities += count
        elif measure == Measure.PARTICIPANTS:
            acc.participants[tg] += int(total)
        elif measure == Measure.FUNDING:
            acc.funding[source] += int(total)
        else:
            item = fc.IndicatorAcc(
                count=count,
                total=total,
                denominator=denominator,
                maximum=maximum,
                latest_key=(latest_end, latest_start, latest_activity)
                if latest_end is not None
                else None,
                latest_value=latest_value,
            )
            mine = acc.indicators.get(ind)
            if mine is None:
                acc.indicators[ind] = item
            else:
                mine.merge(item)
    return cells


GRAIN = ("content_id", "locality_id", "area", "month")
_PLACEHOLDERS: dict[str, object] = {
    "content_id": 0,
    "locality_id": 0,
    "area": "",
    "month": datetime.date(1, 1, 1),
}
_MEASURE_FIELDS = _FIELDS[5:]  # measure … latest_value


@dataclass(frozen=True)
class Table:
    """A rollup table: the grain fields (of GRAIN) it keeps, and whether it holds the
    per-organization rows besides "each report once"."""

    name: str
    model: type[Model]
    grain: tuple[str, ...]
    organizations: bool


CELLS = Table("cell", FigureCell, GRAIN, True)
# Merged over locality and area: every breakdown not split or filtered by place.
SUMMARY = Table("summary", FigureSummary, ("content_id", "month"), True)
# Merged over content, each report once: breakdowns by place or area.
PLACE = Table("place", FigurePlace, ("locality_id", "area", "month"), False)
# Merged over month and area: place × content or organization over the whole period.
SPAN = Table("span", FigureSpan, ("content_id", "locality_id"), True)
SUMMARIES = (SUMMARY, PLACE, SPAN)


def _layout(row: dict) -> tuple:
    return tuple(row[f] if f in row else _PLACEHOLDERS.get(f) for f in _FIELDS)


def _grouped(
    table: Table, qs: QuerySet, keep: Iterable[str], *, every_latest: bool = False
) -> list[tuple]:
    """Rows of `table` in the layout of _FIELDS, summed in the database over the grain
    fields not kept (placeholders in their place). The "latest" key is read for the
    indicators aggregated by it, or with `every_latest` for all (to write summaries
    equal to the cells merged)."""
    keep = set(keep)
    kept = [f for f in table.grain if f in keep]
    org = ["organization_id"] if table.organizations else []
    if len(kept) == len(table.grain):
        cols = [*kept, *org, *_MEASURE_FIELDS]
        return [_layout(dict(zip(cols, r, strict=True))) for r in qs.values_list(*cols).order_by()]
    group = [*kept, *org, "measure", "target_group_id", "source", "indicator_id"]
    summed = (
        qs.values(*group)
        .order_by()
        .annotate(n=Sum("count"), t=Sum("total"), d=Sum("denominator"), m=Max("maximum"))
    )
    latest_qs = qs.filter(measure=Measure.INDICATOR, latest_end__isnull=False)
    if not every_latest:
        latest_qs = latest_qs.filter(indicator__aggregation=Aggregation.LATEST)
    latest = latest_qs.values(*kept, *org, "indicator_id", *_LATEST).order_by()
    rows: list[tuple] = []
    for r in summed:
        r["count"], r["total"], r["denominator"], r["maximum"] = r["n"], r["t"], r["d"], r["m"]
        rows.append(_layout(r))
    for r in latest:
        r.update(
            measure=Measure.INDICATOR,
            target_group_id=None,
            source="",
            count=0,
            total=Decimal(0),
            denominator=Decimal(0),
            maximum=None,
        )
        rows.append(_layout(r))
    return rows


def project(cells: dict[fc.CellKey, fc.Acc], table: Table) -> dict[fc.CellKey, fc.Acc]:
    """Cells merged to the grain of `table` (placeholders for the fields it drops)."""
    found: dict[fc.CellKey, fc.Acc] = {}
    for key, acc in cells.items():
        if not table.organizations and key.organization_id is not None:
            continue
        values = [getattr(key, f) if f in table.grain else _PLACEHOLDERS[f] for f in GRAIN]
        k = fc.CellKey(*values, key.organization_id)  # type: ignore[arg-type, call-arg]
        mine = found.get(k)
        if mine is None:
            mine = found[k] = fc.Acc()
        mine.merge(acc)
    return found


def _choose(
    keep: set[str],
    *,
    organizations: tuple[int, ...] | None,
    contents: tuple[int, ...] | None,
    by_organization: bool,
    dated: bool = False,
) -> Table:
    """The coarsest table holding the dimensions asked for (`dated`: the slice has
    dates, which only the tables with months can filter)."""
    if keep <= set(SUMMARY.grain):
        return SUMMARY
    if keep <= set(SPAN.grain) and not dated:
        return SPAN
    if (
        keep <= set(PLACE.grain)
        and organizations is None
        and contents is None
        and not by_organization
    ):
        return PLACE
    return CELLS


def stored_cells(program_id: int) -> dict[fc.CellKey, fc.Acc]:
    """Every stored cell of the program, as they are (for `verify`)."""
    return _cells_from_rows(
        FigureCell.objects.filter(program_id=program_id).values_list(*_FIELDS).order_by()
    )


def is_built(program_id: int) -> bool:
    return ProgramRollup.objects.filter(program_id=program_id).exists()


def readable(
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    organizations: tuple[int, ...] | None,
) -> bool:
    """Whether a slice is expressible in rollup rows (of a built program): no preview,
    dates on month boundaries, no organization or a single one."""
    return not (
        include_submitted
        or (date_from is not None and date_from.day != 1)
        or (date_to is not None and date_to != _month_end(date_to))
        or (organizations is not None and len(organizations) != 1)
    )


def read_cells(
    program_id: int,
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    organizations: tuple[int, ...] | None,
    contents: tuple[int, ...] | None = None,
    keep: Iterable[str] | None = None,
    by_organization: bool = True,
    target_groups: bool = True,
    built: bool | None = None,
    latest: bool = True,
) -> dict[fc.CellKey, fc.Acc] | None:
    """The cells from the rollups, or None when the slice needs the raw rows: a preview
    with submitted reports, dates not on month boundaries, several organizations at once
    (their union counts each report once), or a program not built yet.

    `keep`: the grain fields the caller splits by (of GRAIN); the others are summed in
    the database and left as placeholders (content 0, locality 0, area "", month
    1/1/1), so a breakdown reads few rows however many reports there are. The coarsest
    table holding them is read (SUMMARY, PLACE, else CELLS). `by_organization` False:
    the caller needs only "each report once" (organization None) cells; True (and no
    organization filter): the organization cells, and "each report once" cells that
    merge into the slice's total (from SUMMARY merged to one cell, every grain field a
    placeholder, when another table is read: all the caller's total needs).
    `target_groups` False: participants are summed over the target groups (keyed None),
    for callers that do not split by them. `built`: whether the program is built, when
    the caller has just read it (None: read here). `latest` False: the program has no
    indicator aggregated by its latest value (the grouped reads skip those keys)."""
    if not readable(
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        organizations=organizations,
    ):
        return None
    if built is None:
        built = ProgramRollup.objects.filter(program_id=program_id).exists()
    if not built:
        return None
    keep = set(GRAIN if keep is None else keep)
    table = _choose(
        keep,
        organizations=organizations,
        contents=contents,
        by_organization=by_organization,
        dated=date_from is not None or date_to is not None,
    )
    qs = _slice(table, program_id, date_from, date_to, contents)
    whole_slice: dict[fc.CellKey, fc.Acc] = {}
    if organizations is not None:
        qs = qs.filter(organization_id=organizations[0])
    elif not by_organization and table.organizations:
        qs = qs.filter(organization_id__isnull=True)
    elif table.organizations and table is not SUMMARY:
        # By organization: the table's "each report once" rows would serve the total
        # alone, a third of them; the summary merged to nothing gives it in a few rows.
        qs = qs.filter(organization_id__isnull=False)
        whole = _slice(SUMMARY, program_id, date_from, date_to, contents)
        whole_slice = _read(
            SUMMARY,
            whole.filter(organization_id__isnull=True),
            set(),
            target_groups=target_groups,
            latest=latest,
        )
    cells = _read(table, qs, keep, target_groups=target_groups, latest=latest)
    cells.update(whole_slice)
    if organizations is not None:
        # The one organization's reports are also the slice's total ("each report once").
        for key, acc in list(cells.items()):
            total = cells[key._replace(organization_id=None)] = fc.Acc()
            total.merge(acc)
    return cells


def _slice(
    table: Table,
    program_id: int,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    contents: tuple[int, ...] | None,
) -> QuerySet:
    qs = table.model._default_manager.filter(program_id=program_id)
    if date_from is not None:
        qs = qs.filter(month__gte=date_from)
    if date_to is not None:
        qs = qs.filter(month__lte=date_to)
    if contents is not None:
        qs = qs.filter(content_id__in=contents)
    return qs


def _fetch(qs: QuerySet) -> Iterable[tuple]:
    """The rows of a values_list query. On PostgreSQL straight from the cursor: the
    driver already gives Decimals, dates and ints, and Django's per-row converters cost
    more than the query on a breakdown of tens of thousands of rows. SQLite needs them
    (its numbers are floats, its dates text)."""
    if connection.vendor != "postgresql":
        return qs
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class _Shape:
    """Where the fields of a cell are in the rows `_read` fetches."""

    spec: tuple[tuple[int | None, object], ...]  # per GRAIN field: position or placeholder
    org: int | None  # position of the organization (None: each report once)
    tg: int | None  # position of the target group (None: summed over them)
    measure: int
    source: int
    indicator: int
    values: int  # first of count, total, denominator, maximum (then the latest key)

    def key(self, r: tuple) -> fc.CellKey:
        grain = [r[i] if i is not None else placeholder for i, placeholder in self.spec]
        return fc.CellKey(*grain, None if self.org is None else r[self.org])  # type: ignore[arg-type, call-arg]


def _read(
    table: Table, qs: QuerySet, keep: set[str], *, target_groups: bool, latest: bool = True
) -> dict[fc.CellKey, fc.Acc]:
    """The cells of `qs` (rows of `table`) merged in the database over the grain fields
    not in `keep` (placeholders in their place) and, without `target_groups`, over the
    target groups of participants (keyed None). Straight from the rows to the cells:
    this is the inner loop of every breakdown read from the rollups."""
    kept = [f for f in table.grain if f in keep]
    org = ["organization_id"] if table.organizations else []
    n = len(kept)
    spec = tuple((kept.index(f) if f in kept else None, _PLACEHOLDERS[f]) for f in GRAIN)

    def shape_of(fields: list[str]) -> _Shape:
        return _Shape(
            spec=spec,
            org=n if org else None,
            tg=fields.index("target_group_id") if target_groups else None,
            measure=n + len(org),
            source=fields.index("source"),
            indicator=fields.index("indicator_id"),
            values=len(fields),
        )

    if n == len(table.grain):
        # Nothing to merge over but perhaps the target groups: read the rows as they
        # are (the accumulation adds up the groups; a GROUP BY here spills to disk on
        # PostgreSQL's default work_mem and costs more than it saves), a query per
        # measure with only its columns (converting every measure's columns for every
        # row cost three times the four queries).
        fields = [*kept, *org, "measure", "target_group_id", "source", "indicator_id"]
        return _by_measure(
            qs, [*kept, *org], shape_of(fields), target_groups=target_groups, latest=latest
        )
    tg = ["target_group_id"] if target_groups else []
    group = [*kept, *org, "measure", *tg, "source", "indicator_id"]
    shape = shape_of(group)
    summed = (
        qs.values(*group)
        .order_by()
        .annotate(n=Sum("count"), t=Sum("total"), d=Sum("denominator"), m=Max("maximum"))
        .values_list(*group, "n", "t", "d", "m")
    )
    cells = _accumulate(_fetch(summed), shape, with_latest=False)
    if not latest:
        return cells
    # "latest" values are not summed: read for the indicators aggregated by them.
    latest_rows = (
        qs.filter(
            measure=Measure.INDICATOR,
            latest_end__isnull=False,
            indicator__aggregation=Aggregation.LATEST,
        )
        .order_by()
        .values_list(*kept, *org, "indicator_id", *_LATEST)
    )
    at = n + len(org)
    for r in _fetch(latest_rows):
        item = cells[shape.key(r)].indicators[r[at]]
        key = (r[at + 1], r[at + 2], r[at + 3])
        if item.latest_key is None or key > item.latest_key:
            item.latest_key, item.latest_value = key, r[at + 4]
    return cells


def _by_measure(
    qs: QuerySet, key_fields: list[str], shape: _Shape, *, target_groups: bool, latest: bool
) -> dict[fc.CellKey, fc.Acc]:
    """The cells of `qs` read row by row, one query per measure: the rows' leading
    `key_fields` are the cell (`shape.key`); participants keyed by target group or,
    without `target_groups`, added up (keyed None). Without `latest`, the latest keys
    are not read (no indicator of the slice is aggregated by them)."""
    k = len(key_fields)
    cells: dict[tuple, fc.Acc] = {}
    get = cells.get
    new = fc.Acc
    # Participants and funding are whole numbers: read as integers, not Decimals.
    qs = qs.order_by().annotate(whole=Cast("total", BigIntegerField()))

    def of(measure: str, *columns: str) -> Iterable[tuple]:
        return _fetch(qs.filter(measure=measure).values_list(*key_fields, *columns))

    for r in of(Measure.ACTIVITIES, "count"):
        key = r[:k]
        acc = get(key)
        if acc is None:
            acc = cells[key] = new()
        acc.activities += r[k]
    for r in of(Measure.PARTICIPANTS, "target_group_id", "whole"):
        key = r[:k]
        acc = get(key)
        if acc is None:
            acc = cells[key] = new()
        acc.participants[r[k] if target_groups else None] += r[k + 1]
    for r in of(Measure.FUNDING, "source", "whole"):
        key = r[:k]
        acc = get(key)
        if acc is None:
            acc = cells[key] = new()
        acc.funding[r[k]] += r[k + 1]
    item_of = fc.IndicatorAcc
    columns = ["indicator_id", "count", "total", "denominator", "maximum"]
    for r in of(Measure.INDICATOR, *columns, *(_LATEST if latest else ())):
        key = r[:k]
        acc = get(key)
        if acc is None:
            acc = cells[key] = new()
        item = item_of(r[k + 1], r[k + 2], r[k + 3], r[k + 4])
        if latest and r[k + 5] is not None:
            item.latest_key = (r[k + 5], r[k + 6], r[k + 7])
            item.latest_value = r[k + 8]
        mine = acc.indicators.get(r[k])
        if mine is None:
            acc.indicators[r[k]] = item
        else:
            mine.merge(item)
    return {shape.key(key): acc for key, acc in cells.items()}


def _accumulate(
    rows: Iterable[tuple], shape: _Shape, *, with_latest: bool
) -> dict[fc.CellKey, fc.Acc]:
    # Keyed by the rows' leading key fields as they come (a tuple slice), turned into
    # cell keys once per cell at the end.
    cells: dict[tuple, fc.Acc] = {}
    get = cells.get
    v = shape.values
    k = shape.measure
    for r in rows:
        key = r[:k]
        acc = get(key)
        if acc is None:
            acc = cells[key] = fc.Acc()
        measure = r[shape.measure]
        if measure == Measure.ACTIVITIES:
            acc.activities += r[v]
        elif measure == Measure.PARTICIPANTS:
            acc.participants[None if shape.tg is None else r[shape.tg]] += int(r[v + 1])
        elif measure == Measure.FUNDING:
            acc.funding[r[shape.source]] += int(r[v + 1])
        else:
            item = fc.IndicatorAcc(
                count=r[v], total=r[v + 1], denominator=r[v + 2], maximum=r[v + 3]
            )
            if with_latest and r[v + 4] is not None:
                item.latest_key = (r[v + 4], r[v + 5], r[v + 6])
                item.latest_value = r[v + 7]
            mine = acc.indicators.get(r[shape.indicator])
            if mine is None:
                acc.indicators[r[shape.indicator]] = item
            else:
                mine.merge(item)
    return {shape.key(key): acc for key, acc in cells.items()}


# -- writing --------------------------------------------------------------------------------


def _lock(program_id: int) -> bool:
    """Lock the program row (serializes rollup writes); whether its rollups are built."""
    list(Program.all_objects.select_for_update().filter(pk=program_id).values_list("pk"))
    return ProgramRollup.objects.filter(program_id=program_id).exists()


def _months_with_reports(program_id: int) -> list[datetime.date]:
    return list(Activity.all_objects.filter(program_id=program_id).dates("start_date", "month"))


def _bulk_create(rows: list[Model]) -> None:
    by_model: dict[type[Model], list[Model]] = defaultdict(list)
    for row in rows:
        by_model[type(row)].append(row)
    for model, items in by_model.items():
        model._default_manager.bulk_create(items, batch_size=1000)


# -- rebuilding, set-based ------------------------------------------------------------------
#
# The rebuild computes the same rows as the listener (cells from the raw rows, the
# summaries merged from the cells) but in a few INSERT … SELECT … GROUP BY statements,
# whatever the number of reports: the database does the work, nothing passes through
# Python. The SQL is portable between SQLite and PostgreSQL except the month truncation.


def _t(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _area_sql() -> str:
    """The area key of a group of (activity, classification kind) rows: the kinds
    sorted as `cells.area_key` sorts them, joined by "+" (no string aggregate with an
    order is common to SQLite and PostgreSQL; the kinds are a fixed set)."""
    parts = " || ".join(
        f"CASE WHEN MAX(CASE WHEN ac.kind = '{kind}' THEN 1 ELSE 0 END) = 1 "
        f"THEN '+{kind}' ELSE '' END"
        for kind in sorted(AreaKind.values)
    )
    return f"SUBSTR({parts}, 2)"


_ROLLUP_COLUMNS = (
    "measure, target_group_id, source, indicator_id, count, total, denominator, maximum, "
    "latest_end, latest_start, latest_activity, latest_value"
)
_NO_LATEST = (
    "CAST(NULL AS numeric), CAST(NULL AS date), CAST(NULL AS date), "
    "CAST(NULL AS bigint), CAST(NULL AS numeric)"
)


def _counted_sql(where: str = "TRUE") -> str:
    """SELECT of the reports the figures count (approved, not in the trash) of the
    programs in `where` (a condition on the activity alias `x`), each with its month and
    its area on its start date."""
    activity = _t(Activity)
    # Only our own table and column names are formatted in; values are parameters.
    return f"""
SELECT x.id, x.program_id, x.content_id, x.locality_id, x.organization_id,
       x.start_date, x.end_date, {_month_sql("x.start_date")} AS month,
       COALESCE(ar.area, '') AS area
FROM {activity} x
LEFT JOIN (
    SELECT y.id, {_area_sql()} AS area
    FROM {activity} y
    JOIN {_t(AreaClassification)} ac ON ac.unit_id = y.locality_id
         AND ac.valid_from <= y.start_date
         AND (ac.valid_to IS NULL OR y.start_date <= ac.valid_to)
    WHERE y.status = 'approved' AND y.deleted_at IS NULL AND {where.replace("x.", "y.")}
    GROUP BY y.id
) ar ON ar.id = x.id
WHERE x.status = 'approved' AND x.deleted_at IS NULL AND {where}"""  # noqa: S608


def _cells_sql(where: str) -> str:
    """INSERT of every cell of the counted reports of the programs in `where` (a
    condition on the activity alias `x`)."""
    credit = _t(Credit)
    grain = "c.program_id, c.content_id, c.locality_id, c.area, c.month, o.organization_id"
    columns = "program_id, content_id, locality_id, area, month, organization_id"
    # Only our own table and column names are formatted in; values are parameters.
    return f"""
WITH counted AS (
{_counted_sql(where)}
),
owners AS (
    SELECT id AS activity_id, CAST(NULL AS bigint) AS organization_id FROM counted
    UNION ALL
    SELECT activity_id, organization_id FROM (
        SELECT id AS activity_id, organization_id FROM counted
        UNION
        SELECT cr.activity_id, cr.organization_id
        FROM {credit} cr JOIN counted k ON k.id = cr.activity_id
        WHERE cr.confirmed_at IS NOT NULL
    ) credited
)
INSERT INTO {_t(FigureCell)} ({columns}, {_ROLLUP_COLUMNS})
SELECT {grain}, 'n', CAST(NULL AS bigint), '', CAST(NULL AS bigint), COUNT(*),
       CAST(0 AS numeric), CAST(0 AS numeric), {_NO_LATEST}
FROM counted c JOIN owners o ON o.activity_id = c.id
GROUP BY {grain}
UNION ALL
SELECT {grain}, 'p', p.target_group_id, '', CAST(NULL AS bigint), 0,
       SUM(p.count), CAST(0 AS numeric), {_NO_LATEST}
FROM counted c JOIN owners o ON o.activity_id = c.id
JOIN {_t(Participation)} p ON p.activity_id = c.id
GROUP BY {grain}, p.target_group_id
UNION ALL
SELECT {grain}, 'f', CAST(NULL AS bigint), fu.source, CAST(NULL AS bigint), 0,
       SUM(fu.amount), CAST(0 AS numeric), {_NO_LATEST}
FROM counted c JOIN owners o ON o.activity_id = c.id
JOIN {_t(Funding)} fu ON fu.activity_id = c.id
GROUP BY {grain}, fu.source
UNION ALL
SELECT program_id, content_id, locality_id, area, month, organization_id,
       'i', CAST(NULL AS bigint), '', indicator_id, COUNT(*),
       SUM(value), COALESCE(SUM(denominator), 0), MAX(value),
       MAX(CASE WHEN rn = 1 THEN end_date END), MAX(CASE WHEN rn = 1 THEN start_date END),
       MAX(CASE WHEN rn = 1 THEN id END), MAX(CASE WHEN rn = 1 THEN value END)
FROM (
    SELECT {grain}, c.id, c.start_date, c.end_date, v.indicator_id, v.value, v.denominator,
           ROW_NUMBER() OVER (
               PARTITION BY {grain}, v.indicator_id
               ORDER BY c.end_date DESC, c.start_date DESC, c.id DESC
           ) AS rn
    FROM counted c JOIN owners o ON o.activity_id = c.id
    JOIN {_t(IndicatorValue)} v ON v.activity_id = c.id
) r
GROUP BY program_id, content_id, locality_id, area, month, organization_id, indicator_id
"""  # noqa: S608


def _merge_sql(table: Table, where: str) -> str:
    """INSERT into a summary table of the cells (of the programs in `where`, a
    condition on the cell alias `x`) merged to its grain, as `_summarize` merges them."""
    grain = ["program_id", *table.grain]
    if table.organizations:
        grain.append("organization_id")
    else:
        where += " AND x.organization_id IS NULL"
    keys = ", ".join([*grain, "measure", "target_group_id", "source", "indicator_id"])
    return f"""
INSERT INTO {_t(table.model)} ({", ".join(grain)}, {_ROLLUP_COLUMNS})
SELECT {keys}, SUM(count), SUM(total), SUM(denominator), MAX(maximum),
       MAX(CASE WHEN rn = 1 THEN latest_end END), MAX(CASE WHEN rn = 1 THEN latest_start END),
       MAX(CASE WHEN rn = 1 THEN latest_activity END), MAX(CASE WHEN rn = 1 THEN latest_value END)
FROM (
    SELECT x.*, ROW_NUMBER() OVER (
        PARTITION BY {keys}
        ORDER BY CASE WHEN latest_end IS NULL THEN 1 ELSE 0 END, latest_end DESC,
                 latest_start DESC, latest_activity DESC
    ) AS rn
    FROM {_t(FigureCell)} x
    WHERE {where}
) r
GROUP BY {keys}
"""  # noqa: S608 - our own table and column names; values are parameters


# -- rebuilding everything on PostgreSQL: new tables swapped in ---------------------------
#
# A full rebuild writes tens of millions of rows. Written in place (DELETE, INSERT …
# SELECT) they cost a serial plan (PostgreSQL never runs the SELECT of an INSERT in
# parallel, nor a plan over a CTE read several times), a sort per window function, nine
# index updates per row and the dead old rows. Instead each step is a CREATE TABLE … AS
# into an UNLOGGED stage table (parallel plans, no WAL), the "latest" of a group is a
# MAX over an array (a hash aggregate, no sort), the rows are copied into a new table
# shaped LIKE the live one, its indexes are built once at the end, and the new tables
# replace the live ones by name at the end of the transaction. Readers see the old
# tables until the commit (the swap waits for the ones reading at that moment, an
# instant) and the new ones after it; writers of the rollups (`on_change`) wait on the
# program rows locked for the whole rebuild, then refresh their cells in the new tables.

_EPOCH = "DATE '2000-01-01'"


def _latest_array(end: str, start: str, activity: str, value: str) -> str:
    """A sortable array of (end, start, activity, value): its MAX over a group is the
    row `ROW_NUMBER() … ORDER BY end DESC, start DESC, activity DESC` would pick (the
    three are never NULL where it is used)."""
    return (
        f"ARRAY[CAST({end} - {_EPOCH} AS numeric), CAST({start} - {_EPOCH} AS numeric), "
        f"CAST({activity} AS numeric), CAST({value} AS numeric)]"
    )


def _from_latest_array(column: str) -> str:
    return (
        f"{_EPOCH} + CAST({column}[1] AS integer), {_EPOCH} + CAST({column}[2] AS integer), "
        f"CAST({column}[3] AS bigint), {column}[4]"
    )


_CELL_COLUMNS = ("program_id", *_FIELDS)


def _columns(table: Table) -> list[str]:
    keep = set(table.grain) | ({"organization_id"} if table.organizations else set())
    return ["program_id", *(f for f in _FIELDS[:5] if f in keep), *_MEASURE_FIELDS]


def _stage_sql(stage: dict[str, str]) -> list[str]:
    """The statements filling the stage tables from the raw rows: the counted reports,
    then their owners."""
    none = "CAST(NULL AS bigint)"
    counted, owned = stage["counted"], stage["owned"]
    return [
        f"""
CREATE UNLOGGED TABLE {counted} AS
{_counted_sql()}""",
        f"ANALYZE {counted}",
        # Each report once (no organization), and once per owner: its organization and
        # those of its confirmed credits.
        f"""
CREATE UNLOGGED TABLE {owned} AS
SELECT c.program_id, c.content_id, c.locality_id, c.area, c.month,
       {none} AS organization_id, c.id, c.start_date, c.end_date
FROM {counted} c
UNION ALL
SELECT c.program_id, c.content_id, c.locality_id, c.area, c.month,
       w.organization_id, c.id, c.start_date, c.end_date
FROM {counted} c JOIN (
    SELECT id AS activity_id, organization_id FROM {counted}
    UNION
    SELECT cr.activity_id, cr.organization_id
    FROM {_t(Credit)} cr JOIN {counted} k ON k.id = cr.activity_id
    WHERE cr.confirmed_at IS NOT NULL
) w ON w.activity_id = c.id""",  # noqa: S608
        f"ANALYZE {owned}",
    ]


def _cells_select(owned: str) -> str:
    """Every cell, from the stage table of owned reports, in the columns of _columns."""
    grain = "o.program_id, o.content_id, o.locality_id, o.area, o.month, o.organization_id"
    none = "CAST(NULL AS bigint)"
    zero = "CAST(0 AS numeric)"
    columns = ", ".join(_CELL_COLUMNS)
    return f"""
SELECT * FROM (
SELECT {grain}, 'n', {none}, '', {none}, COUNT(*), {zero}, {zero}, {_NO_LATEST}
FROM {owned} o
GROUP BY {grain}
UNION ALL
SELECT {grain}, 'p', p.target_group_id, '', {none}, 0, SUM(p.count), {zero}, {_NO_LATEST}
FROM {owned} o JOIN {_t(Participation)} p ON p.activity_id = o.id
GROUP BY {grain}, p.target_group_id
UNION ALL
SELECT {grain}, 'f', {none}, fu.source, {none}, 0, SUM(fu.amount), {zero}, {_NO_LATEST}
FROM {owned} o JOIN {_t(Funding)} fu ON fu.activity_id = o.id
GROUP BY {grain}, fu.source
UNION ALL
SELECT program_id, content_id, locality_id, area, month, organization_id, 'i', {none}, '',
       indicator_id, n, total, denominator, maximum, {_from_latest_array("latest")}
FROM (
    SELECT {grain}, v.indicator_id, COUNT(*) AS n, SUM(v.value) AS total,
           COALESCE(SUM(v.denominator), 0) AS denominator, MAX(v.value) AS maximum,
           MAX({_latest_array("o.end_date", "o.start_date", "o.id", "v.value")}) AS latest
    FROM {owned} o JOIN {_t(IndicatorValue)} v ON v.activity_id = o.id
    GROUP BY {grain}, v.indicator_id
) i
) c ({columns})"""  # noqa: S608 - our own table and column names


def _merged_select(table: Table, cells: str) -> str:
    """The rows of a summary table merged from the cells (a table's name), as
    `_merge_sql` merges them, in the columns of _columns."""
    keys = ["program_id", *table.grain]
    if table.organizations:
        keys.append("organization_id")
    where = "" if table.organizations else "WHERE organization_id IS NULL"
    group = ", ".join([*keys, "measure", "target_group_id", "source", "indicator_id"])
    latest = _latest_array("latest_end", "latest_start", "latest_activity", "latest_value")
    return f"""
SELECT * FROM (
SELECT {group}, count, total, denominator, maximum, {_from_latest_array("latest")}
FROM (
    SELECT {group}, SUM(count) AS count, SUM(total) AS total,
           SUM(denominator) AS denominator, MAX(maximum) AS maximum,
           MAX(CASE WHEN latest_end IS NOT NULL THEN {latest} END) AS latest
    FROM {cells}
    {where}
    GROUP BY {group}
) m
) s ({", ".join(_columns(table))})"""  # noqa: S608 - our own table and column names


def _indexes(cursor: Any, table: str) -> list[tuple[str, str, str | None, str | None]]:
    """(name, CREATE INDEX statement, constraint name, constraint definition) of every
    index of the live table: whatever the migrations made, the new table gets."""
    cursor.execute(
        """
        SELECT ci.relname, pg_get_indexdef(i.indexrelid), c.conname, pg_get_constraintdef(c.oid)
        FROM pg_index i
        JOIN pg_class ci ON ci.oid = i.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        WHERE i.indrelid = CAST(%s AS regclass)
        ORDER BY ci.relname
        """,
        [table],
    )
    return list(cursor.fetchall())


def _create(cursor: Any, table: Table, select: str) -> tuple[str, int, list[tuple[str, str]]]:
    """A new table shaped like the live one, created from `select` by CREATE TABLE … AS
    (its columns cast to the live types, the identity numbered), then given the live
    table's NOT NULLs, defaults, checks, identity and indexes; the new table's name, its
    rows and (temporary, final) index names."""
    live = table.model._meta.db_table
    new = f"{live}_rebuilt"
    q = connection.ops.quote_name
    cursor.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
               pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = CAST(%s AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        [live],
    )
    attributes = cursor.fetchall()
    produced = set(_columns(table))
    expressions, alter, identity = [], [], []
    for name, type_, not_null, generated, default in attributes:
        if name in produced:
            expressions.append(f"CAST(r.{q(name)} AS {type_}) AS {q(name)}")
        elif generated:
            expressions.append(f"CAST(ROW_NUMBER() OVER () AS {type_}) AS {q(name)}")
            how = "ALWAYS" if generated == "a" else "BY DEFAULT"
            identity.append(f"ALTER COLUMN {q(name)} ADD GENERATED {how} AS IDENTITY")
        else:
            raise ValueError(f"{live}.{name} is not written by the rebuild")
        if not_null:
            alter.append(f"ALTER COLUMN {q(name)} SET NOT NULL")
        if default is not None and not generated:
            alter.append(f"ALTER COLUMN {q(name)} SET DEFAULT {default}")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(%s AS regclass) AND contype = 'c'",
        [live],
    )
    alter += [f"ADD CONSTRAINT {q(name)} {definition}" for name, definition in cursor.fetchall()]
    cursor.execute(f"DROP TABLE IF EXISTS {q(new)}")
    cursor.execute(f"CREATE TABLE {q(new)} AS SELECT {', '.join(expressions)} FROM ({select}) r")  # noqa: S608
    written = cursor.rowcount
    # One statement: one scan of the new table checks every NOT NULL and CHECK.
    cursor.execute(f"ALTER TABLE {q(new)} {', '.join(alter)}")
    for statement in identity:
        cursor.execute(f"ALTER TABLE {q(new)} {statement}")
    for name, *_ in (a for a in attributes if a[3]):
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
            [q(new), name, max(written, 1), written > 0],
        )
    renames = []
    for n, (name, create, constraint, definition) in enumerate(_indexes(cursor, live)):
        temporary = f"{new}_{n}"
        if constraint:  # the primary key: a constraint of the same kind
            cursor.execute(f"ALTER TABLE {q(new)} ADD CONSTRAINT {q(temporary)} {definition}")
        else:
            head, _, rest = create.partition(" ON ")
            using = rest.partition(" USING ")[2]
            unique = "UNIQUE " if head.startswith("CREATE UNIQUE") else ""
            cursor.execute(f"CREATE {unique}INDEX {q(temporary)} ON {q(new)} USING {using}")
        renames.append((temporary, name))
    cursor.execute(f"ANALYZE {q(new)}")
    return new, written, renames


def _swap(cursor: Any, filled: list[tuple[Table, str, list[tuple[str, str]]]]) -> None:
    """The new tables take the live ones' names, indexes' names and sequences' names."""
    q = connection.ops.quote_name
    live = [table.model._meta.db_table for table, _, _ in filled]
    # All at once, in one order: readers of several rollup tables cannot interleave.
    cursor.execute(f"LOCK TABLE {', '.join(map(q, live))} IN ACCESS EXCLUSIVE MODE")
    for table, new, renames in filled:
        name = table.model._meta.db_table
        cursor.execute(f"DROP TABLE {q(name)}")
        cursor.execute(f"ALTER TABLE {q(new)} RENAME TO {q(name)}")
        for temporary, final in renames:
            cursor.execute(f"ALTER INDEX {q(temporary)} RENAME TO {q(final)}")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {q(name + '_id_seq')}")


def _rebuild_everything_postgresql(cursor: Any) -> int:
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
    stage = {name: f"figures_stage_{pid}_{name}" for name in ("counted", "owned")}
    # Hash aggregates and index builds in memory where they fit; parallel plans for the
    # stage tables (their SELECT may run in parallel, unlike an INSERT's; the planner's
    # default costs kept the cells' statement serial) and for the index builds.
    for setting in (
        "work_mem = '512MB'",
        "maintenance_work_mem = '1GB'",
        "max_parallel_workers_per_gather = 2",
        "max_parallel_maintenance_workers = 2",
        "parallel_setup_cost = 100",
        "parallel_tuple_cost = 0.01",
    ):
        cursor.execute(f"SET LOCAL {setting}")
    for statement in _stage_sql(stage):
        cursor.execute(statement)
    new, written, renames = _create(cursor, CELLS, _cells_select(stage["owned"]))
    filled = [(CELLS, new, renames)]
    for name in stage.values():
        cursor.execute(f"DROP TABLE {name}")
    for table in SUMMARIES:
        merged, rows, renames = _create(cursor, table, _merged_select(table, new))
        filled.append((table, merged, renames))
        written += rows
    _swap(cursor, filled)
    return written


@transaction.atomic
def rebuild(program_ids: int | Iterable[int] | None = None) -> int:
    """Recompute the rollups of the given programs (None: of every program) from the
    raw rows, set-based, in one transaction; the number of rollup rows written. The
    rows are exactly those the listener keeps (the property tests compare them)."""
    everything = program_ids is None
    if isinstance(program_ids, int):
        program_ids = [program_ids]
    programs = Program.all_objects.order_by("pk")
    if not everything:
        programs = programs.filter(pk__in=list(program_ids))  # type: ignore[arg-type]
    ids = list(programs.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    if everything:
        where, params = "1 = 1", []
    else:
        where = f"x.program_id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    with connection.cursor() as cursor:
        if everything and connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            written = _rebuild_everything_postgresql(cursor)
        else:
            written = _rebuild_in_place(cursor, where, params, everything)
    now = clock.now()
    built = set(
        ProgramRollup.objects.filter(program_id__in=ids).values_list("program_id", flat=True)
    )
    ProgramRollup.objects.filter(program_id__in=built).update(updated_at=now, version=uuid.uuid4())
    ProgramRollup.objects.bulk_create(
        [
            ProgramRollup(program_id=pk, built_at=now, updated_at=now)
            for pk in ids
            if pk not in built
        ]
    )
    return written


def _rebuild_in_place(cursor: Any, where: str, params: list[int], everything: bool) -> int:
    """DELETE and INSERT … SELECT in the live tables: SQLite, and some programs."""
    written = 0
    if connection.vendor == "postgresql":
        # The row estimates of these statements are far too high and JIT compiling
        # them costs seconds; they run in well under that without it. Their sorts
        # and hash aggregates spill to disk on the default work_mem.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")
    for table in (*SUMMARIES, CELLS):
        delete = f"DELETE FROM {_t(table.model)} AS x WHERE {where}"  # noqa: S608
        cursor.execute(delete, params)
    cursor.execute(_cells_sql(where), params * 2)
    written += cursor.rowcount
    for table in SUMMARIES:
        cursor.execute(_merge_sql(table, where), params)
        written += cursor.rowcount
    if everything and connection.vendor == "postgresql":
        for table in (CELLS, *SUMMARIES):
            cursor.execute(f"ANALYZE {_t(table.model)}")
    return written


def _refresh(program_id: int, coarse: set[Coarse]) -> None:
    """Replace the cells of the given (content, locality, month) of one program."""
    where = Q()
    for _, content, locality, month in coarse:
        where |= Q(content_id=content, locality_id=locality, month=month)
    FigureCell.objects.filter(where, program_id=program_id).delete()
    # Reports of those cells: same content and locality, starting in those months.
    months = sorted({c[3] for c in coarse})
    activity_filter = Q()
    for _, content, locality, month in coarse:
        activity_filter |= Q(
            content_id=content,
            locality_id=locality,
            start_date__gte=month,
            start_date__lte=_month_end(month),
        )
    facts = fc.load_facts(
        fc.counted_activities(
            [program_id],
            date_from=months[0],
            date_to=_month_end(months[-1]),
            extra=activity_filter,
        )
    )
    cells = fc.merge_cells(fc.cells_of(facts))
    _bulk_create(_rows(CELLS, program_id, cells))
    _summarize(program_id, coarse)
    # A new figures version in the same transaction: cached reads of the old one stop
    # being served (figures.cache).
    ProgramRollup.objects.filter(program_id=program_id).update(
        updated_at=clock.now(), version=uuid.uuid4()
    )


def _summarize(program_id: int, coarse: set[Coarse]) -> None:
    """Replace the summary rows the refreshed cells feed: SUMMARY's (content, month),
    PLACE's (locality, month) and SPAN's (content, locality), merged in the database
    from the cells just written."""
    by_content, by_place, by_span = Q(), Q(), Q()
    for _, content, locality, month in coarse:
        by_content |= Q(content_id=content, month=month)
        by_place |= Q(locality_id=locality, month=month)
        by_span |= Q(content_id=content, locality_id=locality)
    cells = FigureCell.objects.filter(program_id=program_id)
    for table, where, source in (
        (SUMMARY, by_content, cells.filter(by_content)),
        (PLACE, by_place, cells.filter(by_place, organization_id__isnull=True)),
        (SPAN, by_span, cells.filter(by_span)),
    ):
        table.model._default_manager.filter(where, program_id=program_id).delete()
        merged = _cells_from_rows(_grouped(CELLS, source, table.grain, every_latest=True))
        table.model._default_manager.bulk_create(_rows(table, program_id, merged), batch_size=1000)


@dataclass
class Stats:
    """Counts for tests and the benchmark: changes seen and coarse cells refreshed."""

    changes: int = 0
    refreshed: int = 0
    rebuilt: int = 0


stats = Stats()


def on_change(change: events.ActivityChange) -> None:
    """The listener registered with activities.events (FiguresConfig.ready)."""
    stats.changes += 1
    by_program: dict[int, set[Coarse]] = defaultdict(set)
    for program, content, locality, start in (
        Activity.all_objects.filter(pk__in=change.activity_ids)
        .values_list("program_id", "content_id", "locality_id", "start_date")
        .order_by()
    ):
        by_program[program].add((program, content, locality, start.replace(day=1)))
    for program_id in sorted(by_program):
        if _lock(program_id):
            _refresh(program_id, by_program[program_id])
            stats.refreshed += len(by_program[program_id])
        else:
            rebuild(program_id)
            stats.rebuilt += 1


def on_area_change(sender: type, instance: AreaClassification, **kwargs: Any) -> None:
    """A commune's classification was set, changed or removed: the area keys of its
    reports' cells may have changed. Their coarse cells are refreshed, in the same
    transaction (the geo services are atomic), like an activity change. Bulk writes
    send no signals: rebuild after them."""
    by_program: dict[int, set[Coarse]] = defaultdict(set)
    for program, content, start in (
        Activity.all_objects.filter(locality_id=instance.unit_id)
        .values_list("program_id", "content_id", "start_date")
        .distinct()
        .order_by()
    ):
        by_program[program].add((program, content, instance.unit_id, start.replace(day=1)))
    for program_id in sorted(by_program):
        if _lock(program_id):  # a program not built reads the raw rows anyway
            _refresh(program_id, by_program[program_id])
            stats.refreshed += len(by_program[program_id])


def register() -> None:
    events.register_listener(on_change)
    # Area keys are computed at write time; localities (successions) at read time.
    for signal in (post_save, post_delete):
        signal.connect(on_area_change, sender=AreaClassification, dispatch_uid="figures.area")


# -- verifying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    program_id: int
    cell: fc.CellKey
    stored: object  # the canonical form of the stored cell (None: missing)
    raw: object  # the canonical form computed from the raw rows (None: none expected)
    table: str = CELLS.name  # or a summary table (SUMMARY.name, PLACE.name)

    def __str__(self) -> str:
        k = self.cell
        prefix = "" if self.table == CELLS.name else f"{self.table} "
        return (
            f"{prefix}program {self.program_id}, content {k.content_id}, locality {k.locality_id}, "
            f"area {k.area or '-'}, month {k.month:%m/%Y}, "
            f"organization {k.organization_id or 'all'}: stored {self.stored!r}, raw {self.raw!r}"
        )


def _canonical(acc: fc.Acc) -> tuple:
    return (
        acc.activities,
        tuple(sorted(acc.participants.items())),
        tuple(sorted(acc.funding.items())),
        tuple(
            (
                ind,
                i.count,
                i.total,
                i.denominator,
                i.maximum,
                i.latest_key,
                i.latest_value,
            )
            for ind, i in sorted(acc.indicators.items())
        ),
    )


def differences(program_id: int) -> list[Difference]:
    """Stored cells against the raw computation, for one program, a month at a time."""
    stored_months: set[datetime.date] = set()
    monthly = [t for t in (CELLS, *SUMMARIES) if "month" in t.grain]
    whole = [t for t in SUMMARIES if "month" not in t.grain]
    for table in monthly:
        stored_months |= set(
            table.model._default_manager.filter(program_id=program_id)
            .values_list("month", flat=True)
            .distinct()
            .order_by()
        )
    found: list[Difference] = []
    # The tables without months are compared once, with the raw cells of every month
    # merged to their grain.
    merged: dict[str, dict[fc.CellKey, fc.Acc]] = {t.name: {} for t in whole}
    for month in sorted(stored_months | set(_months_with_reports(program_id))):
        raw_cells = fc.raw_cells(program_id, date_from=month, date_to=_month_end(month))
        for table in monthly:
            rows = table.model._default_manager.filter(program_id=program_id, month=month)
            expected = raw_cells if table is CELLS else project(raw_cells, table)
            found += _compare(program_id, table, rows, expected)
        for table in whole:
            into = merged[table.name]
            for key, acc in project(raw_cells, table).items():
                into.setdefault(key, fc.Acc()).merge(acc)
    for table in whole:
        rows = table.model._default_manager.filter(program_id=program_id)
        found += _compare(program_id, table, rows, merged[table.name])
    return found


def _compare(
    program_id: int, table: Table, rows: QuerySet, expected: dict[fc.CellKey, fc.Acc]
) -> list[Difference]:
    stored = {
        k: _canonical(v) for k, v in _cells_from_rows(_grouped(table, rows, table.grain)).items()
    }
    raw = {k: _canonical(v) for k, v in expected.items()}
    return [
        Difference(program_id, key, stored.get(key), raw.get(key), table.name)
        for key in sorted(set(stored) | set(raw), key=repr)
        if stored.get(key) != raw.get(key)
    ]


def verify(program_ids: Iterable[int] | None = None) -> dict[int, list[Difference]]:
    """Differences of every built program (or of the given ones; one not built yet has
    none: its figures are read from the raw rows)."""
    if program_ids is None:
        program_ids = ProgramRollup.objects.values_list("program_id", flat=True).order_by(
            "program_id"
        )
    return {pk: differences(pk) if is_built(pk) else [] for pk in program_ids}
