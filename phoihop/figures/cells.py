"""The engine's inside: counted reports → cells of mergeable accumulators.

A *cell* is the figures of the reports sharing (content, locality as recorded, area key,
month of the start date, organization) where organization None means "each report once".
Both the raw computation and the rollup tables produce cells; every public selector
merges cells the same way, so the two paths cannot disagree in meaning.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, QuerySet

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity, Credit, Funding, IndicatorValue, Participation
from phoihop.geo.models import AreaClassification

ZERO = Decimal(0)
# A "latest" order key: (end date, start date, activity id).
LatestKey = tuple[datetime.date, datetime.date, int]


# Slotted: a cold breakdown makes and frees tens of thousands of them (no __dict__ to
# allocate and free with each).
@dataclass(slots=True)
class IndicatorAcc:
    count: int = 0
    total: Decimal = ZERO
    denominator: Decimal = ZERO
    maximum: Decimal | None = None
    latest_key: LatestKey | None = None
    latest_value: Decimal | None = None

    def add(self, value: Decimal, denominator: Decimal | None, key: LatestKey) -> None:
        self.count += 1
        self.total += value
        if denominator is not None:
            self.denominator += denominator
        if self.maximum is None or value > self.maximum:
            self.maximum = value
        if self.latest_key is None or key > self.latest_key:
            self.latest_key, self.latest_value = key, value

    def merge(self, other: IndicatorAcc) -> None:
        self.count += other.count
        self.total += other.total
        self.denominator += other.denominator
        if other.maximum is not None and (self.maximum is None or other.maximum > self.maximum):
            self.maximum = other.maximum
        if other.latest_key is not None and (
            self.latest_key is None or other.latest_key > self.latest_key
        ):
            self.latest_key, self.latest_value = other.latest_key, other.latest_value


@dataclass(slots=True)
class Acc:
    """Mergeable figures of a set of reports."""

    activities: int = 0
    # By target group; None: all groups, where the rollups were read summed over them.
    participants: dict[int | None, int] = field(default_factory=lambda: defaultdict(int))
    funding: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    indicators: dict[int, IndicatorAcc] = field(default_factory=dict)
    approximate: bool = False

    def merge(self, other: Acc) -> None:
        self.activities += other.activities
        for k, n in other.participants.items():
            self.participants[k] += n
        for s, a in other.funding.items():
            self.funding[s] += a
        for i, acc in other.indicators.items():
            mine = self.indicators.get(i)
            if mine is None:
                mine = self.indicators[i] = IndicatorAcc()
            mine.merge(acc)
        self.approximate = self.approximate or other.approximate


class CellKey(NamedTuple):
    """A tuple: built and hashed at C speed, hundreds of thousands per breakdown."""

    content_id: int
    locality_id: int
    area: str
    month: datetime.date
    organization_id: int | None  # None: each report once


@dataclass
class Fact:
    """One counted report with everything the figures need."""

    id: int
    series: str
    content_id: int
    organization_id: int
    locality_id: int
    start: datetime.date
    end: datetime.date
    organizations: set[int] = field(default_factory=set)  # reporter + confirmed credits
    participants: dict[int, int] = field(default_factory=dict)
    funding: dict[str, int] = field(default_factory=dict)
    values: dict[int, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    area: str = ""

    @property
    def month(self) -> datetime.date:
        return self.start.replace(day=1)

    def acc(self) -> Acc:
        acc = Acc(activities=1)
        for tg, n in self.participants.items():
            acc.participants[tg] += n
        for source, amount in self.funding.items():
            acc.funding[source] += amount
        key = (self.end, self.start, self.id)
        for ind, (value, denominator) in self.values.items():
            item = acc.indicators[ind] = IndicatorAcc()
            item.add(value, denominator, key)
        return acc


def area_key(kinds: Iterable[str]) -> str:
    """The partition key of a commune's classifications: sorted kinds joined by "+"."""
    return "+".join(sorted(set(kinds)))


