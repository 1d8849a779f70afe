"""Reads of geography: commune search, the 2025 succession, area classifications.

Units are reference data every user may read (geo.policies), so these take no user.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

from phoihop.core.text import fold
from phoihop.geo.choices import AreaKind, Level, Scheme
from phoihop.geo.models import AdminUnit, AdminUnitSuccession, AreaClassification


def search_communes(
    query: str,
    *,
    scheme: str | None = None,
    province: AdminUnit | int | None = None,
    limit: int = 20,
) -> list[AdminUnit]:
    """Communes whose name holds every word of `query`, ignoring case, tones and đ.

    "mai chau", "Mai Châu" and "MAI CHÂU" find "Xã Mai Châu"; "Hoà" and "Hòa" are the
    same word. Best first: the name itself ("Mai Châu" = "Xã Mai Châu"), then names
    that start with or hold the phrase, then the rest; current units before old ones.
    """
    folded = fold(query)
    words = folded.split()
    if not words:
        return []
    qs = AdminUnit.objects.filter(level=Level.COMMUNE)
    for word in words:
        qs = qs.filter(folded_name__contains=word)
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    if province is not None:
        qs = qs.filter(province=province)
    rank = Case(
        When(Q(folded_name=folded) | Q(folded_name__endswith=f" {folded}"), then=Value(0)),
        When(folded_name__startswith=folded, then=Value(1)),
        When(folded_name__contains=folded, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    # "2025-07" sorts before "pre2025": current units first.
    qs = qs.annotate(rank=rank).order_by("rank", "scheme", "folded_name", "code")
    return list(qs.select_related("province")[:limit])


def current_successors(unit: AdminUnit) -> list[tuple[AdminUnit, bool]]:
    """The current units an old unit's area went to, each with whether it got only part.

    A current unit is its own successor. An old district (abolished in 2025) goes to
    the current communes of its communes; it went whole only to a single one.
    """
    if unit.scheme == Scheme.CURRENT:
        return [(unit, False)]
    if unit.level == Level.DISTRICT:
        links = AdminUnitSuccession.objects.filter(old__parent=unit)
    else:
        links = AdminUnitSuccession.objects.filter(old=unit)
    partial_by_new: dict[int, bool] = {}
    units: dict[int, AdminUnit] = {}
    for link in links.select_related("new").order_by("new__code"):
        partial_by_new[link.new_id] = partial_by_new.get(link.new_id, False) or link.is_partial
        units[link.new_id] = link.new
    split = len(units) > 1
    return [(units[pk], split or partial) for pk, partial in partial_by_new.items()]


@dataclass(frozen=True)
class Rollup:
    """Where a figure recorded against a unit goes among current units."""

    unit_ids: tuple[int, ...]
    # True when the unit was split or went to several units (or to none): spreading or
    # summing its figure over `unit_ids` is an estimate, to be shown as such.
    approximate: bool


def rollup_to_current(unit_ids: Iterable[int], *, level: str = Level.COMMUNE) -> dict[int, Rollup]:
    """For figures across the 2025 reorganization: each unit -> its current unit(s).

    `level` COMMUNE maps old communes (and districts, through their communes) to current
    communes, exact only when the old commune went whole into one. PROVINCE maps any
    unit to the current province(s), exact for every unit of a province that went whole
    (all but Tiền Giang in the package). Unknown ids are left out.
    """
    units = {
        u.pk: u
        for u in AdminUnit.objects.filter(pk__in=set(unit_ids)).only(
            "pk", "scheme", "level", "parent_id", "province_id"
        )
    }
    if level == Level.PROVINCE:
        return _rollup_to_provinces(units)
    return _rollup_to_communes(units)


def _rollup_from_links(sources: dict[int, set[int]]) -> dict[int, Rollup]:
    """`sources`: for each requested unit, the old units whose successions to follow."""
    old_ids: set[int] = set().union(*sources.values()) if sources else set()
    targets: dict[int, set[int]] = defaultdict(set)
    partial: set[int] = set()
    for old_id, new_id, is_partial in AdminUnitSuccession.objects.filter(
        old_id__in=old_ids
    ).values_list("old_id", "new_id", "is_partial"):
        targets[old_id].add(new_id)
        if is_partial:
            partial.add(old_id)
    result: dict[int, Rollup] = {}
    for pk, via in sources.items():
        new_ids: set[int] = set().union(*(targets[o] for o in via)) if via else set()
        approximate = len(new_ids) != 1 or bool(via & partial)
        result[pk] = Rollup(unit_ids=tuple(sorted(new_ids)), approximate=approximate)
    return result


def _rollup_to_communes(units: dict[int, AdminUnit]) -> dict[int, Rollup]:
    result: dict[int, Rollup] = {}
    sources: dict[int, set[int]] = {}
    districts = [
        pk for pk, u in units.items() if u.scheme == Scheme.PRE_2025 and u.level == Level.DISTRICT
    ]
    communes_of: dict[int, set[int]] = defaultdict(set)
    for pk, parent_id in AdminUnit.objects.filter(parent_id__in=districts).values_list(
        "pk", "parent_id"
    ):
        communes_of[parent_id].add(pk)
    for pk, unit in units.items():
        if unit.scheme == Scheme.CURRENT and unit.level == Level.COMMUNE:
            result[pk] = Rollup(unit_ids=(pk,), approximate=False)
        elif unit.scheme == Scheme.PRE_2025 and unit.level == Level.COMMUNE:
            sources[pk] = {pk}
        elif unit.scheme == Scheme.PRE_2025 and unit.level == Level.DISTRICT:
            sources[pk] = communes_of[pk]
        else:
            # A province holds many communes: its figure cannot go to one of them.
            result[pk] = Rollup(unit_ids=(), approximate=True)
    result.update(_rollup_from_links(sources))
    return result


def _rollup_to_provinces(units: dict[int, AdminUnit]) -> dict[int, Rollup]:
    result: dict[int, Rollup] = {}
    sources: dict[int, set[int]] = {}
    for pk, unit in units.items():
        if unit.scheme == Scheme.CURRENT and unit.province_id is not None:
            result[pk] = Rollup(unit_ids=(unit.province_id,), approximate=False)
        elif unit.scheme == Scheme.CURRENT:
            result[pk] = Rollup(unit_ids=(), approximate=True)
        else:
            sources[pk] = {unit.province_id} if unit.province_id else set()
    result.update(_rollup_from_links(sources))
    return result


def area_kinds_on(unit_ids: Iterable[int], day: datetime.date) -> dict[int, set[AreaKind]]:
    """The classifications (vùng sâu, vùng xa, biên giới, ĐBKK) of each unit on `day`.

    Every requested id is a key; a unit without a classification that day has an empty set.
    """
    ids = set(unit_ids)
    result: dict[int, set[AreaKind]] = {pk: set() for pk in ids}
    rows = (
        AreaClassification.objects.filter(unit_id__in=ids, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("unit_id", "kind")
    )
    for unit_id, kind in rows:
        result[unit_id].add(AreaKind(kind))
    return result
