"""The orgs admin: restricted lists, saves through the services, one audit row per change."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from phoihop.core.models import AuditEvent, User
from phoihop.orgs.choices import Role
from phoihop.orgs.models import (
    Committee,
    CommitteePosition,
    Organization,
    OrganizationParent,
    OrganizationSuccession,
    Person,
    RoleAssignment,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Committee,
    Organization,
    OrganizationSuccession,
    Person,
    CommitteePosition,
    RoleAssignment,
)


def url(model, view="changelist", *args):
    return reverse(f"admin:orgs_{model._meta.model_name}_{view}", args=args)


def post_form(client, address, data):
    """POST a change form with its inline management forms filled from the GET."""
    page = client.get(address)
    assert page.status_code == 200, page.status_code
    payload = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            payload[management.add_prefix(name)] = management.initial.get(name, field.initial) or 0
    payload.update({k: "" if v is None else v for k, v in data.items()})
    return client.post(address, payload)


def new_rows(since: int):
    return list(AuditEvent.objects.filter(id__gt=since).order_by("id"))


def mark() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_changelists_answer(client_for, role):
    client = client_for(role)
    for model in MODELS:
        assert client.get(url(model)).status_code == 200, model
        assert client.get(url(model) + "?q=hoa+binh").status_code == 200, model


def test_secretariat_sees_only_its_committee(world, client_for):
    client = client_for("secretariat")
    names = [o.name for o in client.get(url(Organization)).context["cl"].result_list]
    assert sorted(names) == sorted([world.org_a.name, world.org_b.name])
    committees = list(client.get(url(Committee)).context["cl"].result_list)
    assert committees == [world.committee]
    users = {r.user.username for r in client.get(url(RoleAssignment)).context["cl"].result_list}
    assert "other_secretariat" not in users
    assert "focal_a" in users
    # Another committee's row is not found.
    response = client.get(url(Organization, "change", world.other_org.pk))
    assert response.status_code == 302
    assert client.get(url(Committee, "add")).status_code == 403


def test_accent_insensitive_search(world, client_for):
    response = client_for("secretariat").get(url(Organization) + "?q=chu+thap+do")
    assert list(response.context["cl"].result_list) == [world.org_b]


def test_add_organization_writes_one_audit_row(world, client_for):
    before = mark()
    response = client_for("secretariat").post(
        url(Organization, "add"),
        {
            "committee": world.committee.pk,
            "name": "Ban CHQS huyện Mai Châu",
            "abbreviation": "Ban CHQS huyện",
            "kind": "military",
            "level": "district",
            "locality": world.district.pk,
            "parent": world.org_a.pk,
            "valid_from": "01/01/2020",
            "parent_history-TOTAL_FORMS": 0,
            "parent_history-INITIAL_FORMS": 0,
            "predecessions-TOTAL_FORMS": 0,
            "predecessions-INITIAL_FORMS": 0,
            "successions-TOTAL_FORMS": 0,
            "successions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    org = Organization.objects.get(name="Ban CHQS huyện Mai Châu")
    rows = new_rows(before)
    assert [(r.action, r.content_type.model) for r in rows] == [
        ("create", "organization"),
        ("create", "organizationparent"),
    ]
    assert rows[0].actor == world.user("secretariat")
    assert rows[0].after["name"] == org.name
    assert OrganizationParent.objects.get(organization=org).parent == world.org_a


def test_secretariat_cannot_add_to_another_committee(world, client_for):
    response = client_for("secretariat").post(
        url(Organization, "add"),
        {
            "committee": world.other_committee.pk,
            "name": "Hội CCB tỉnh Phú Thọ",
            "kind": "sociopolitical",
            "level": "province",
            "valid_from": "01/01/2020",
        },
    )
    assert response.status_code == 200
    assert "committee" in response.context["adminform"].form.errors
    assert not Organization.objects.filter(name="Hội CCB tỉnh Phú Thọ").exists()


def test_change_organization_and_reparent(world, client_for):
    client = client_for("secretariat")
    branch = Organization.objects.create(
        committee=world.committee,
        name="Ban CHQS huyện Lạc Sơn",
        kind="military",
        level="district",
        valid_from=datetime.date(2020, 1, 1),
    )
    before = mark()
    response = post_form(
        client,
        url(Organization, "change", branch.pk),
        {
            "name": branch.name,
            "abbreviation": "Ban CHQS Lạc Sơn",
            "kind": "military",
            "level": "district",
            "locality": "",
            "parent": world.org_b.pk,
            "parent_since": "01/07/2025",
            "valid_from": "01/01/2020",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = new_rows(before)
    assert [(r.action, r.content_type.model) for r in rows] == [
        ("update", "organization"),
        ("reparent", "organization"),
        ("create", "organizationparent"),
    ]
    branch.refresh_from_db()
    assert branch.abbreviation == "Ban CHQS Lạc Sơn"
    assert branch.parent == world.org_b
    assert OrganizationParent.objects.get(organization=branch).valid_from == datetime.date(
        2025, 7, 1
    )
    # The change page shows the history inline.
    page = client.get(url(Organization, "change", branch.pk))
    assert "01/07/2025" in page.content.decode()


def test_service_error_becomes_a_form_error(world, client_for):
    """A rule only the service knows (the parent must change after the current one
    started) comes back as a message on the form, not a server error."""
    client = client_for("secretariat")
    branch = Organization.objects.create(
        committee=world.committee,
        name="Ban CHQS huyện Lạc Sơn",
        kind="military",
        level="district",
        valid_from=datetime.date(2020, 1, 1),
    )
    before = mark()
    response = post_form(
        client,
        url(Organization, "change", branch.pk),
        {
            "name": branch.name,
            "kind": "military",
            "level": "district",
            "parent": world.org_b.pk,
            "parent_since": "01/01/2019",
            "valid_from": "01/01/2020",
        },
    )
    assert response.status_code == 200
    assert "before the organization existed" in str(
        response.context["adminform"].form.non_field_errors()
    )
    assert new_rows(before) == []
    branch.refresh_from_db()
    assert branch.parent is None


def test_delete_organization_moves_it_to_the_trash(world, client_for):
    client = client_for("secretariat")
    branch = Organization.objects.create(
        committee=world.committee,
        name="Ban CHQS huyện Lạc Sơn",
        kind="military",
        level="district",
        valid_from=datetime.date(2020, 1, 1),
    )
    response = client.post(url(Organization, "delete", branch.pk), {"post": "yes"})
    assert response.status_code == 302
    branch = Organization.all_objects.get(pk=branch.pk)
    assert branch.is_trashed
    assert AuditEvent.objects.filter(action="trash", object_id=str(branch.pk)).count() == 1
    # An organization with people in roles is refused, with the reason.
    response = client.post(
        url(Organization, "delete", world.org_a.pk), {"post": "yes"}, follow=True
    )
    assert "still hold roles" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not Organization.all_objects.get(pk=world.org_a.pk).is_trashed


def test_committee_admin(world, client_for):
    admin = client_for("admin")
    before = mark()
    response = admin.post(
        url(Committee, "add"),
        {
            "code": "son-la",
            "name": "BCĐ Sơn La",
            "short_name": "",
            "province": world.province.pk,
            "valid_from": "01/01/2020",
            "valid_to": "",
            "successor": world.committee.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Committee.objects.get(code="son-la")
    assert created.successor == world.committee
    assert [r.action for r in new_rows(before)] == ["create", "set_successor"]
    # The secretariat edits its committee's names, not its code or successor.
    sec = client_for("secretariat")
    page = sec.get(url(Committee, "change", world.committee.pk))
    assert set(page.context["adminform"].form.fields) == {
        "name",
        "short_name",
        "valid_from",
        "valid_to",
    }
    before = mark()
    response = sec.post(
        url(Committee, "change", world.committee.pk),
        {
            "name": world.committee.name,
            "short_name": "BCĐ tỉnh",
            "valid_from": "01/01/2020",
            "valid_to": "",
        },
    )
    assert response.status_code == 302
    rows = new_rows(before)
    assert [(r.action, r.before["short_name"], r.after["short_name"]) for r in rows] == [
        ("update", "BCĐ Hòa Bình", "BCĐ tỉnh")
    ]


def test_person_and_position_admin(world, client_for):
    client = client_for("secretariat")
    before = mark()
    response = post_form(
        client,
        url(Person, "add"),
        {
            "committee": world.committee.pk,
            "full_name": "Đinh Công Sứ",
            "rank": "Đại tá",
            "title": "Chỉ huy trưởng",
            "organization": world.org_a.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(full_name="Đinh Công Sứ")
    response = client.post(
        url(CommitteePosition, "add"),
        {
            "committee": world.committee.pk,
            "person": person.pk,
            "position": "head",
            "title": "Phó Chỉ huy trưởng",
            "valid_from": "01/01/2023",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    position = CommitteePosition.objects.get(person=person)
    response = client.post(
        url(CommitteePosition, "change", position.pk),
        {
            "title": "Phó Chỉ huy trưởng",
            "organization": "",
            "valid_from": "01/01/2023",
            "valid_to": "31/12/2024",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [r.action for r in new_rows(before)] == ["create", "create", "position_end"]
    assert client.get(url(Person, "change", person.pk)).status_code == 200


def test_role_admin_assign_end_and_duplicate(world, client_for):
    client = client_for("secretariat")
    newcomer = User.objects.create_user("newcomer", password=None)
    RoleAssignment.objects.create(user=newcomer, role=Role.EDITOR, committee=world.committee)
    form = client.get(url(RoleAssignment, "add")).context["adminform"].form
    assert Role.ADMIN not in dict(form.fields["role"].choices)
    assert list(form.fields["committee"].queryset) == [world.committee]
    before = mark()
    response = client.post(
        url(RoleAssignment, "add"),
        {
            "user": newcomer.pk,
            "role": "focal",
            "committee": world.committee.pk,
            "organization": world.org_b.pk,
            "valid_from": "01/01/2024",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assignment = RoleAssignment.objects.get(user=newcomer, role=Role.FOCAL)
    duplicate = client.post(
        url(RoleAssignment, "add"),
        {
            "user": newcomer.pk,
            "role": "focal",
            "committee": world.committee.pk,
            "organization": world.org_b.pk,
            "valid_from": "01/06/2024",
        },
    )
    assert duplicate.status_code == 200
    assert "already holds this role" in str(duplicate.context["adminform"].form.non_field_errors())
    response = client.post(url(RoleAssignment, "change", assignment.pk), {"valid_to": "31/12/2024"})
    assert response.status_code == 302
    assert [r.action for r in new_rows(before)] == ["create", "role_end"]
    assignment.refresh_from_db()
    assert assignment.valid_to == datetime.date(2024, 12, 31)


def test_role_admin_reset_password_action(world, client_for):
    client = client_for("secretariat")
    focal_role = RoleAssignment.objects.get(user=world.user("focal_a"))
    response = client.post(
        url(RoleAssignment),
        {"action": "reset_passwords", "_selected_action": [focal_role.pk]},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(texts) == 1
    assert texts[0].startswith("One-time password of focal_a: ")
    password = texts[0].rsplit(" ", 1)[-1]
    focal = User.objects.get(username="focal_a")
    assert focal.check_password(password)
    assert focal.must_change_password
    row = AuditEvent.objects.get(action="reset_password")
    assert password not in repr(row.before) + repr(row.after)


def test_role_admin_deactivate_action(world, client_for):
    client = client_for("secretariat")
    role = RoleAssignment.objects.get(user=world.user("focal_b"))
    client.post(
        url(RoleAssignment), {"action": "deactivate_accounts", "_selected_action": [role.pk]}
    )
    assert not User.objects.get(username="focal_b").is_active
    assert AuditEvent.objects.filter(action="deactivate").count() == 1


def test_succession_admin_moves_focal_points(world, client_for):
    client = client_for("secretariat")
    region = Organization.objects.create(
        committee=world.committee,
        name="Ban CHPTKV 1",
        kind="military",
        level="region",
        valid_from=datetime.date(2025, 7, 1),
    )
    response = client.post(
        url(OrganizationSuccession, "add"),
        {
            "predecessor": world.org_a.pk,
            "successor": region.pk,
            "kind": "replace",
            "date": "01/07/2025",
            "note": "",
            "move_users": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert RoleAssignment.objects.get(
        user=world.user("focal_a"), organization=region
    ).valid_from == datetime.date(2025, 7, 1)
    link = OrganizationSuccession.objects.get()
    assert client.get(url(OrganizationSuccession, "change", link.pk)).status_code == 200
    self_link = client.post(
        url(OrganizationSuccession, "add"),
        {"predecessor": region.pk, "successor": region.pk, "kind": "rename", "date": "01/07/2025"},
    )
    assert self_link.status_code == 200
    assert "cannot succeed itself" in self_link.content.decode()


def test_autocomplete_is_restricted(world, client_for):
    response = client_for("secretariat").get(
        reverse("admin:autocomplete"),
        {
            "app_label": "orgs",
            "model_name": "roleassignment",
            "field_name": "user",
            "term": "secretariat",
        },
    )
    assert response.status_code == 200
    found = {r["text"] for r in response.json()["results"]}
    assert "secretariat" in found
    assert "other_secretariat" not in found
    response = client_for("secretariat").get(
        reverse("admin:autocomplete"),
        {"app_label": "orgs", "model_name": "organization", "field_name": "parent", "term": "hoi"},
    )
    texts = {r["text"] for r in response.json()["results"]}
    assert world.org_b.name in texts
    assert world.other_org.name not in texts
