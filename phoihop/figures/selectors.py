"""The public interface of the figures engine: every number on a page, report, export or
endpoint comes from one of these functions. docs/figures.md states their semantics.

Permissions: each function takes a program (or committee) the caller has ALREADY
authorized — in a view, `visible_program(user, pk)` (404 outside the user's scope) or
`Program.objects.restrict(user, "view")`. The figures of a program are the program's:
anyone who may view the program may read them; narrowing to some organizations is the
caller's choice (`organizations=`), not a permission.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from types import MappingProxyType
from typing import Any, overload

from django.db.models import Count, Min, Model, Q
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import get_language

from phoihop.activities.models import Activity, NilReport
from phoihop.core import clock, permissions
from phoihop.figures import cache
from phoihop.figures import cells as fc
from phoihop.figures import types as ft
from phoihop.geo.choices import AreaKind, Level, Scheme
from phoihop.geo.models import AdminUnit
from phoihop.geo.selectors import rollup_to_current
from phoihop.orgs.models import Organization
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.programs.choices import Aggregation, Frequency, Unit
from phoihop.programs.models import Indicator, Program, ProgramContent, Target, TargetGroup

__all__ = [
    "area_share",
    "completeness",
    "indicator_summary",
    "monthly_trend",
    "practices_summary",
    "program_figures",
    "reporting_periods",
    "visible_program",
    "year_over_year",
]

ZERO = Decimal(0)
CENT = Decimal("0.01")
CENT_ZERO = ZERO.quantize(CENT)
_TARGET_DIMS = frozenset({ft.CONTENT, ft.ORGANIZATION})
# Plain strings: compared 12,000 times a breakdown (an enum member's lookup costs more).
_SUM, _MAX, _LATEST, _RATIO = (
    str(a.value) for a in (Aggregation.SUM, Aggregation.MAX, Aggregation.LATEST, Aggregation.RATIO)
)
_PERCENT = str(Unit.PERCENT.value)
_LOCALITY_DIMS = (ft.COMMUNE, ft.DISTRICT, ft.PROVINCE)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while a result is built. A breakdown
    allocates a hundred thousand objects (results, accumulators, rows), none in a
    reference cycle: the collections they trigger found nothing and cost 40 % of a
    province-year's breakdown. Refcounting frees everything as before; the collector
    runs again after (another thread's collections wait as long)."""
    if not gc.isenabled():  # paused already (a nested read or another thread's)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _building[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def build(*args: P.args, **kwargs: P.kwargs) -> R:
        with _no_cycle_collection():
            return fn(*args, **kwargs)

    return build


def visible_program(user: Any, pk: int) -> Program:
    """The program if `user` may view it; Http404 otherwise (existence not leaked)."""
    return permissions.get_for_action(Program.objects.all(), user, permissions.VIEW, pk=pk)


# -- helpers --------------------------------------------------------------------------------


def _pk(value: Model | int) -> int:
    return value if isinstance(value, int) else int(value.pk)


def _ids(values: Iterable[Model | int] | None) -> tuple[int, ...] | None:
    if values is None:
        return None
    return tuple(sorted({_pk(v) for v in values}))


def _cells(
    program: Program,
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    organizations: tuple[int, ...] | None,
    contents: tuple[int, ...] | None,
    by: tuple[str, ...] = ft.DIMENSIONS,
    built: bool | None = None,
    latest: bool = True,
) -> tuple[dict[fc.CellKey, fc.Acc], str]:
    """The program's cells for the slice, and where they came from (RAW or ROLLUP)."""
    from phoihop.figures import rollups  # the rollup reader (falls back to raw)

    found = rollups.read_cells(
        program.pk,
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        organizations=organizations,
        contents=contents,
        keep=_grain_for(by),
        by_organization=ft.ORGANIZATION in by,
        target_groups=ft.TARGET_GROUP in by,
        built=built,
        latest=latest,
    )
    if found is not None:
        cells, source = found, ft.ROLLUP
    else:
        cells = fc.raw_cells(
            program.pk,
            include_submitted=include_submitted,
            date_from=date_from,
            date_to=date_to,
            organizations=organizations,
        )
        source = ft.RAW
        if contents is not None:  # the rollups filtered them in the database
            wanted = set(contents)
            cells = {k: v for k, v in cells.items() if k.content_id in wanted}
    return cells, source


def _grain_for(by: tuple[str, ...]) -> set[str]:
    """The rollup grain fields a breakdown by `by` needs."""
    keep = set()
    if ft.CONTENT in by:
        keep.add("content_id")
    if any(d in _LOCALITY_DIMS for d in by):
        keep.add("locality_id")
    if ft.AREA in by:
        keep.add("area")
    if ft.MONTH in by:
        keep.add("month")
    return keep


