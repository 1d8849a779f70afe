"""The typed results of the figures engine (see docs/figures.md for their exact meaning).

Everything here is a frozen dataclass of plain values (ids, codes, strings, Decimals,
ints, dates), so results can be cached, frozen into a review report as JSON
(`as_dict()`), compared in tests, and rendered without touching the database again.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The dimensions a Breakdown can be split by, in a fixed vocabulary.
CONTENT = "content"
ORGANIZATION = "organization"  # a credit dimension: rows do not add up to the total
COMMUNE = "commune"
DISTRICT = "district"
PROVINCE = "province"
TARGET_GROUP = "target_group"  # splits participants only
AREA = "area"  # the combination of area classifications of the commune, "" = none
MONTH = "month"  # first day of the month of the activity's start date
DIMENSIONS = (CONTENT, ORGANIZATION, COMMUNE, DISTRICT, PROVINCE, TARGET_GROUP, AREA, MONTH)
# Dimensions whose rows add up exactly to the total (for sums, participants, funding).
PARTITIONS = frozenset({CONTENT, COMMUNE, DISTRICT, PROVINCE, TARGET_GROUP, AREA, MONTH})

# What every view must say where it shows these (translated; use as they are).
DIMENSION_LABELS = {
    CONTENT: pgettext_lazy("figures dimension", "content"),
    ORGANIZATION: pgettext_lazy("figures dimension", "organization"),
    COMMUNE: pgettext_lazy("figures dimension", "commune"),
    DISTRICT: pgettext_lazy("figures dimension", "district"),
    PROVINCE: pgettext_lazy("figures dimension", "province"),
    TARGET_GROUP: pgettext_lazy("figures dimension", "target group"),
    AREA: pgettext_lazy("figures dimension", "area classification"),
    MONTH: pgettext_lazy("figures dimension", "month"),
}
CREDIT_NOTE = _(
    "A report held jointly by several organizations counts for each of them and once in "
    "the total, so the organizations' figures add up to more than the total."
)
APPROXIMATE_NOTE = _(
    "Approximate: includes reports from a pre-2025 commune that was split; its figures "
    "are shown under one of the communes it went to."
)
NO_TARGET = _("no target")
NO_RESULT = _("no report")

# Sources of a result.
RAW = "raw"
ROLLUP = "rollup"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


class _Plain:
    __slots__ = ()  # the slotted results below keep no __dict__ at all

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: Decimals and dates as strings, mappings with string keys."""
        result: dict[str, Any] = _plain(self)
        return result


def achievement_percent(result: Decimal | None, target: Decimal | None) -> Decimal | None:
    """result ÷ target × 100, rounded to 0.1; None when there is no (or a zero) target.

    No result against a target is 0 %; no target is None ("no target"), never 0 or ∞.
    """
    if target is None or target == 0:
        return None
    return ((result or Decimal(0)) * 100 / target).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class IndicatorResult(_Plain):
    """One indicator's figure over a slice, aggregated by its declared kind."""

    indicator_id: int
    content_id: int
    name: str
    unit: str
    aggregation: str  # programs.choices.Aggregation: sum, max, latest, ratio
    # The figure: Σ (sum), the largest (max), the value of the latest report (latest),
    # Σ numerators ÷ Σ denominators (ratio; × 100 when the unit is "%").
    # None when no report in the slice has a value for the indicator.
    result: Decimal | None
    numerator: Decimal  # Σ values (all kinds); meaningful as a figure for sums only
    denominator: Decimal | None  # Σ denominators, ratio only
    reports: int  # reports with a value for this indicator in the slice
    target: Decimal | None  # None = no target for this slice (see docs)
    approximate: bool = False

    @property
    def achievement(self) -> Decimal | None:
        """Percent of target reached, or None when there is no target."""
        return achievement_percent(self.result, self.target)

    @property
    def has_target(self) -> bool:
        return self.target is not None and self.target != 0


