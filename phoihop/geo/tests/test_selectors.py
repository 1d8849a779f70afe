"""Commune search, successors and roll-ups on the package's real units."""

from __future__ import annotations

import datetime

import pytest

from phoihop.geo import selectors
from phoihop.geo.choices import AreaKind, Level, Scheme
from phoihop.geo.models import AdminUnit, AreaClassification

pytestmark = pytest.mark.django_db

OLD, CUR = Scheme.PRE_2025, Scheme.CURRENT


def unit(scheme: str, level: str, code: int) -> AdminUnit:
    return AdminUnit.objects.get(scheme=scheme, level=level, code=code)


@pytest.mark.parametrize("query", ["mai chau", "Mai Châu", "MAI CHÂU", "  mai   CHAU ", "Mai Chau"])
def test_search_ignores_case_tones_and_spaces(geo_units, query):
    found = selectors.search_communes(query, scheme=CUR)
    assert found[0] == unit(CUR, Level.COMMUNE, 5200)
    assert found[0].name == "Xã Mai Châu"


def test_search_treats_both_tone_placements_and_d_alike(geo_units):
    hoa = {u.pk for u in selectors.search_communes("Hoà Bình", limit=500)}
    hoa_new = {u.pk for u in selectors.search_communes("Hòa Bình", limit=500)}
    assert hoa == hoa_new
    assert len(hoa) > 1
    assert {u.pk for u in selectors.search_communes("da bac")} == {
        u.pk for u in selectors.search_communes("Đà Bắc")
    }
    assert any(u.name == "Xã Đà Bắc" for u in selectors.search_communes("da bac"))


def test_search_filters_by_scheme_and_province(geo_units):
    both = selectors.search_communes("mai chau")
    assert {u.scheme for u in both} == {OLD, CUR}
    # the current unit first, then the old one of the same name
    assert [u.name for u in both[:2]] == ["Xã Mai Châu", "Thị trấn Mai Châu"]
    old = selectors.search_communes("mai chau", scheme=OLD)
    assert old
    assert {u.scheme for u in old} == {OLD}
    hoa_binh = unit(OLD, Level.PROVINCE, 17)
    in_hoa_binh = selectors.search_communes("tan", province=hoa_binh, limit=200)
    assert in_hoa_binh
    assert {u.province_id for u in in_hoa_binh} == {hoa_binh.pk}
    assert selectors.search_communes("tan", province=hoa_binh.pk, limit=200) == in_hoa_binh


def test_search_ranks_the_name_itself_first_and_honours_the_limit(geo_units):
    found = selectors.search_communes("an", scheme=CUR, limit=5)
    assert len(found) == 5
    assert all(u.folded_name.endswith(" an") for u in found)  # "Xã An", "Phường Bình An"...
    assert selectors.search_communes("   ") == []
    assert selectors.search_communes("zzqx") == []
    # only communes: provinces and districts are not offered
    assert all(u.level == Level.COMMUNE for u in selectors.search_communes("hoa binh", limit=100))


def test_current_successors_of_a_province(geo_units):
    hoa_binh = unit(OLD, Level.PROVINCE, 17)
    assert selectors.current_successors(hoa_binh) == [(unit(CUR, Level.PROVINCE, 25), False)]
    tien_giang = unit(OLD, Level.PROVINCE, 82)
    successors = selectors.current_successors(tien_giang)
    assert {u.name for u, _partial in successors} == {"Tỉnh Tây Ninh", "Tỉnh Đồng Tháp"}
    assert all(partial for _u, partial in successors)


def test_current_successors_of_communes(geo_units):
    whole = unit(OLD, Level.COMMUNE, 5200)  # Thị trấn Mai Châu
    assert selectors.current_successors(whole) == [(unit(CUR, Level.COMMUNE, 5200), False)]
    split = unit(OLD, Level.COMMUNE, 5221)  # Xã Đồng Tân
    assert [(u.name, p) for u, p in selectors.current_successors(split)] == [
        ("Xã Mai Châu", True),
        ("Xã Pà Cò", True),
    ]
    current = unit(CUR, Level.COMMUNE, 5212)
    assert selectors.current_successors(current) == [(current, False)]


