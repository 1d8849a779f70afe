"""`phoihop load_geo` and the service behind it: counts, links, idempotency."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from phoihop.core.models import AuditEvent, SiteFlag
from phoihop.geo import services
from phoihop.geo.choices import Level, Scheme
from phoihop.geo.models import AdminUnit, AdminUnitSuccession

pytestmark = pytest.mark.django_db

OLD, CUR = Scheme.PRE_2025, Scheme.CURRENT


def unit(scheme: str, level: str, code: int) -> AdminUnit:
    return AdminUnit.objects.get(scheme=scheme, level=level, code=code)


def count(scheme: str, level: str) -> int:
    return AdminUnit.objects.filter(scheme=scheme, level=level).count()


def test_counts_of_both_schemes(geo_units):
    assert count(CUR, Level.PROVINCE) == 34
    assert count(CUR, Level.COMMUNE) == 3321
    assert count(CUR, Level.DISTRICT) == 0
    assert count(OLD, Level.PROVINCE) == 63
    assert count(OLD, Level.DISTRICT) == 696
    assert count(OLD, Level.COMMUNE) == 10051
    assert geo_units.units_created == 34 + 3321 + 63 + 696 + 10051
    assert geo_units.count(OLD, Level.COMMUNE) == 10051


def test_hierarchy_and_validity(geo_units):
    hoa_binh = unit(OLD, Level.PROVINCE, 17)
    assert hoa_binh.name == "Tỉnh Hoà Bình"
    assert hoa_binh.province_id == hoa_binh.pk
    assert hoa_binh.parent_id is None
    assert hoa_binh.valid_to == datetime.date(2025, 6, 30)
    assert hoa_binh.valid_from is None
    districts = AdminUnit.objects.filter(parent=hoa_binh, level=Level.DISTRICT)
    assert sorted(districts.values_list("code", flat=True)) == [
        148,
        150,
        152,
        153,
        154,
        155,
        156,
        157,
        158,
        159,
    ]
    communes = AdminUnit.objects.filter(province=hoa_binh, level=Level.COMMUNE)
    assert communes.count() == 151
    # a pre-2025 commune hangs under its district, and knows its province
    mai_chau = unit(OLD, Level.COMMUNE, 5200)
    assert mai_chau.name == "Thị trấn Mai Châu"
    assert mai_chau.parent == unit(OLD, Level.DISTRICT, 156)
    assert mai_chau.province == hoa_binh
    assert mai_chau.division_type == "thị trấn"

    phu_tho = unit(CUR, Level.PROVINCE, 25)
    assert phu_tho.name == "Tỉnh Phú Thọ"
    assert phu_tho.valid_from == datetime.date(2025, 7, 1)
    assert phu_tho.valid_to is None
    new_communes = AdminUnit.objects.filter(province=phu_tho, level=Level.COMMUNE)
    assert new_communes.count() == 148
    # two tiers: a current commune's parent is the province
    assert set(new_communes.values_list("parent_id", flat=True)) == {phu_tho.pk}
    assert new_communes.filter(division_type="phường").count() == 15


def test_every_unit_is_folded_and_placed(geo_units):
    assert not AdminUnit.objects.filter(folded_name="").exists()
    assert not AdminUnit.objects.filter(province__isnull=True).exists()
    assert not AdminUnit.objects.exclude(level=Level.PROVINCE).filter(parent__isnull=True).exists()
    assert unit(OLD, Level.PROVINCE, 17).folded_name == "tinh hoa binh"
    assert unit(CUR, Level.COMMUNE, 5200).folded_name == "xa mai chau"


def test_codes_reused_in_2025_are_different_units(geo_units):
    # 15 was Yên Bái and is Lào Cai now; ward 4 was Trúc Bạch and is Ba Đình now.
    assert unit(OLD, Level.PROVINCE, 15).name == "Tỉnh Yên Bái"
    assert unit(CUR, Level.PROVINCE, 15).name == "Tỉnh Lào Cai"
    assert unit(OLD, Level.COMMUNE, 4).name == "Phường Trúc Bạch"
    assert unit(CUR, Level.COMMUNE, 4).name == "Phường Ba Đình"


def test_province_successions(geo_units):
    hoa_binh = unit(OLD, Level.PROVINCE, 17)
    phu_tho = unit(CUR, Level.PROVINCE, 25)
    link = AdminUnitSuccession.objects.get(old=hoa_binh)
    assert link.new == phu_tho
    assert link.is_partial is False
    assert link.effective == datetime.date(2025, 7, 1)
    sources = AdminUnitSuccession.objects.filter(new=phu_tho).values_list("old__name", flat=True)
    assert sorted(sources) == ["Tỉnh Hoà Bình", "Tỉnh Phú Thọ", "Tỉnh Vĩnh Phúc"]
    # every old province has a successor; only Tiền Giang went to two provinces
    old_provinces = AdminUnitSuccession.objects.filter(old__level=Level.PROVINCE)
    assert old_provinces.values("old").distinct().count() == 63
    split = old_provinces.filter(is_partial=True)
    assert set(split.values_list("old__name", flat=True)) == {"Tỉnh Tiền Giang"}
    assert split.count() == 2


def test_commune_successions(geo_units):
    links = AdminUnitSuccession.objects.filter(old__level=Level.COMMUNE)
    assert links.count() == 10554
    assert links.filter(old__scheme=OLD, new__scheme=CUR, new__level=Level.COMMUNE).count() == 10554
    # the package maps all but 28 old wards, and all but 5 new ones have a source
    assert links.values("old").distinct().count() == 10051 - 28
    assert links.values("new").distinct().count() == 3321 - 5
    # new Phú Thọ's communes come from 46 + 66 + 36 new units by origin province
    phu_tho = unit(CUR, Level.PROVINCE, 25)
    into_phu_tho = links.filter(new__province=phu_tho)
    assert set(into_phu_tho.values_list("old__province__code", flat=True)) == {17, 25, 26}
    from_hoa_binh = into_phu_tho.filter(old__province__code=17)
    assert from_hoa_binh.values("new").distinct().count() == 46


def test_split_ward_is_flagged_partial(geo_units):
    # Phường Điện Biên (Ba Đình, Hà Nội) was split among four new wards.
    dien_bien = unit(OLD, Level.COMMUNE, 19)
    assert dien_bien.name == "Phường Điện Biên"
    links = AdminUnitSuccession.objects.filter(old=dien_bien)
    assert sorted(links.values_list("new__name", flat=True)) == [
        "Phường Ba Đình",
        "Phường Hoàn Kiếm",
        "Phường Văn Miếu - Quốc Tử Giám",
        "Phường Ô Chợ Dừa",
    ]
    assert all(link.is_partial for link in links)
    # In Mai Châu, Xã Đồng Tân went partly to Xã Mai Châu and partly to Xã Pà Cò...
    dong_tan = AdminUnitSuccession.objects.filter(old=unit(OLD, Level.COMMUNE, 5221))
    assert sorted(dong_tan.values_list("new__name", "is_partial")) == [
        ("Xã Mai Châu", True),
        ("Xã Pà Cò", True),
    ]
    # ...while Thị trấn Mai Châu went whole into Xã Mai Châu.
    whole = AdminUnitSuccession.objects.get(old=unit(OLD, Level.COMMUNE, 5200))
    assert whole.is_partial is False
    assert whole.new == unit(CUR, Level.COMMUNE, 5200)
    # every old ward with more than one successor is partial
    multi = (
        AdminUnitSuccession.objects.filter(old__level=Level.COMMUNE)
        .values("old")
        .annotate(n=Count("new"))
        .filter(n__gt=1)
        .values("old")
    )
    assert AdminUnitSuccession.objects.filter(old__in=multi, is_partial=False).count() == 0
    assert AdminUnitSuccession.objects.filter(old__in=multi).values("old").distinct().count() == 440


def test_load_is_recorded_once(geo_units):
    flag = SiteFlag.objects.get(key=services.PACKAGE_FLAG)
    assert flag.value["version"].startswith("2026.9.0")
    assert flag.value["units"] == 14165
    events = AuditEvent.objects.filter(object_repr=services.PACKAGE_FLAG, action="load")
    assert events.count() == 1
    assert "+14165" in events.get().note


def test_second_run_changes_nothing_and_only_reads(geo_units):
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        summary = services.admin_units_load(actor=None)
    assert summary.changed is False
    assert (summary.units_created, summary.units_updated) == (0, 0)
    assert summary.successions_created == summary.successions_removed == 0
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert len(queries.captured_queries) <= 6
    assert AuditEvent.objects.count() == events


def test_rerun_repairs_drift_and_audits_it(geo_units):
    mai_chau = unit(OLD, Level.COMMUNE, 5200)
    AdminUnit.objects.filter(pk=mai_chau.pk).update(name="Thị trấn Mai Chau", folded_name="x")
    dien_bien = unit(OLD, Level.COMMUNE, 19)
    AdminUnitSuccession.objects.filter(old=dien_bien).update(is_partial=False)
    AdminUnitSuccession.objects.get(old=mai_chau).delete()
    bogus = AdminUnitSuccession.objects.create(old=mai_chau, new=unit(CUR, Level.COMMUNE, 4))

    summary = services.admin_units_load(actor=None)

    assert (summary.units_created, summary.units_updated) == (0, 1)
    assert summary.successions_created == 1
    assert summary.successions_updated == 4
    assert summary.successions_removed == 1
    mai_chau.refresh_from_db()
    assert mai_chau.name == "Thị trấn Mai Châu"
    assert mai_chau.folded_name == "thi tran mai chau"
    assert not AdminUnitSuccession.objects.filter(pk=bogus.pk).exists()
    assert AdminUnitSuccession.objects.filter(old=dien_bien, is_partial=True).count() == 4
    assert AdminUnitSuccession.objects.get(old=mai_chau).new == unit(CUR, Level.COMMUNE, 5200)
    reload = AuditEvent.objects.filter(action="reload", object_id=str(mai_chau.pk)).get()
    assert reload.before["name"] == "Thị trấn Mai Chau"
    assert reload.after["name"] == "Thị trấn Mai Châu"
    assert AuditEvent.objects.filter(action="delete", object_id=str(bogus.pk)).exists()
    assert AuditEvent.objects.filter(action="load", object_repr=services.PACKAGE_FLAG).count() == 2


def test_hand_made_units_are_corrected_or_kept(geo_units):
    # A unit created by hand with the wrong name for its code is corrected...
    AdminUnit.objects.filter(scheme=OLD, level=Level.COMMUNE, code=5197).update(
        name="Thị trấn Mai Châu"
    )
    # ...and one the package does not know is kept (rows may refer to it).
    AdminUnit.objects.create(
        scheme=OLD, level=Level.COMMUNE, code=999999, name="Xã Thử", folded_name="xa thu"
    )
    summary = services.admin_units_load(actor=None)
    assert summary.units_updated == 1
    assert summary.units_unknown == 1
    assert unit(OLD, Level.COMMUNE, 5197).name == "Xã Gia Mô"
    assert AdminUnit.objects.filter(code=999999).exists()


def test_only_system_admins_may_load(world, geo_units):
    with pytest.raises(PermissionDenied):
        services.admin_units_load(actor=world.user("secretariat"))
    assert services.admin_units_load(actor=world.user("admin")).changed is False


def test_command_prints_a_summary(geo_units):
    out = StringIO()
    with translation.override("en"):
        call_command("load_geo", stdout=out)
    text = out.getvalue()
    assert "before 1 July 2025: 63 provinces, 696 districts, 10,051 communes" in text
    assert "from 1 July 2025: 34 provinces, 3,321 communes" in text
    assert "Nothing to change" in text


def test_command_speaks_vietnamese(geo_units):
    out = StringIO()
    with translation.override("vi"):
        call_command("load_geo", stdout=out)
    text = out.getvalue()
    assert "63 đơn vị cấp tỉnh, 696 đơn vị cấp huyện, 10.051 đơn vị cấp xã" in text
    assert "Không có gì thay đổi" in text
