"""Reading the `vietnam-provinces` package: administrative units and the 2025 mapping.

This is the only module that imports the package, so an upgrade that changes its API
breaks here (and in tests/test_package.py), not all over the app.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

import vietnam_provinces
from vietnam_provinces import legacy

from phoihop.core.text import fold
from phoihop.geo.choices import Level, Scheme
from phoihop.geo.models import REORGANIZATION_DATE

Key = tuple[str, str, int]
"""(scheme, level, code): codes were reused in 2025, so a bare code names nothing."""

CURRENT_VALID_FROM = REORGANIZATION_DATE
PRE2025_VALID_TO = REORGANIZATION_DATE - datetime.timedelta(days=1)


@dataclass(frozen=True)
class UnitRecord:
    scheme: str
    level: str
    code: int
    name: str
    folded_name: str
    division_type: str
    codename: str
    parent: Key | None
    province: Key  # itself for a province

    @property
    def key(self) -> Key:
        return (self.scheme, self.level, self.code)

    @property
    def valid_from(self) -> datetime.date | None:
        return CURRENT_VALID_FROM if self.scheme == Scheme.CURRENT else None

    @property
    def valid_to(self) -> datetime.date | None:
        return PRE2025_VALID_TO if self.scheme == Scheme.PRE_2025 else None


@dataclass(frozen=True)
class SuccessionRecord:
    old: Key
    new: Key
    is_partial: bool


def version() -> str:
    return f"{vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"


def _key(scheme: str, level: str, code: int) -> Key:
    return (scheme, level, int(code))


@cache
def units() -> tuple[UnitRecord, ...]:
    """Every unit of both schemes, parents before children (provinces, districts, communes).

    Cached: the installed package does not change while the process runs.
    """
    cur, old = Scheme.CURRENT, Scheme.PRE_2025
    provinces: list[UnitRecord] = []
    districts: list[UnitRecord] = []
    communes: list[UnitRecord] = []
    for p in vietnam_provinces.Province.iter_all():
        key = _key(cur, Level.PROVINCE, p.code.value)
        provinces.append(_record(key, p, parent=None, province=key))
    for lp in legacy.Province.iter_all():
        key = _key(old, Level.PROVINCE, lp.code.value)
        provinces.append(_record(key, lp, parent=None, province=key))
    for d in legacy.District.iter_all():
        province = _key(old, Level.PROVINCE, d.province_code.value)
        key = _key(old, Level.DISTRICT, d.code.value)
        districts.append(_record(key, d, parent=province, province=province))
    for w in vietnam_provinces.Ward.iter_all():
        # Two-tier government from 1 July 2025: a commune's parent is its province.
        province = _key(cur, Level.PROVINCE, w.province_code.value)
        key = _key(cur, Level.COMMUNE, w.code.value)
        communes.append(_record(key, w, parent=province, province=province))
    for lw in legacy.Ward.iter_all():
        province = _key(old, Level.PROVINCE, lw.province_code.value)
        district = _key(old, Level.DISTRICT, lw.district_code.value)
        key = _key(old, Level.COMMUNE, lw.code.value)
        communes.append(_record(key, lw, parent=district, province=province))
    return (*provinces, *districts, *communes)


def _record(key: Key, division: Any, *, parent: Key | None, province: Key) -> UnitRecord:
    """`division`: a Province, District or Ward of the package, current or legacy."""
    return UnitRecord(
        scheme=key[0],
        level=key[1],
        code=key[2],
        name=division.name,
        folded_name=fold(division.name),
        division_type=division.division_type.value,
        codename=division.codename,
        parent=parent,
        province=province,
    )


@cache
def successions() -> tuple[SuccessionRecord, ...]:
    """Old unit -> current unit, for provinces and communes, from the public API.

    A province pair is partial when the old province went to more than one new one
    (Tiền Giang, 82, in 2026.9.0). A commune pair is partial when the package flags the
    old ward as partly merged.
    """
    cur, old = Scheme.CURRENT, Scheme.PRE_2025
    records: list[SuccessionRecord] = []

    province_pairs = [
        (source.code.value, new.code.value)
        for new in vietnam_provinces.Province.iter_all()
        for source in new.get_legacy_sources()
    ]
    targets = Counter(o for o, _ in province_pairs)
    records.extend(
        SuccessionRecord(
            old=_key(old, Level.PROVINCE, o),
            new=_key(cur, Level.PROVINCE, n),
            is_partial=targets[o] > 1,
        )
        for o, n in province_pairs
    )

    # get_legacy_sources() drops the few conversion rows whose old ward is not in the
    # pre-2025 snapshot (11 in 2026.9.0), which is what we want: there is no unit to link.
    ward_pairs = [
        (source.code.value, new.code.value)
        for new in vietnam_provinces.Ward.iter_all()
        for source in new.get_legacy_sources()
    ]
    targets = Counter(o for o, _ in ward_pairs)
    records.extend(
        SuccessionRecord(
            old=_key(old, Level.COMMUNE, o),
            new=_key(cur, Level.COMMUNE, n),
            is_partial=targets[o] > 1 or ward_is_partly_merged(o),
        )
        for o, n in ward_pairs
    )
    return tuple(records)


def ward_is_partly_merged(old_code: int) -> bool:
    """Whether the package flags an old ward as split ("sáp nhập một phần").

    STABILITY RISK: the public API (Ward.get_legacy_sources, search_from_legacy) gives
    the old->new pairs but not this flag, so it is read from the private module
    `_ward_conversion_2025`. A release may rename or reshape it; tests/test_package.py
    fails then. Only this function touches it. The per-old-ward flag is used, not the
    per-pair one of NEW_TO_OLD: 63 pairs of split wards are unflagged there, and a
    figure of a split ward can only be spread approximately, whichever part it is.
    """
    from vietnam_provinces import _ward_conversion_2025

    return bool(_ward_conversion_2025.is_partly_merged(old_code))