def counted_activities(
    program_ids: Iterable[int],
    *,
    include_submitted: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    extra: Q | None = None,
) -> Counted:
    """The counted revision of each series (not trashed): the approved one, or with
    `include_submitted` the submitted one where a series has one (a preview of it)."""
    statuses = [ActivityStatus.APPROVED]
    if include_submitted:
        statuses.append(ActivityStatus.SUBMITTED)
    qs = Activity.objects.filter(program_id__in=list(program_ids), status__in=statuses)
    if date_from is not None:
        qs = qs.filter(start_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(start_date__lte=date_to)
    if extra is not None:
        qs = qs.filter(extra)
    rows = list(
        qs.values(
            "id",
            "series",
            "status",
            "content_id",
            "organization_id",
            "locality_id",
            "start_date",
            "end_date",
        ).order_by("id")
    )
    if not include_submitted:
        return Counted(rows, qs)
    by_series: dict[str, dict] = {}
    for row in rows:
        have = by_series.get(row["series"])
        if have is None or row["status"] == ActivityStatus.SUBMITTED:
            by_series[row["series"]] = row
    return Counted(sorted(by_series.values(), key=lambda r: r["id"]), qs)


@dataclass
class Counted:
    rows: list[dict]
    # The activities the rows were chosen from: parts are read with it as a subquery,
    # never with a list of ids (no limit on the number of SQL parameters).
    queryset: QuerySet[Activity]


def load_facts(counted: Counted) -> list[Fact]:
    """Parts of the counted activities, in a fixed number of queries."""
    rows = counted.rows
    facts = {
        r["id"]: Fact(
            id=r["id"],
            series=str(r["series"]),
            content_id=r["content_id"],
            organization_id=r["organization_id"],
            locality_id=r["locality_id"],
            start=r["start_date"],
            end=r["end_date"],
            organizations={r["organization_id"]},
        )
        for r in rows
    }
    if not facts:
        return []
    ids = counted.queryset.order_by().values("id")
    for a, tg, n in Participation.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "target_group_id", "count"
    ):
        if a in facts:
            facts[a].participants[tg] = n
    for a, source, amount in Funding.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "source", "amount"
    ):
        if a in facts:
            facts[a].funding[source] = amount
    for a, ind, value, denominator in IndicatorValue.objects.filter(
        activity_id__in=ids
    ).values_list("activity_id", "indicator_id", "value", "denominator"):
        if a in facts:
            facts[a].values[ind] = (value, denominator)
    for a, org in Credit.objects.filter(
        activity_id__in=ids, confirmed_at__isnull=False
    ).values_list("activity_id", "organization_id"):
        if a in facts:
            facts[a].organizations.add(org)
    _set_areas(facts.values())
    return list(facts.values())


def _set_areas(facts: Iterable[Fact]) -> None:
    facts = list(facts)
    periods: dict[int, list[tuple[str, datetime.date, datetime.date | None]]] = defaultdict(list)
    for unit, kind, start, end in AreaClassification.objects.filter(
        unit_id__in={f.locality_id for f in facts}
    ).values_list("unit_id", "kind", "valid_from", "valid_to"):
        periods[unit].append((kind, start, end))
    for f in facts:
        f.area = area_key(
            kind
            for kind, start, end in periods.get(f.locality_id, ())
            if start <= f.start and (end is None or f.start <= end)
        )


def cells_of(facts: Iterable[Fact]) -> Iterator[tuple[CellKey, Acc]]:
    """Each fact once with organization None, and once per credited organization."""
    for f in facts:
        acc = f.acc()
        yield CellKey(f.content_id, f.locality_id, f.area, f.month, None), acc
        for org in sorted(f.organizations):
            yield CellKey(f.content_id, f.locality_id, f.area, f.month, org), acc


def merge_cells(cells: Iterable[tuple[CellKey, Acc]]) -> dict[CellKey, Acc]:
    result: dict[CellKey, Acc] = {}
    for key, acc in cells:
        mine = result.get(key)
        if mine is None:
            mine = result[key] = Acc()
        mine.merge(acc)
    return result


def raw_cells(
    program_id: int,
    *,
    include_submitted: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    organizations: Iterable[int] | None = None,
) -> dict[CellKey, Acc]:
    """Cells computed from the raw rows. With `organizations`, only reports credited to
    one of them (each once in the cells with organization None)."""
    facts = load_facts(
        counted_activities(
            [program_id],
            include_submitted=include_submitted,
            date_from=date_from,
            date_to=date_to,
        )
    )
    if organizations is not None:
        wanted = set(organizations)
        facts = [f for f in facts if f.organizations & wanted]
    return merge_cells(cells_of(facts))


def as_mapping(acc: Acc) -> Mapping[str, object]:  # pragma: no cover - debugging aid
    return {
        "activities": acc.activities,
        "participants": dict(acc.participants),
        "funding": dict(acc.funding),
        "indicators": {k: asdict(v) for k, v in acc.indicators.items()},
    }