class _Indicators:
    """The program's indicators and targets, loaded once."""

    def __init__(self, program_id: int, contents: tuple[int, ...] | None = None) -> None:
        qs = Indicator.objects.filter(content__program_id=program_id)
        if contents is not None:
            qs = qs.filter(content_id__in=contents)
        self.items: dict[int, Indicator] = {
            i.pk: i for i in qs.order_by("content__order", "content_id", "order", "id")
        }
        self.rank = {pk: n for n, pk in enumerate(self.items)}
        # What every result of an indicator repeats: id, content, name, unit, kind.
        self.static: dict[int, tuple[int, int, str, str, str]] = {
            pk: (pk, i.content_id, i.name, i.unit, i.aggregation) for pk, i in self.items.items()
        }
        self.overall: dict[int, Decimal] = {}
        self.by_org: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for ind, org, value in Target.objects.filter(indicator_id__in=list(self.items)).values_list(
            "indicator_id", "organization_id", "value"
        ):
            if org is None:
                self.overall[ind] = value
            else:
                self.by_org[ind][org] = value
        self._targets: dict[tuple[int, tuple[int, ...] | None], Decimal | None] = {}
        # Whether some indicator keeps its latest value (else the rollups' latest keys
        # need not be read).
        self.has_latest = any(i.aggregation == Aggregation.LATEST for i in self.items.values())

    def target(self, pk: int, organizations: tuple[int, ...] | None) -> Decimal | None:
        """The overall target; for organizations, theirs (summed only for sum indicators);
        to 0.01."""
        key = (pk, organizations)
        if key not in self._targets:
            self._targets[key] = _cents(self._target(self.items[pk], organizations))
        return self._targets[key]

    def _target(self, ind: Indicator, organizations: tuple[int, ...] | None) -> Decimal | None:
        if organizations is None:
            if ind.pk in self.overall:
                return self.overall[ind.pk]
            own = self.by_org.get(ind.pk)
            if own and ind.aggregation == Aggregation.SUM:
                return sum(own.values(), ZERO)
            return None
        own = self.by_org.get(ind.pk, {})
        found = [own[o] for o in organizations if o in own]
        if len(found) == 1 and len(organizations) == 1:
            return found[0]
        summable = found and ind.aggregation == Aggregation.SUM
        return sum(found, ZERO) if summable else None

    def result(
        self, pk: int, acc: fc.IndicatorAcc | None, target: Decimal | None, approx: bool
    ) -> ft.IndicatorResult:
        """`target` already to 0.01 (`target()`)."""
        _, content_id, name, unit, aggregation = self.static[pk]
        value: Decimal | None = None
        denominator: Decimal | None = CENT_ZERO if aggregation == _RATIO else None
        if acc is None:
            return ft.indicator_result(
                pk, content_id, name, unit, aggregation, None, CENT_ZERO, denominator, 0,
                target, approx,
            )  # fmt: skip
        if acc.count:
            if aggregation == _SUM:
                value = acc.total
            elif aggregation == _MAX:
                value = acc.maximum
            elif aggregation == _LATEST:
                value = acc.latest_value
            else:
                denominator = acc.denominator.quantize(CENT)
                if acc.denominator:
                    scale = 100 if unit == _PERCENT else 1
                    value = acc.total * scale / acc.denominator
        return ft.indicator_result(
            pk,
            content_id,
            name,
            unit,
            aggregation,
            None if value is None else value.quantize(CENT),
            acc.total.quantize(CENT),
            denominator,
            acc.count,
            target,
            approx,
        )


def _indicators(program_id: int, contents: tuple[int, ...] | None, version: Any) -> _Indicators:
    """The program's indicators and targets; with a figures version, read once for it
    (indicator and target edits give a new version): the reads of one page share them."""
    if version is None:
        return _Indicators(program_id, contents)
    key = ("indicators", program_id, version, contents)
    return cache.get_or_build(
        key, lambda: _Indicators(program_id, contents), lambda found: 1 + len(found.items)
    )


@overload
def _cents(value: Decimal) -> Decimal: ...
@overload
def _cents(value: None) -> None: ...
@overload
def _cents(value: Decimal | None) -> Decimal | None: ...
def _cents(value: Decimal | None) -> Decimal | None:
    """Every figure to 0.01, whichever database or path summed it (same text in JSON)."""
    return None if value is None else Decimal(value).quantize(CENT)