def test_current_successors_of_a_district(geo_units):
    mai_chau = unit(OLD, Level.DISTRICT, 156)
    successors = selectors.current_successors(mai_chau)
    assert [u.code for u, _p in successors] == [5200, 5206, 5212, 5245, 5251]
    assert all(partial for _u, partial in successors)  # a district went to five communes


def test_rollup_to_current_communes(geo_units):
    whole = unit(OLD, Level.COMMUNE, 5200)
    split = unit(OLD, Level.COMMUNE, 5221)
    district = unit(OLD, Level.DISTRICT, 156)
    current = unit(CUR, Level.COMMUNE, 5212)
    province = unit(OLD, Level.PROVINCE, 17)
    rollup = selectors.rollup_to_current([whole.pk, split.pk, district.pk, current.pk, province.pk])
    new = {code: unit(CUR, Level.COMMUNE, code).pk for code in (5200, 5206, 5212, 5245, 5251)}
    assert rollup[whole.pk] == selectors.Rollup(unit_ids=(new[5200],), approximate=False)
    assert rollup[split.pk] == selectors.Rollup(
        unit_ids=tuple(sorted((new[5200], new[5212]))), approximate=True
    )
    assert rollup[district.pk] == selectors.Rollup(
        unit_ids=tuple(sorted(new.values())), approximate=True
    )
    assert rollup[current.pk] == selectors.Rollup(unit_ids=(current.pk,), approximate=False)
    assert rollup[province.pk] == selectors.Rollup(unit_ids=(), approximate=True)
    assert selectors.rollup_to_current([]) == {}


def test_rollup_of_an_unmapped_old_ward_is_flagged(geo_units):
    mapped = AdminUnit.objects.filter(successions__isnull=False)
    lost = AdminUnit.objects.filter(scheme=OLD, level=Level.COMMUNE).exclude(pk__in=mapped)
    assert lost.count() == 28
    sample = lost.first()
    assert selectors.rollup_to_current([sample.pk])[sample.pk] == selectors.Rollup((), True)


def test_rollup_to_current_provinces(geo_units):
    phu_tho = unit(CUR, Level.PROVINCE, 25)
    hoa_binh_commune = unit(OLD, Level.COMMUNE, 5221)
    hoa_binh_district = unit(OLD, Level.DISTRICT, 156)
    tien_giang = unit(OLD, Level.PROVINCE, 82)
    current = unit(CUR, Level.COMMUNE, 5212)
    ids = [hoa_binh_commune.pk, hoa_binh_district.pk, tien_giang.pk, current.pk]
    rollup = selectors.rollup_to_current(ids, level=Level.PROVINCE)
    exact = selectors.Rollup(unit_ids=(phu_tho.pk,), approximate=False)
    # a split commune is still wholly inside new Phú Thọ: exact at province level
    assert rollup[hoa_binh_commune.pk] == exact
    assert rollup[hoa_binh_district.pk] == exact
    assert rollup[current.pk] == exact
    assert rollup[tien_giang.pk].approximate is True
    assert len(rollup[tien_giang.pk].unit_ids) == 2


def test_area_kinds_on_a_day(geo_units):
    commune = unit(CUR, Level.COMMUNE, 5212)  # Xã Pà Cò
    other = unit(CUR, Level.COMMUNE, 5200)
    AreaClassification.objects.create(
        unit=commune,
        kind=AreaKind.EXTREMELY_DIFFICULT,
        valid_from=datetime.date(2021, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    AreaClassification.objects.create(
        unit=commune, kind=AreaKind.REMOTE, valid_from=datetime.date(2024, 1, 1)
    )
    ids = [commune.pk, other.pk]
    assert selectors.area_kinds_on(ids, datetime.date(2020, 12, 31)) == {
        commune.pk: set(),
        other.pk: set(),
    }
    assert selectors.area_kinds_on(ids, datetime.date(2024, 1, 1)) == {
        commune.pk: {AreaKind.EXTREMELY_DIFFICULT, AreaKind.REMOTE},
        other.pk: set(),
    }
    # the last day counts; the day after does not
    assert selectors.area_kinds_on([commune.pk], datetime.date(2025, 12, 31))[commune.pk] == {
        AreaKind.EXTREMELY_DIFFICULT,
        AreaKind.REMOTE,
    }
    assert selectors.area_kinds_on([commune.pk], datetime.date(2026, 1, 1))[commune.pk] == {
        AreaKind.REMOTE
    }