@dataclass(frozen=True, slots=True)
class Measures(_Plain):
    """The figures of one slice (the total, or one row of a breakdown)."""

    # Distinct reports counted; None in rows split by target group (not a partition of
    # reports: one report has several groups).
    activities: int | None
    participants: int  # person-times (lượt)
    # Funding in đồng; None in rows split by target group (funding is per report).
    funding: int | None
    funding_by_source: Mapping[str, int] = field(default_factory=dict)
    # By indicator id; empty in rows split by target group.
    indicators: Mapping[int, IndicatorResult] = field(default_factory=dict)
    # True when some figure here comes from a pre-2025 unit split among current ones.
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Row(_Plain):
    """One row of a breakdown: `key[i]` is the value of `Breakdown.by[i]`.

    Key values: content/organization/commune/district/province/target_group → id
    (None for "not known", e.g. a report filed at province level has no commune);
    area → the area key (see `area_key`); month → datetime.date (first of month).
    """

    key: tuple[Any, ...]
    labels: tuple[str, ...]
    measures: Measures


@dataclass(frozen=True)
class Breakdown(_Plain):
    program_id: int
    by: tuple[str, ...]
    date_from: datetime.date | None
    date_to: datetime.date | None
    include_submitted: bool
    current_units: bool
    organizations: tuple[int, ...] | None
    total: Measures  # every counted report once
    rows: tuple[Row, ...]
    # False when `by` holds "organization": a co-organized report is in each credited
    # organization's row and once in the total; every view must say so.
    parts_add_up: bool
    approximate: bool
    source: str  # RAW or ROLLUP: how it was computed (the numbers are the same)

    def row(self, *key: Any) -> Row | None:
        for r in self.rows:
            if r.key == key:
                return r
        return None


# -- built by the tens of thousands -----------------------------------------------------------
#
# A frozen dataclass's __init__ sets each field through object.__setattr__: ~5 µs for an
# IndicatorResult, and a full breakdown of a province-year builds 5,000 rows and 12,000
# indicator results. These build the same objects (equal, hashable, frozen) by setting
# each slot through its descriptor, every field given. The three classes are slotted: a
# __dict__ per object would add ~140 bytes to each of the ~100,000 objects of a cached
# breakdown. tests/test_cache.py checks that each builds what the class's own __init__
# builds, field for field.

_new = object.__new__


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(cls, name).__set__ for name in names)


_RESULT = _setters(
    IndicatorResult,
    (
        "indicator_id",
        "content_id",
        "name",
        "unit",
        "aggregation",
        "result",
        "numerator",
        "denominator",
        "reports",
        "target",
        "approximate",
    ),
)
_MEASURES = _setters(
    Measures,
    ("activities", "participants", "funding", "funding_by_source", "indicators", "approximate"),
)
_ROW = _setters(Row, ("key", "labels", "measures"))


def indicator_result(  # noqa: PLR0917 - positional: called 12,000 times a breakdown
    indicator_id: int,
    content_id: int,
    name: str,
    unit: str,
    aggregation: str,
    result: Decimal | None,
    numerator: Decimal,
    denominator: Decimal | None,
    reports: int,
    target: Decimal | None,
    approximate: bool,
) -> IndicatorResult:
    obj = _new(IndicatorResult)
    a, b, c, d, e, f, g, h, i, j, k = _RESULT
    a(obj, indicator_id)
    b(obj, content_id)
    c(obj, name)
    d(obj, unit)
    e(obj, aggregation)
    f(obj, result)
    g(obj, numerator)
    h(obj, denominator)
    i(obj, reports)
    j(obj, target)
    k(obj, approximate)
    return obj


def measures(  # noqa: PLR0917 - positional: called 5,000 times a breakdown
    activities: int | None,
    participants: int,
    funding: int | None,
    funding_by_source: Mapping[str, int],
    indicators: Mapping[int, IndicatorResult],
    approximate: bool,
) -> Measures:
    obj = _new(Measures)
    a, b, c, d, e, f = _MEASURES
    a(obj, activities)
    b(obj, participants)
    c(obj, funding)
    d(obj, funding_by_source)
    e(obj, indicators)
    f(obj, approximate)
    return obj


def row(key: tuple[Any, ...], labels: tuple[str, ...], measures: Measures) -> Row:
    obj = _new(Row)
    a, b, c = _ROW
    a(obj, key)
    b(obj, labels)
    c(obj, measures)
    return obj


@dataclass(frozen=True)
class IndicatorLine(_Plain):
    """One line of the indicator table: a content's indicator, this year and last."""

    content_id: int
    content_title: str
    content_order: int
    indicator: IndicatorResult
    previous_indicator_id: int | None  # through Indicator.lineage
    previous_result: Decimal | None  # None: no lineage, or no value last year

    @property
    def achievement(self) -> Decimal | None:
        return self.indicator.achievement