def _measures(
    acc: fc.Acc,
    indicators: _Indicators,
    *,
    participants_only: bool = False,
    all_indicators: bool = False,
    content_id: int | None = None,
    target_orgs: tuple[int, ...] | None = None,
    with_targets: bool = True,
    read_only: bool = False,
) -> ft.Measures:
    """`read_only`: the mappings inside built read-only (MappingProxyType), as the cache
    keeps them (`cache.freeze_breakdown` then has nothing left to wrap)."""
    if participants_only:
        by_source: Mapping[str, int] = MappingProxyType({}) if read_only else {}
        no_results: Mapping[int, ft.IndicatorResult] = MappingProxyType({}) if read_only else {}
        return ft.measures(
            None, sum(acc.participants.values()), None, by_source, no_results, acc.approximate
        )  # fmt: skip
    results: dict[int, ft.IndicatorResult] = {}
    found = acc.indicators
    if all_indicators:
        wanted: Iterable[int] = indicators.items
    else:  # only those with values here, in the program's order
        rank = indicators.rank
        wanted = [pk for pk in found if pk in rank]
        if len(wanted) > 1:
            wanted.sort(key=rank.__getitem__)
    static = indicators.static
    result = indicators.result
    approx = acc.approximate
    for pk in wanted:
        if content_id is not None and static[pk][1] != content_id:
            continue
        target = indicators.target(pk, target_orgs) if with_targets else None
        results[pk] = result(pk, found.get(pk), target, approx)
    funding = acc.funding
    by_source = dict(sorted(funding.items())) if len(funding) > 1 else dict(funding)
    return ft.measures(
        acc.activities,
        sum(acc.participants.values()),
        sum(funding.values()),
        MappingProxyType(by_source) if read_only else by_source,
        MappingProxyType(results) if read_only else results,
        approx,
    )


class _Localities:
    """Commune, district and province of each recorded locality (or of its current unit)."""

    def __init__(self, locality_ids: Iterable[int], *, current: bool) -> None:
        ids = set(locality_ids)
        self.map: dict[int, dict[str, int | None]] = {}
        self.approx: dict[int, dict[str, bool]] = {}
        units = {
            u["id"]: u
            for u in AdminUnit.objects.filter(pk__in=ids).values(
                "id", "scheme", "level", "parent_id", "parent__level", "province_id"
            )
        }
        if current:
            communes = rollup_to_current(ids, level=Level.COMMUNE)
            provinces = rollup_to_current(ids, level=Level.PROVINCE)
        for pk in ids:
            u = units.get(pk)
            if u is None:
                continue
            if not current:
                commune = pk if u["level"] == Level.COMMUNE else None
                if u["level"] == Level.DISTRICT:
                    district = pk
                elif u["level"] == Level.COMMUNE and u["parent__level"] == Level.DISTRICT:
                    district = u["parent_id"]
                else:
                    district = None
                province = pk if u["level"] == Level.PROVINCE else u["province_id"]
                self.map[pk] = {ft.COMMUNE: commune, ft.DISTRICT: district, ft.PROVINCE: province}
                self.approx[pk] = {ft.COMMUNE: False, ft.DISTRICT: False, ft.PROVINCE: False}
                continue
            c, p = communes.get(pk), provinces.get(pk)
            is_commune = u["level"] == Level.COMMUNE
            self.map[pk] = {
                ft.COMMUNE: c.unit_ids[0] if is_commune and c and c.unit_ids else None,
                ft.DISTRICT: None,  # no districts since 1 July 2025
                ft.PROVINCE: p.unit_ids[0] if p and p.unit_ids else None,
            }
            commune_approx = bool(is_commune and c and c.approximate)
            if u["scheme"] == Scheme.CURRENT:
                commune_approx = False
            self.approx[pk] = {
                ft.COMMUNE: commune_approx,
                ft.DISTRICT: False,
                ft.PROVINCE: bool(p and p.approximate),
            }

    def value(self, locality_id: int, dim: str) -> tuple[int | None, bool]:
        found = self.map.get(locality_id)
        if found is None:
            return None, False
        return found[dim], self.approx[locality_id][dim]


def _labels(by: Sequence[str], keys: Iterable[tuple[Any, ...]]) -> dict[tuple[str, Any], str]:
    """Labels of every key value, one query per dimension that needs one."""
    wanted: dict[str, set[Any]] = defaultdict(set)
    for dim, column in zip(by, zip(*keys, strict=True), strict=False):
        values = set(column)
        values.discard(None)
        if values:
            wanted[dim] |= values
    labels: dict[tuple[str, Any], str] = {}
    models: dict[str, Any] = {
        ft.CONTENT: (ProgramContent.objects, "title"),
        ft.ORGANIZATION: (Organization.all_objects, "name"),
        ft.TARGET_GROUP: (TargetGroup.objects, "name"),
    }
    units = set().union(*(wanted.get(d, set()) for d in _LOCALITY_DIMS))
    unit_names = dict(AdminUnit.objects.filter(pk__in=units).values_list("pk", "name"))
    for dim, values in wanted.items():
        if dim in models:
            manager, field = models[dim]
            names = dict(manager.filter(pk__in=values).values_list("pk", field))
            labels.update({(dim, v): names.get(v, "") for v in values})
        elif dim in _LOCALITY_DIMS:
            labels.update({(dim, v): unit_names.get(v, "") for v in values})
        elif dim == ft.AREA:
            labels.update({(dim, v): area_label(v) for v in values})
        elif dim == ft.MONTH:
            labels.update({(dim, v): v.strftime("%m/%Y") for v in values})
    return labels


