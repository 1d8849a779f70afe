"""The trash pages: the secretariat sees its committee's deleted records, restores them
through the owning app's service; nobody reaches another committee's trash."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from phoihop.core.models import AuditEvent
from phoihop.orgs import services as org_services
from phoihop.orgs.choices import OrgKind, OrgLevel
from phoihop.orgs.models import Organization, Person

pytestmark = pytest.mark.django_db


def _org(world, committee, name, *, trashed=True):
    root = world.user("admin")
    org = org_services.organization_create(
        actor=root,
        committee=committee,
        name=name,
        abbreviation=name[:10],
        kind=OrgKind.SOCIOPOLITICAL,
        level=OrgLevel.PROVINCE,
        locality=world.province,
        valid_from=datetime.date(2020, 1, 1),
    )
    if trashed:
        org_services.organization_trash(actor=root, organization=org)
    return org


def _page(client):
    return client.get(reverse("core:trash")).content.decode()


def test_secretariat_lists_only_its_committees_trash(
    world, client_for, django_assert_max_num_queries
):
    ours = _org(world, world.committee, "Hội Liên hiệp Phụ nữ tỉnh Hòa Bình")
    theirs = _org(world, world.other_committee, "Hội Cựu chiến binh tỉnh Phú Thọ")
    person = org_services.person_create(
        actor=world.user("admin"), committee=world.committee, full_name="Nguyễn Thị Thử"
    )
    org_services.person_trash(actor=world.user("admin"), person=person)
    client = client_for("secretariat")
    with django_assert_max_num_queries(30):
        page = _page(client)
    assert str(ours) in page
    assert "Nguyễn Thị Thử" in page
    assert str(theirs) not in page
    other = _page(client_for("other_secretariat"))
    assert str(theirs) in other
    assert str(ours) not in other


def test_restore_brings_the_record_back_with_an_audit_event(world, client_for):
    org = _org(world, world.committee, "Hội Liên hiệp Phụ nữ tỉnh Hòa Bình")
    assert not Organization.objects.filter(pk=org.pk).exists()
    url = reverse("core:trash_restore", kwargs={"model": "orgs.organization", "pk": org.pk})
    response = client_for("secretariat").post(url, follow=True)
    assert response.status_code == 200
    assert Organization.objects.filter(pk=org.pk).exists()
    assert AuditEvent.objects.filter(action="restore", object_id=str(org.pk)).exists()
    assert "message success" in response.content.decode()
    assert 'action="' + url not in response.content.decode()


def test_model_without_a_restore_service_uses_the_generic_one(world, client_for):
    person = org_services.person_create(
        actor=world.user("admin"), committee=world.committee, full_name="Trần Văn Thử"
    )
    org_services.person_trash(actor=world.user("admin"), person=person)
    url = reverse("core:trash_restore", kwargs={"model": "orgs.person", "pk": person.pk})
    assert client_for("secretariat").post(url).status_code == 302
    assert Person.objects.filter(pk=person.pk).exists()


def test_other_committee_and_roles_are_refused(world, client_for):
    org = _org(world, world.committee, "Hội Liên hiệp Phụ nữ tỉnh Hòa Bình")
    url = reverse("core:trash_restore", kwargs={"model": "orgs.organization", "pk": org.pk})
    assert client_for("other_secretariat").post(url).status_code == 404
    assert client_for("focal_a").post(url).status_code == 403
    assert client_for("secretariat").get(url).status_code == 405
    assert client_for("leader").get(reverse("core:trash")).status_code == 403
    assert not Organization.objects.filter(pk=org.pk).exists()
    bogus = reverse("core:trash_restore", kwargs={"model": "core.user", "pk": 1})
    assert client_for("secretariat").post(bogus).status_code == 404
    alive = reverse(
        "core:trash_restore", kwargs={"model": "orgs.organization", "pk": world.org_a.pk}
    )
    assert client_for("secretariat").post(alive).status_code == 404


def test_refused_restore_shows_why(world, client_for):
    """The name was taken again since the deletion: the rule is shown, nothing restored."""
    org = _org(world, world.committee, "Hội Liên hiệp Phụ nữ tỉnh Hòa Bình")
    url = reverse("core:trash_restore", kwargs={"model": "orgs.organization", "pk": org.pk})
    _org(world, world.committee, "Hội Liên hiệp Phụ nữ tỉnh Hòa Bình", trashed=False)
    response = client_for("secretariat").post(url, follow=True)
    assert response.status_code == 200
    assert Organization.objects.filter(name="Hội Liên hiệp Phụ nữ tỉnh Hòa Bình").count() == 1
    assert not Organization.objects.filter(pk=org.pk).exists()
    assert "message error" in response.content.decode()


def test_menu_shows_trash_to_the_secretariat_only(world, client_for):
    home = reverse("core:home")  # which may send each role on to its own home page
    shown = client_for("secretariat").get(home, follow=True)
    assert shown.status_code == 200
    assert 'data-menu="trash"' in shown.content.decode()
    hidden = client_for("focal_a").get(home, follow=True)
    assert hidden.status_code == 200
    assert 'data-menu="trash"' not in hidden.content.decode()