@dataclass(frozen=True)
class ContentComparison(_Plain):
    content_id: int
    content_title: str
    previous_content_id: int | None  # through ProgramContent.lineage
    current: Measures
    previous: Measures | None  # None when the content has no lineage


@dataclass(frozen=True)
class YearOverYear(_Plain):
    program_id: int
    previous_program_id: int | None
    date_from: datetime.date | None
    date_to: datetime.date | None
    previous_date_from: datetime.date | None  # the same dates one year earlier
    previous_date_to: datetime.date | None
    total: Measures
    previous_total: Measures | None
    contents: tuple[ContentComparison, ...]


@dataclass(frozen=True)
class ReportingPeriod(_Plain):
    start: datetime.date
    end: datetime.date
    deadline: datetime.date  # end + program.deadline_days; on time = received by this day

    @property
    def key(self) -> str:
        return self.start.isoformat()


# Status of one organization × period slot.
RECEIVED_ON_TIME = "on_time"
RECEIVED_LATE = "late"
MISSING = "missing"  # due (deadline passed) and nothing received
NOT_DUE = "not_due"  # deadline not yet passed and nothing received
SLOT_LABELS = {
    RECEIVED_ON_TIME: pgettext_lazy("report received", "on time"),
    RECEIVED_LATE: pgettext_lazy("report received", "late"),
    MISSING: pgettext_lazy("report received", "missing"),
    NOT_DUE: pgettext_lazy("report received", "not yet due"),
}


@dataclass(frozen=True)
class Slot(_Plain):
    organization_id: int
    period: ReportingPeriod
    status: str  # RECEIVED_ON_TIME, RECEIVED_LATE, MISSING, NOT_DUE
    reports: int  # reports (series) of the organization whose start date is in the period
    nil_report: bool
    received_on: datetime.date | None  # first submission (or nil report), local date


@dataclass(frozen=True)
class OrganizationCompleteness(_Plain):
    organization_id: int
    organization_name: str
    expected: int  # due slots
    received: int  # due slots with a report or a nil report
    on_time: int
    slots: tuple[Slot, ...]

    @property
    def reporting_rate(self) -> Decimal | None:
        return achievement_percent(Decimal(self.received), Decimal(self.expected))

    @property
    def on_time_rate(self) -> Decimal | None:
        return achievement_percent(Decimal(self.on_time), Decimal(self.expected))


@dataclass(frozen=True)
class Completeness(_Plain):
    program_id: int
    as_of: datetime.date
    periods: tuple[ReportingPeriod, ...]
    organizations: tuple[OrganizationCompleteness, ...]
    expected: int
    received: int
    on_time: int
    missing: tuple[Slot, ...]  # every due slot with nothing received

    @property
    def reporting_rate(self) -> Decimal | None:
        return achievement_percent(Decimal(self.received), Decimal(self.expected))

    @property
    def on_time_rate(self) -> Decimal | None:
        return achievement_percent(Decimal(self.on_time), Decimal(self.expected))


@dataclass(frozen=True)
class TrendPoint(_Plain):
    month: datetime.date  # first day of the month
    measures: Measures


@dataclass(frozen=True)
class AreaFigure(_Plain):
    kind: str  # geo.choices.AreaKind value, or "" for communes with no classification
    label: str
    measures: Measures
    participants_share: Decimal | None  # percent of the total's participants
    activities_share: Decimal | None  # percent of the total's reports


@dataclass(frozen=True)
class AreaShare(_Plain):
    """Per classification kind. Kinds overlap (a commune may be vùng sâu and biên giới),
    so kinds do not add up; `unclassified` + `classified` do (= total)."""

    total: Measures
    classified: Measures
    unclassified: Measures
    kinds: tuple[AreaFigure, ...]
    approximate: bool


@dataclass(frozen=True)
class PracticesSummary(_Plain):
    committee_id: int
    program_id: int | None
    date_from: datetime.date | None
    date_to: datetime.date | None
    by_status: Mapping[str, int]  # practices (not trashed) by current status
    total: int
    started: int  # practices started in the dates
    evaluated: int  # practices with at least one evaluation in the dates
    evaluations: int
    average_score: Decimal | None  # of those evaluations, 0.01
    replicated: int  # practices with at least one replication since a day in the dates
    replications: int
    replication_localities: int  # distinct localities of those replications