def area_label(key: str) -> str:
    """ "Vùng sâu, vùng xa" for "deep+remote"; the "none" label for ""."""
    from django.utils.translation import gettext as _

    if not key:
        return _("No area classification")
    return ", ".join(str(AreaKind(k).label) for k in key.split("+"))


# -- program figures ----------------------------------------------------------------------


def program_figures(
    program: Program,
    *,
    by: Sequence[str] = (),
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_submitted: bool = False,
    organizations: Iterable[Model | int] | None = None,
    contents: Iterable[Model | int] | None = None,
    current_units: bool = False,
) -> ft.Breakdown:
    """The program's figures for a slice, split by the dimensions in `by` (types.DIMENSIONS).

    Dates select reports by their start date (inclusive). `organizations` keeps the
    reports credited to any of them (each once in the total); `contents` keeps those
    contents. `current_units` puts pre-2025 localities on today's units.

    A slice the rollups serve is cached under the program's figures version
    (figures.cache): a repeated read of unchanged figures is one query.
    """
    by = tuple(by)
    unknown = [d for d in by if d not in ft.DIMENSIONS]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"Unknown or repeated dimensions: {by!r}")
    orgs = _ids(organizations)
    content_ids = _ids(contents)
    args: dict[str, Any] = {
        "by": by,
        "date_from": date_from,
        "date_to": date_to,
        "include_submitted": include_submitted,
        "orgs": orgs,
        "content_ids": content_ids,
        "current_units": current_units,
    }
    if not _cacheable(date_from, date_to, include_submitted, orgs):
        return _program_figures(program, **args)
    version = cache.version(program.pk)
    if version is None:
        return _program_figures(program, **args, built=False)
    key = ("program_figures", program.pk, version, get_language(), *args.values())
    return cache.get_or_build(
        key,
        lambda: _program_figures(program, **args, built=True, version=version),
        cache.freeze_breakdown,
    )


def _cacheable(
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    orgs: tuple[int, ...] | None,
) -> bool:
    """Whether a slice is served by the rollups once built (only those are cached)."""
    from phoihop.figures import rollups

    return rollups.readable(
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        organizations=orgs,
    )


@_building
def _program_figures(
    program: Program,
    *,
    by: tuple[str, ...],
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    orgs: tuple[int, ...] | None,
    content_ids: tuple[int, ...] | None,
    current_units: bool,
    built: bool | None = None,
    version: Any = None,
) -> ft.Breakdown:
    """`version`: the program's figures version, when the caller has just read it (its
    indicators and targets are then read once per version)."""
    indicators = _indicators(program.pk, content_ids, version)
    cells, source = _cells(
        program,
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        organizations=orgs,
        contents=content_ids,
        by=by,
        built=built,
        latest=indicators.has_latest,
    )
    total_acc = fc.Acc()
    for key, acc in cells.items():
        if key.organization_id is None:
            total_acc.merge(acc)

    locs = (
        _Localities({k.locality_id for k in cells}, current=current_units)
        if any(d in _LOCALITY_DIMS for d in by)
        else None
    )
    by_org = ft.ORGANIZATION in by
    split_tg = ft.TARGET_GROUP in by
    groups = _group(cells, by, locs, orgs)
    labels = _labels(by, groups)
    # Each dimension's labels by value: a row's labels in one pass over its key.
    label_of = [{v: text for (d, v), text in labels.items() if d == dim} for dim in by]
    with_targets = set(by) <= _TARGET_DIMS
    read_only = version is not None  # for the cache (cache.freeze_breakdown)
    rows = []
    at_content = by.index(ft.CONTENT) if ft.CONTENT in by else None
    at_org = by.index(ft.ORGANIZATION) if by_org else None
    for k in _sorted(groups):
        acc = groups[k]
        rows.append(
            ft.row(
                k,
                tuple([m.get(v, "") for m, v in zip(label_of, k, strict=True)]),
                _measures(
                    acc,
                    indicators,
                    participants_only=split_tg,
                    all_indicators=with_targets,
                    content_id=None if at_content is None else k[at_content],
                    target_orgs=orgs if at_org is None else (k[at_org],),
                    with_targets=with_targets,
                    read_only=read_only,
                ),
            )
        )
    total = _measures(
        total_acc, indicators, all_indicators=True, target_orgs=orgs, read_only=read_only
    )
    return ft.Breakdown(
        program_id=program.pk,
        by=by,
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        current_units=current_units,
        organizations=orgs,
        total=total,
        rows=tuple(rows),
        parts_add_up=not by_org,
        approximate=any(r.measures.approximate for r in rows),
        source=source,
    )


_CELL_FIELD = {
    ft.CONTENT: "content_id",
    ft.ORGANIZATION: "organization_id",
    ft.AREA: "area",
    ft.MONTH: "month",
}


