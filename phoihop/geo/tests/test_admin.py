"""Admin screens of geography, on the package's real units."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from phoihop.core import audit
from phoihop.geo import services
from phoihop.geo.choices import AreaKind, Level, Scheme
from phoihop.geo.models import AdminUnit, AdminUnitSuccession, AreaClassification

pytestmark = pytest.mark.django_db

CHANGELISTS = ["geo_adminunit", "geo_adminunitsuccession", "geo_areaclassification"]


def unit(scheme: str, level: str, code: int) -> AdminUnit:
    return AdminUnit.objects.get(scheme=scheme, level=level, code=code)


@pytest.mark.parametrize("role", ["secretariat", "other_secretariat", "admin"])
@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelists_answer_the_keepers(geo_units, client_for, role, name):
    response = client_for(role).get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["focal_a", "editor", "leader"])
def test_changelists_are_closed_to_others(geo_units, client_for, role):
    for name in CHANGELISTS:
        response = client_for(role).get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_unit_search_ignores_tones_and_finds_codes(geo_units, client_for):
    client = client_for("secretariat")
    url = reverse("admin:geo_adminunit_changelist")
    response = client.get(url, {"q": "mai chau", "scheme__exact": Scheme.CURRENT})
    names = [u.name for u in response.context["cl"].result_list]
    assert names == ["Xã Mai Châu"]
    response = client.get(url, {"q": "Hoà Bình", "level__exact": Level.PROVINCE})
    assert [u.name for u in response.context["cl"].result_list] == ["Tỉnh Hoà Bình"]
    response = client.get(url, {"q": "5200"})
    assert {u.code for u in response.context["cl"].result_list} == {5200}


def test_unit_province_filter(geo_units, client_for):
    hoa_binh = unit(Scheme.PRE_2025, Level.PROVINCE, 17)
    response = client_for("secretariat").get(
        reverse("admin:geo_adminunit_changelist"),
        {"province": hoa_binh.pk, "level__exact": Level.DISTRICT},
    )
    assert response.context["cl"].result_count == 10


def test_succession_search_finds_old_or_new_name(geo_units, client_for):
    response = client_for("secretariat").get(
        reverse("admin:geo_adminunitsuccession_changelist"),
        {"q": "dong tan", "is_partial__exact": "1"},
    )
    pairs = {(s.old.name, s.new.name) for s in response.context["cl"].result_list}
    assert ("Xã Đồng Tân", "Xã Pà Cò") in pairs


def test_units_and_successions_are_read_only(geo_units, client_for):
    client = client_for("admin")
    mai_chau = unit(Scheme.CURRENT, Level.COMMUNE, 5200)
    assert client.get(reverse("admin:geo_adminunit_add")).status_code == 403
    assert client.get(reverse("admin:geo_adminunitsuccession_add")).status_code == 403
    change = reverse("admin:geo_adminunit_change", args=[mai_chau.pk])
    assert client.get(change).status_code == 200  # shown, not editable
    client.post(change, {"name": "Xã Khác"})
    mai_chau.refresh_from_db()
    assert mai_chau.name == "Xã Mai Châu"
    delete = reverse("admin:geo_adminunit_delete", args=[mai_chau.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AdminUnit.objects.filter(pk=mai_chau.pk).exists()


def test_unit_autocomplete_offers_communes_by_folded_name(geo_units, client_for):
    response = client_for("secretariat").get(
        reverse("admin:autocomplete"),
        {
            "app_label": "geo",
            "model_name": "areaclassification",
            "field_name": "unit",
            "term": "MAI CHAU",
        },
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert unit(Scheme.CURRENT, Level.COMMUNE, 5200).pk in ids
    assert set(AdminUnit.objects.filter(pk__in=ids).values_list("level", flat=True)) == {
        Level.COMMUNE
    }


def _form(unit_pk: int, **extra):
    data = {
        "unit": unit_pk,
        "kind": AreaKind.EXTREMELY_DIFFICULT,
        "valid_from": "01/01/2021",
        "valid_to": "",
        "source": "QĐ 861/QĐ-TTg",
    }
    data.update(extra)
    return data


def test_add_goes_through_the_service(geo_units, world, client_for):
    commune = unit(Scheme.CURRENT, Level.COMMUNE, 5212)
    response = client_for("secretariat").post(
        reverse("admin:geo_areaclassification_add"), _form(commune.pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    area = AreaClassification.objects.get(unit=commune)
    assert area.valid_from == datetime.date(2021, 1, 1)
    events = audit.history(area)
    assert [e.action for e in events] == ["create"]  # once: by the service, not the admin
    assert events[0].actor == world.user("secretariat")


def test_overlap_is_shown_on_the_form(geo_units, world, client_for):
    commune = unit(Scheme.CURRENT, Level.COMMUNE, 5212)
    services.area_classification_set(
        actor=world.user("admin"),
        unit=commune,
        kind=AreaKind.EXTREMELY_DIFFICULT,
        valid_from=datetime.date(2020, 1, 1),
    )
    response = client_for("secretariat").post(
        reverse("admin:geo_areaclassification_add"), _form(commune.pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert AreaClassification.objects.filter(unit=commune).count() == 1


def test_change_and_delete_go_through_the_services(geo_units, world, client_for):
    commune = unit(Scheme.CURRENT, Level.COMMUNE, 5212)
    area = services.area_classification_set(
        actor=world.user("admin"),
        unit=commune,
        kind=AreaKind.REMOTE,
        valid_from=datetime.date(2021, 1, 1),
    )
    client = client_for("secretariat")
    change = reverse("admin:geo_areaclassification_change", args=[area.pk])
    response = client.post(change, {"valid_to": "31/12/2025", "source": "QĐ mới"})
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.valid_to == datetime.date(2025, 12, 31)
    assert area.kind == AreaKind.REMOTE  # fixed once saved
    assert [e.action for e in audit.history(area).order_by("id")] == ["create", "update"]

    delete = reverse("admin:geo_areaclassification_delete", args=[area.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not AreaClassification.objects.filter(pk=area.pk).exists()
    assert AdminUnitSuccession.objects.exists()  # nothing else went with it
