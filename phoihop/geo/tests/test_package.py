"""What we read from `vietnam-provinces`, checked against the package itself.

These fail when a release reshapes the package: the private table behind
package.ward_is_partly_merged() in particular (see its docstring).
"""

from __future__ import annotations

from collections import Counter

import vietnam_provinces
from vietnam_provinces import legacy

from phoihop.geo import package
from phoihop.geo.choices import Level, Scheme


def test_units_come_parents_first_and_link_only_to_known_units():
    records = package.units()
    seen: set[package.Key] = set()
    for record in records:
        if record.parent is not None:
            assert record.parent in seen, record
        if record.province != record.key:
            assert record.province in seen, record
        seen.add(record.key)
    assert len(seen) == len(records) == 34 + 3321 + 63 + 696 + 10051
    levels = Counter((r.scheme, r.level) for r in records)
    assert levels[(Scheme.CURRENT, Level.COMMUNE)] == 3321
    assert levels[(Scheme.PRE_2025, Level.DISTRICT)] == 696


def test_partly_merged_flag_is_still_readable():
    # The private table still answers, with a bool, for the wards we know.
    assert package.ward_is_partly_merged(19) is True  # Phường Điện Biên, split in four
    assert package.ward_is_partly_merged(5221) is True  # Xã Đồng Tân, Mai Châu
    assert package.ward_is_partly_merged(5200) is False  # Thị trấn Mai Châu, went whole
    flagged = sum(package.ward_is_partly_merged(w.code.value) for w in legacy.Ward.iter_all())
    assert flagged == 572  # 573 in the table, one of them not in the snapshot


def test_private_flag_agrees_with_the_public_mapping():
    """Every old ward that the public API sends to two or more new wards is flagged."""
    targets: Counter[int] = Counter()
    for ward in vietnam_provinces.Ward.iter_all():
        for source in ward.get_legacy_sources():
            targets[source.code.value] += 1
    split = [code for code, n in targets.items() if n > 1]
    assert len(split) == 440  # 441 in the private table; one is not in the snapshot
    assert all(package.ward_is_partly_merged(code) for code in split)


def test_successions_follow_the_public_api():
    records = package.successions()
    provinces = [r for r in records if r.old[1] == Level.PROVINCE]
    communes = [r for r in records if r.old[1] == Level.COMMUNE]
    assert len(provinces) == 64
    assert len(communes) == 10554
    hoa_binh = [r for r in provinces if r.old == (Scheme.PRE_2025, Level.PROVINCE, 17)]
    assert hoa_binh == [
        package.SuccessionRecord(
            old=(Scheme.PRE_2025, Level.PROVINCE, 17),
            new=(Scheme.CURRENT, Level.PROVINCE, 25),
            is_partial=False,
        )
    ]
    public = {
        (h.source_code, h.ward.code.value)
        for h in vietnam_provinces.Ward.search_from_legacy_district(code=156)
    }
    mine = {(r.old[2], r.new[2]) for r in communes if r.new[2] in {n for _, n in public}}
    assert {n for _, n in public} == {n for _, n in mine} == {5200, 5206, 5212, 5245, 5251}