def _key_reader(
    by: tuple[str, ...], locs: _Localities | None
) -> Callable[[fc.CellKey], tuple[list[Any], bool]]:
    """How the values of `by` are read from a cell (None in place of the target group),
    with whether one of them is approximate."""
    fields = [_CELL_FIELD.get(d) for d in by]
    if locs is None or not any(d in _LOCALITY_DIMS for d in by):
        return lambda key: ([getattr(key, f) if f else None for f in fields], False)

    def read(key: fc.CellKey) -> tuple[list[Any], bool]:
        approx = False
        values: list[Any] = []
        for dim, name in zip(by, fields, strict=True):
            if dim in _LOCALITY_DIMS:
                value, flag = locs.value(key.locality_id, dim)
                values.append(value)
                approx = approx or flag
            else:
                values.append(getattr(key, name) if name else None)
        return values, approx

    return read


def _group(
    cells: dict[fc.CellKey, fc.Acc],
    by: tuple[str, ...],
    locs: _Localities | None,
    orgs: tuple[int, ...] | None,
) -> dict[tuple[Any, ...], fc.Acc]:
    """Cells merged by the values of `by` (target group: None, filled per participant
    group). Merges into the cells' own accumulators: the cells are not used after."""
    by_org = ft.ORGANIZATION in by
    at = by.index(ft.TARGET_GROUP) if ft.TARGET_GROUP in by else None
    values_of = _key_reader(by, locs)
    groups: dict[tuple[Any, ...], fc.Acc] = {}
    for key, acc in cells.items():
        if by_org != (key.organization_id is not None):
            continue
        if by_org and orgs is not None and key.organization_id not in orgs:
            continue
        values, approx = values_of(key)
        if at is not None:
            # Only participants are split by target group.
            for tg, n in acc.participants.items():
                sub = fc.Acc(approximate=approx)
                sub.participants[tg] = n
                values[at] = tg
                groups.setdefault(tuple(values), fc.Acc()).merge(sub)
            continue
        k = tuple(values)
        mine = groups.get(k)
        if mine is None:
            groups[k] = acc
            mine = acc
        else:
            mine.merge(acc)
        if approx:
            mine.approximate = True
    return groups


