"""Rollup tables kept current by the activities' announcements (see docs/figures.md).

The grain ("coarse cell") is (program, content, locality, month). On every announced
change, the coarse cells of the reports concerned are recomputed from the raw rows and
replaced, inside the same transaction, under a lock on the program row that serializes
rollup writes of one program. A program's rollups are read only once they have been
built completely (a `ProgramRollup` row); until then the raw rows are read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum

from phoihop.activities import events
from phoihop.activities.models import Activity
from phoihop.core import clock
from phoihop.figures import cells as fc
from phoihop.figures.models import FigureCell, Measure, ProgramRollup
from phoihop.programs.choices import Aggregation
from phoihop.programs.models import Program

Coarse = tuple[int, int, int, datetime.date]  # program, content, locality, month


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


# -- cells <-> rows -------------------------------------------------------------------------


def _rows(program_id: int, cells: dict[fc.CellKey, fc.Acc]) -> list[FigureCell]:
    rows: list[FigureCell] = []
    for key, acc in cells.items():
        base = {
            "program_id": program_id,
            "content_id": key.content_id,
            "locality_id": key.locality_id,
            "area": key.area,
            "month": key.month,
            "organization_id": key.organization_id,
        }
        rows.append(FigureCell(measure=Measure.ACTIVITIES, count=acc.activities, **base))
        for tg, n in sorted(acc.participants.items()):
            rows.append(
                FigureCell(measure=Measure.PARTICIPANTS, target_group_id=tg, total=n, **base)
            )
        for source, amount in sorted(acc.funding.items()):
            rows.append(FigureCell(measure=Measure.FUNDING, source=source, total=amount, **base))
        for ind, item in sorted(acc.indicators.items()):
            latest = item.latest_key
            rows.append(
                FigureCell(
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
_PLACEHOLDERS = {"content_id": 0, "locality_id": 0, "area": "", "month": datetime.date(1, 1, 1)}


def _grouped(qs: QuerySet[FigureCell], keep: Iterable[str]) -> list[tuple]:
    """Rows in the layout of _FIELDS, summed over the grain fields not kept."""
    kept = [f for f in GRAIN if f in set(keep)]
    if len(kept) == len(GRAIN):
        return list(qs.values_list(*_FIELDS).order_by())
    group = [*kept, "organization_id", "measure", "target_group_id", "source", "indicator_id"]
    summed = (
        qs.values(*group)
        .order_by()
        .annotate(n=Sum("count"), t=Sum("total"), d=Sum("denominator"), m=Max("maximum"))
    )
    latest = (
        qs.filter(
            measure=Measure.INDICATOR,
            indicator__aggregation=Aggregation.LATEST,
            latest_end__isnull=False,
        )
        .values(*kept, "organization_id", "indicator_id", *_LATEST)
        .order_by()
    )

    def grain(row: dict) -> list:
        return [row[f] if f in row else _PLACEHOLDERS[f] for f in GRAIN]

    rows: list[tuple] = [
        (
            *grain(r),
            r["organization_id"],
            r["measure"],
            r["target_group_id"],
            r["source"],
            r["indicator_id"],
            r["n"],
            r["t"],
            r["d"],
            r["m"],
            None,
            None,
            None,
            None,
        )
        for r in summed
    ]
    rows.extend(
        (
            *grain(r),
            r["organization_id"],
            Measure.INDICATOR,
            None,
            "",
            r["indicator_id"],
            0,
            Decimal(0),
            Decimal(0),
            None,
            *(r[f] for f in _LATEST),
        )
        for r in latest
    )
    return rows


def stored_cells(program_id: int) -> dict[fc.CellKey, fc.Acc]:
    """Every stored cell of the program, as they are (for `verify`)."""
    return _cells_from_rows(
        FigureCell.objects.filter(program_id=program_id).values_list(*_FIELDS).order_by()
    )


def is_built(program_id: int) -> bool:
    return ProgramRollup.objects.filter(program_id=program_id).exists()


def read_cells(
    program_id: int,
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    organizations: tuple[int, ...] | None,
    contents: tuple[int, ...] | None = None,
    keep: Iterable[str] | None = None,
) -> dict[fc.CellKey, fc.Acc] | None:
    """The cells from the rollups, or None when the slice needs the raw rows: a preview
    with submitted reports, dates not on month boundaries, several organizations at once
    (their union counts each report once), or a program not built yet.

    `keep`: the grain fields the caller splits by (of GRAIN); the others are summed in
    the database and left as placeholders (content 0, locality 0, area "", month
    1/1/1), so a breakdown reads few rows however many reports there are."""
    if (
        include_submitted
        or (date_from is not None and date_from.day != 1)
        or (date_to is not None and date_to != _month_end(date_to))
        or (organizations is not None and len(organizations) != 1)
    ):
        return None
    qs = FigureCell.objects.filter(program_id=program_id)
    if date_from is not None:
        qs = qs.filter(month__gte=date_from)
    if date_to is not None:
        qs = qs.filter(month__lte=date_to)
    if contents is not None:
        qs = qs.filter(content_id__in=contents)
    if not ProgramRollup.objects.filter(program_id=program_id).exists():
        return None
    if organizations is not None:
        qs = qs.filter(organization_id=organizations[0])
    rows = _grouped(qs, GRAIN if keep is None else keep)
    if organizations is None:
        return _cells_from_rows(rows)
    cells = _cells_from_rows(rows, as_total=True)
    cells.update(_cells_from_rows(rows))
    return cells


# -- writing --------------------------------------------------------------------------------


def _lock(program_id: int) -> bool:
    """Lock the program row (serializes rollup writes); whether its rollups are built."""
    list(Program.all_objects.select_for_update().filter(pk=program_id).values_list("pk"))
    return ProgramRollup.objects.filter(program_id=program_id).exists()


def _months_with_reports(program_id: int) -> list[datetime.date]:
    return list(Activity.all_objects.filter(program_id=program_id).dates("start_date", "month"))


@transaction.atomic
def rebuild(program_id: int) -> int:
    """Recompute every cell of the program from the raw rows, a month at a time (cells
    never span months); the number of rows written."""
    _lock(program_id)
    FigureCell.objects.filter(program_id=program_id).delete()
    written = 0
    for month in _months_with_reports(program_id):
        cells = fc.raw_cells(program_id, date_from=month, date_to=_month_end(month))
        rows = _rows(program_id, cells)
        FigureCell.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    now = clock.now()
    ProgramRollup.objects.update_or_create(
        program_id=program_id, defaults={"built_at": now, "updated_at": now}
    )
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
    FigureCell.objects.bulk_create(_rows(program_id, cells), batch_size=1000)
    ProgramRollup.objects.filter(program_id=program_id).update(updated_at=clock.now())


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


def register() -> None:
    events.register_listener(on_change)


# -- verifying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    program_id: int
    cell: fc.CellKey
    stored: object  # the canonical form of the stored cell (None: missing)
    raw: object  # the canonical form computed from the raw rows (None: none expected)

    def __str__(self) -> str:
        k = self.cell
        return (
            f"program {self.program_id}, content {k.content_id}, locality {k.locality_id}, "
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
    stored_months = set(
        FigureCell.objects.filter(program_id=program_id)
        .values_list("month", flat=True)
        .distinct()
        .order_by()
    )
    found = []
    for month in sorted(stored_months | set(_months_with_reports(program_id))):
        rows = FigureCell.objects.filter(program_id=program_id, month=month)
        stored = {
            k: _canonical(v)
            for k, v in _cells_from_rows(rows.values_list(*_FIELDS).order_by()).items()
        }
        raw = {
            k: _canonical(v)
            for k, v in fc.raw_cells(program_id, date_from=month, date_to=_month_end(month)).items()
        }
        for key in sorted(set(stored) | set(raw), key=repr):
            if stored.get(key) != raw.get(key):
                found.append(Difference(program_id, key, stored.get(key), raw.get(key)))
    return found


def verify(program_ids: Iterable[int] | None = None) -> dict[int, list[Difference]]:
    """Differences of every built program (or of the given ones; one not built yet has
    none: its figures are read from the raw rows)."""
    if program_ids is None:
        program_ids = ProgramRollup.objects.values_list("program_id", flat=True).order_by(
            "program_id"
        )
    return {pk: differences(pk) if is_built(pk) else [] for pk in program_ids}