def _sorted(keys: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Keys in `_sort_key` order. A dimension's values are of one kind (ids, area keys,
    months) or None, so (is None, value) orders them the same, at a third of the cost;
    the full key where kinds are mixed."""
    keys = list(keys)
    if not any(None in key for key in keys):
        # No None anywhere: (False, value) orders as the value alone, compared in C.
        try:
            return sorted(keys)
        except TypeError:
            pass
    try:
        return sorted(keys, key=_plain_sort_key)
    except TypeError:
        return sorted(keys, key=_sort_key)


def _plain_sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((False, v) if v is not None else (True, 0) for v in key)


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    # None sorts last, values of mixed kinds by their string form.
    return tuple((v is None, str(type(v)), v if v is not None else 0) for v in key)


# -- indicators -------------------------------------------------------------------------------


def _shift_year(day: datetime.date | None, years: int = -1) -> datetime.date | None:
    if day is None:
        return None
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def indicator_summary(
    program: Program,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_submitted: bool = False,
    organizations: Iterable[Model | int] | None = None,
    contents: Iterable[Model | int] | None = None,
) -> tuple[ft.IndicatorLine, ...]:
    """Every indicator of the program (content order, then indicator order): target,
    result, achievement, and last year's result through `Indicator.lineage` over the same
    dates one year earlier (the whole previous program when no dates are given).

    Cached under the versions of the program and of the programs its indicators
    continue (figures.cache), when the rollups serve the slice."""
    orgs = _ids(organizations)
    content_ids = _ids(contents)
    args: dict[str, Any] = {
        "date_from": date_from,
        "date_to": date_to,
        "include_submitted": include_submitted,
        "orgs": orgs,
        "content_ids": content_ids,
    }
    if not _cacheable(date_from, date_to, include_submitted, orgs):
        return _indicator_summary(program, **args)
    versions = cache.versions_with_lineage(program.pk)
    if None in versions.values() or program.pk not in versions:
        return _indicator_summary(program, **args)
    key = ("indicator_summary", program.pk, tuple(versions.items()), get_language(), *args.values())
    return cache.get_or_build(
        key,
        lambda: _indicator_summary(program, **args, built=True, versions=versions),
        cache.freeze_lines,
    )


@_building
def _indicator_summary(
    program: Program,
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    orgs: tuple[int, ...] | None,
    content_ids: tuple[int, ...] | None,
    built: bool | None = None,
    versions: dict[int, Any] | None = None,
) -> tuple[ft.IndicatorLine, ...]:
    """`built`: True when the caller knows the program and the previous ones are built;
    `versions`: their figures versions, just read."""
    versions = versions or {}
    current = _program_figures(
        program,
        by=(),
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        orgs=orgs,
        content_ids=content_ids,
        current_units=False,
        built=built,
        version=versions.get(program.pk),
    )
    qs = Indicator.objects.filter(content__program=program)
    if content_ids is not None:
        qs = qs.filter(content_id__in=content_ids)
    inds = list(
        qs.select_related("content", "lineage__content").order_by(
            "content__order", "content_id", "order", "id"
        )
    )
    previous_by_program: dict[int, list[int]] = defaultdict(list)
    for ind in inds:
        if ind.lineage is not None:
            previous_by_program[ind.lineage.content.program_id].append(ind.lineage.pk)
    previous: dict[int, Decimal | None] = {}
    for prev_program in Program.objects.filter(pk__in=list(previous_by_program)):
        figures = _program_figures(
            prev_program,
            by=(),
            date_from=_shift_year(date_from),
            date_to=_shift_year(date_to),
            include_submitted=False,
            orgs=orgs,
            content_ids=None,
            current_units=False,
            built=built,
            version=versions.get(prev_program.pk),
        )
        for pk in previous_by_program[prev_program.pk]:
            found = figures.total.indicators.get(pk)
            previous[pk] = found.result if found is not None else None
    return tuple(
        ft.IndicatorLine(
            content_id=ind.content_id,
            content_title=ind.content.title,
            content_order=ind.content.order,
            indicator=current.total.indicators[ind.pk],
            previous_indicator_id=ind.lineage_id,
            previous_result=previous.get(ind.lineage_id) if ind.lineage_id else None,
        )
        for ind in inds
    )


def year_over_year(
    program: Program,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    organizations: Iterable[Model | int] | None = None,
) -> ft.YearOverYear:
    """Each content this year beside the content it continues (`ProgramContent.lineage`)
    in the previous program, over the same dates one year earlier."""
    orgs = _ids(organizations)
    contents = list(
        ProgramContent.objects.filter(program=program)
        .select_related("lineage")
        .order_by("order", "id")
    )
    prev_program: Program | None = program.previous
    if prev_program is None:
        programs = {c.lineage.program_id for c in contents if c.lineage is not None}
        if len(programs) == 1:
            prev_program = Program.objects.get(pk=programs.pop())
    prev_from, prev_to = _shift_year(date_from), _shift_year(date_to)
    current = program_figures(
        program, by=(ft.CONTENT,), date_from=date_from, date_to=date_to, organizations=orgs
    )
    prev = (
        program_figures(
            prev_program, by=(ft.CONTENT,), date_from=prev_from, date_to=prev_to, organizations=orgs
        )
        if prev_program is not None
        else None
    )
    empty = ft.Measures(activities=0, participants=0, funding=0)
    rows = []
    for c in contents:
        row = current.row(c.pk)
        prev_measures: ft.Measures | None = None
        if c.lineage is not None and prev is not None and c.lineage.program_id == prev.program_id:
            found = prev.row(c.lineage_id)
            prev_measures = found.measures if found is not None else empty
        rows.append(
            ft.ContentComparison(
                content_id=c.pk,
                content_title=c.title,
                previous_content_id=c.lineage_id,
                current=row.measures if row is not None else empty,
                previous=prev_measures,
            )
        )
    return ft.YearOverYear(
        program_id=program.pk,
        previous_program_id=prev_program.pk if prev_program is not None else None,
        date_from=date_from,
        date_to=date_to,
        previous_date_from=prev_from,
        previous_date_to=prev_to,
        total=current.total,
        previous_total=prev.total if prev is not None else None,
        contents=tuple(rows),
    )


# -- trend and areas ------------------------------------------------------------------------


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def monthly_trend(
    program: Program,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_submitted: bool = False,
    organizations: Iterable[Model | int] | None = None,
    contents: Iterable[Model | int] | None = None,
) -> tuple[ft.TrendPoint, ...]:
    """Every month of the program period (or of the dates), empty months included."""
    figures = program_figures(
        program,
        by=(ft.MONTH,),
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        organizations=organizations,
        contents=contents,
    )
    start = max(filter(None, (date_from, program.period_start)))
    end = min(filter(None, (date_to, program.period_end)))
    by_month = {r.key[0]: r.measures for r in figures.rows}
    return tuple(
        ft.TrendPoint(
            month=m,
            measures=by_month.get(m, ft.Measures(activities=0, participants=0, funding=0)),
        )
        for m in _months(start, end)
    )


def area_share(
    program: Program,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_submitted: bool = False,
    organizations: Iterable[Model | int] | None = None,
    contents: Iterable[Model | int] | None = None,
) -> ft.AreaShare:
    """Figures in communes of each area classification on the report's start date."""
    figures = program_figures(
        program,
        by=(ft.AREA,),
        date_from=date_from,
        date_to=date_to,
        include_submitted=include_submitted,
        organizations=organizations,
        contents=contents,
    )
    total = figures.total

    def add(rows: list[ft.Row]) -> ft.Measures:
        funding: dict[str, int] = defaultdict(int)
        for r in rows:
            for s, a in r.measures.funding_by_source.items():
                funding[s] += a
        return ft.Measures(
            activities=sum(r.measures.activities or 0 for r in rows),
            participants=sum(r.measures.participants for r in rows),
            funding=sum(r.measures.funding or 0 for r in rows),
            funding_by_source=dict(sorted(funding.items())),
        )

    classified = add([r for r in figures.rows if r.key[0]])
    unclassified = add([r for r in figures.rows if not r.key[0]])
    kinds = []
    for kind in AreaKind:
        m = add([r for r in figures.rows if kind.value in r.key[0].split("+")])
        kinds.append(
            ft.AreaFigure(
                kind=kind.value,
                label=str(kind.label),
                measures=m,
                participants_share=ft.achievement_percent(
                    Decimal(m.participants), Decimal(total.participants)
                ),
                activities_share=ft.achievement_percent(
                    Decimal(m.activities or 0), Decimal(total.activities or 0)
                ),
            )
        )
    return ft.AreaShare(
        total=total,
        classified=classified,
        unclassified=unclassified,
        kinds=tuple(kinds),
        approximate=figures.approximate,
    )


# -- completeness ---------------------------------------------------------------------------


def reporting_periods(program: Program) -> tuple[ft.ReportingPeriod, ...]:
    """Calendar months or quarters (by `reporting_frequency`) clipped to the program
    period; each due `deadline_days` after it ends."""
    step = 1 if program.reporting_frequency == Frequency.MONTH else 3
    periods = []
    month = program.period_start.replace(day=1)
    if step == 3:
        month = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    while month <= program.period_end:
        last_month = month.month + step - 1
        year = month.year + (last_month - 1) // 12
        last_month = (last_month - 1) % 12 + 1
        end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
        start = max(month, program.period_start)
        end = min(end, program.period_end)
        periods.append(
            ft.ReportingPeriod(
                start=start,
                end=end,
                deadline=end + datetime.timedelta(days=program.deadline_days),
            )
        )
        month = (end + datetime.timedelta(days=1)).replace(day=1)
        if step == 3:
            month = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    return tuple(periods)


def _expected_organizations(program: Program, wanted: tuple[int, ...] | None) -> set[int]:
    contents = ProgramContent.objects.filter(program=program)
    org_ids = set(contents.values_list("lead_id", flat=True)) | set(
        contents.filter(co_organizations__isnull=False).values_list("co_organizations", flat=True)
    )
    org_ids.discard(None)
    if wanted is not None:
        org_ids &= set(wanted)
    return {int(o) for o in org_ids}


def _period_of(day: datetime.date, trunc: type[TruncMonth] | type[TruncQuarter]) -> datetime.date:
    """The first day of the calendar month or quarter of `day` (as the database truncates)."""
    month = day.month if trunc is TruncMonth else (day.month - 1) // 3 * 3 + 1
    return day.replace(month=month, day=1)


class _Received:
    """First day each organization × period was received, its series and nil reports."""

    def __init__(
        self, program: Program, periods: list[ft.ReportingPeriod], org_ids: set[int]
    ) -> None:
        self.first: dict[tuple[int, int], datetime.date] = {}
        self.reports: dict[tuple[int, int], int] = {}
        self.nil: set[tuple[int, int]] = set()
        if not periods:
            return
        self.periods = periods
        # One grouped query: the first submission and the number of series of each
        # organization × calendar month (or quarter) of the start date.
        trunc = TruncMonth if program.reporting_frequency == Frequency.MONTH else TruncQuarter
        index = {_period_of(p.start, trunc): i for i, p in enumerate(periods)}
        rows = (
            Activity.objects.filter(
                program=program,
                organization_id__in=org_ids,
                submitted_at__isnull=False,
                start_date__gte=periods[0].start,
                start_date__lte=periods[-1].end,
            )
            .annotate(period=trunc("start_date"))
            .values("organization_id", "period")
            .order_by()
            .annotate(first=Min("submitted_at"), n=Count("series", distinct=True))
            .values_list("organization_id", "period", "first", "n")
        )
        for org, period_start, first, n in rows:
            i = index[period_start]
            self.reports[(org, i)] = n
            self._received((org, i), timezone.localdate(first))
        nils = NilReport.objects.filter(
            program=program,
            organization_id__in=org_ids,
            period_start__lte=periods[-1].end,
            period_end__gte=periods[0].start,
        ).values_list("organization_id", "period_start", "period_end", "created_at")
        for org, p_start, p_end, created in nils:
            for i, p in enumerate(periods):
                if p_start <= p.end and p_end >= p.start:
                    self.nil.add((org, i))
                    self._received((org, i), timezone.localdate(created))

    def _received(self, key: tuple[int, int], day: datetime.date) -> None:
        if key not in self.first or day < self.first[key]:
            self.first[key] = day

    def slot(self, org: int, i: int, period: ft.ReportingPeriod, as_of: datetime.date) -> ft.Slot:
        got = self.first.get((org, i))
        if got is not None:
            status = ft.RECEIVED_ON_TIME if got <= period.deadline else ft.RECEIVED_LATE
        else:
            status = ft.MISSING if period.deadline < as_of else ft.NOT_DUE
        return ft.Slot(
            organization_id=org,
            period=period,
            status=status,
            reports=self.reports.get((org, i), 0),
            nil_report=(org, i) in self.nil,
            received_on=got,
        )


def completeness(
    program: Program,
    *,
    period: ft.ReportingPeriod | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    as_of: datetime.date | None = None,
    organizations: Iterable[Model | int] | None = None,
) -> ft.Completeness:
    """Per organization × reporting period: expected (the deadline has passed on
    `as_of`), received (a submitted report starting in the period, or a nil report),
    on time (first received by the deadline). Organizations expected to report are the
    leads and co-operating organizations of the program's contents.

    Cached under the program's figures version (figures.cache), which submissions, nil
    reports and changes of the expected organizations renew too."""
    as_of = as_of or clock.today()
    if period is not None:
        date_from, date_to = period.start, period.end
    orgs = _ids(organizations)
    version = cache.version(program.pk)
    if version is None:
        return _completeness(program, date_from, date_to, as_of, orgs)
    key = (
        "completeness",
        program.pk,
        version,
        # The caller's instance gives the periods; the version covers the stored one.
        program.period_start,
        program.period_end,
        program.reporting_frequency,
        program.deadline_days,
        date_from,
        date_to,
        as_of,
        orgs,
    )
    return cache.get_or_build(
        key,
        lambda: _completeness(program, date_from, date_to, as_of, orgs),
        lambda found: 1 + len(found.periods) * len(found.organizations),
    )


@_building
def _completeness(
    program: Program,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    as_of: datetime.date,
    orgs: tuple[int, ...] | None,
) -> ft.Completeness:
    periods = list(reporting_periods(program))
    periods = [
        p
        for p in periods
        if (date_from is None or p.end >= date_from) and (date_to is None or p.start <= date_to)
    ]
    org_ids = _expected_organizations(program, orgs)
    names = dict(
        Organization.all_objects.filter(pk__in=org_ids).values_list("pk", "name").order_by()
    )
    received = _Received(program, periods, org_ids)
    result = []
    for org in sorted(org_ids, key=lambda o: (names.get(o, ""), o)):
        slots = tuple(received.slot(org, i, p, as_of) for i, p in enumerate(periods))
        due = [s for s in slots if s.period.deadline < as_of]
        result.append(
            ft.OrganizationCompleteness(
                organization_id=org,
                organization_name=names.get(org, ""),
                expected=len(due),
                received=sum(s.received_on is not None for s in due),
                on_time=sum(s.status == ft.RECEIVED_ON_TIME for s in due),
                slots=slots,
            )
        )
    return ft.Completeness(
        program_id=program.pk,
        as_of=as_of,
        periods=tuple(periods),
        organizations=tuple(result),
        expected=sum(o.expected for o in result),
        received=sum(o.received for o in result),
        on_time=sum(o.on_time for o in result),
        missing=tuple(s for o in result for s in o.slots if s.status == ft.MISSING),
    )


# -- practices ------------------------------------------------------------------------------


def practices_summary(
    committee: Model | int,
    *,
    program: Program | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> ft.PracticesSummary:
    """Good-practice models of the committee (with `program`, those attached to one of
    its contents): by status now, and started, evaluated and replicated in the dates."""
    committee_id = _pk(committee)
    practices = Practice.objects.filter(committee_id=committee_id)
    if program is not None:
        practices = practices.filter(content__program=program)

    def within(field: str) -> Q:
        q = Q()
        if date_from is not None:
            q &= Q(**{f"{field}__gte": date_from})
        if date_to is not None:
            q &= Q(**{f"{field}__lte": date_to})
        return q

    by_status: dict[str, int] = defaultdict(int)
    started = 0
    ids = []
    for pk, status, started_on in practices.values_list("pk", "status", "started_on"):
        ids.append(pk)
        by_status[status] += 1
        if (date_from is None or started_on >= date_from) and (
            date_to is None or started_on <= date_to
        ):
            started += 1
    evaluations = list(
        Evaluation.objects.filter(within("evaluated_on"), practice_id__in=ids).values_list(
            "practice_id", "score"
        )
    )
    replications = list(
        Replication.objects.filter(within("since"), practice_id__in=ids).values_list(
            "practice_id", "locality_id"
        )
    )
    average = None
    if evaluations:
        average = (sum((s for _, s in evaluations), ZERO) / len(evaluations)).quantize(
            Decimal("0.01")
        )
    return ft.PracticesSummary(
        committee_id=committee_id,
        program_id=program.pk if program is not None else None,
        date_from=date_from,
        date_to=date_to,
        by_status=dict(sorted(by_status.items())),
        total=len(ids),
        started=started,
        evaluated=len({p for p, _ in evaluations}),
        evaluations=len(evaluations),
        average_score=average,
        replicated=len({p for p, _ in replications}),
        replications=len(replications),
        replication_localities=len({loc for _, loc in replications}),
    )
