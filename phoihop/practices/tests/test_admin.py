"""The practices admin: restricted lists, saves and status moves through the services."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from phoihop.core.models import AuditEvent
from phoihop.practices import services
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.practices.tests.conftest import STARTED, advance

pytestmark = pytest.mark.django_db


def url(model, view="changelist", *args):
    return reverse(f"admin:practices_{model._meta.model_name}_{view}", args=args)


INLINES = {
    "evaluations-TOTAL_FORMS": 0,
    "evaluations-INITIAL_FORMS": 0,
    "replications-TOTAL_FORMS": 0,
    "replications-INITIAL_FORMS": 0,
}


def mark() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


def actions_since(since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    )


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_changelists_answer(client_for, practice, role):
    client = client_for(role)
    for model in (Practice, Evaluation, Replication):
        assert client.get(url(model)).status_code == 200, model
        assert client.get(url(model) + "?q=dan+van").status_code == 200, model
    assert client.get(url(Practice, "change", practice.pk)).status_code == 200


def test_secretariat_sees_only_its_committee(world, client_for, practice):
    other = services.practice_register(
        actor=world.user("other_secretariat"),
        owner=world.other_org,
        title="Mô hình Phú Thọ",
        started_on=STARTED,
    )
    client = client_for("secretariat")
    assert list(client.get(url(Practice)).context["cl"].result_list) == [practice]
    assert client.get(url(Practice, "change", other.pk)).status_code == 302
    # Accent-insensitive search.
    assert list(client.get(url(Practice) + "?q=dan+van+kheo").context["cl"].result_list) == [
        practice
    ]


def test_add_and_change_through_services(world, client_for):
    client = client_for("secretariat")
    before = mark()
    response = client.post(
        url(Practice, "add"),
        {
            "owner": world.org_b.pk,
            "title": "Ngày thứ Bảy tình nguyện",
            "description": "",
            "content": "",
            "localities": [world.commune.pk],
            "started_on": "01/03/2023",
            **INLINES,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    practice = Practice.objects.get(title="Ngày thứ Bảy tình nguyện")
    assert (practice.committee, practice.status) == (world.committee, "pilot")
    assert list(practice.localities.all()) == [world.commune]
    response = client.post(
        url(Practice, "change", practice.pk),
        {
            "owner": world.org_b.pk,
            "title": practice.title,
            "description": "Hiến máu",
            "content": "",
            "started_on": "01/03/2023",
            **INLINES,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert actions_since(before) == ["create", "update"]
    row = AuditEvent.objects.order_by("-id").first()
    assert (row.after["description"], row.after["localities"]) == ("Hiến máu", [])


def test_duplicate_title_is_a_form_error(world, client_for, practice):
    response = client_for("secretariat").post(
        url(Practice, "add"),
        {"owner": world.org_b.pk, "title": practice.title, "started_on": "01/03/2023", **INLINES},
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()


def test_status_actions(world, client_for, practice):
    client = client_for("secretariat")
    before = mark()
    response = client.post(
        url(Practice), {"action": "mark_effective", "_selected_action": [practice.pk]}, follow=True
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("at least 70" in t for t in texts), texts
    assert Practice.objects.get(pk=practice.pk).status == "pilot"
    response = client.post(
        url(Evaluation, "add"),
        {
            "practice": practice.pk,
            "evaluated_on": "01/09/2023",
            "evaluator": "Đoàn kiểm tra",
            "criteria": "Hiệu quả",
            "score": "88",
            "conclusion": "Đạt",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    for action, status in (
        ("mark_effective", "effective"),
        ("recommend", "recommended"),
        ("stop", "stopped"),
        ("resume", "pilot"),
    ):
        client.post(url(Practice), {"action": action, "_selected_action": [practice.pk]})
        assert Practice.objects.get(pk=practice.pk).status == status, action
    assert actions_since(before) == ["create", "mark_effective", "recommend", "stop", "resume"]
    # The status is not an input of the change form.
    form = client.get(url(Practice, "change", practice.pk)).context["adminform"].form
    assert "status" not in form.fields
    assert "committee" not in form.fields


def test_replication_admin(world, client_for, practice):
    client = client_for("secretariat")
    data = {
        "practice": practice.pk,
        "locality": world.district.pk,
        "organization": world.org_b.pk,
        "since": "01/01/2024",
        "results": "",
    }
    refused = client.post(url(Replication, "add"), data)
    assert refused.status_code == 200
    assert "Only a model recommended" in refused.content.decode()
    practice = advance(world, practice, "recommended")
    before = mark()
    response = client.post(url(Replication, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    replication = Replication.objects.get()
    assert Practice.objects.get(pk=practice.pk).status == "replicated"
    response = client.post(
        url(Replication, "change", replication.pk), {"since": "01/01/2024", "results": "40 hộ"}
    )
    assert response.status_code == 302
    assert actions_since(before) == ["create", "replicated", "update"]


def test_delete_is_trash(world, client_for, practice):
    client = client_for("secretariat")
    response = client.post(url(Practice, "delete", practice.pk), {"post": "yes"})
    assert response.status_code == 302
    assert Practice.all_objects.get(pk=practice.pk).is_trashed
    assert AuditEvent.objects.filter(action="trash", object_id=str(practice.pk)).count() == 1


def test_evaluations_are_not_edited(world, client_for, practice):
    advance(world, practice, "effective")
    evaluation = Evaluation.objects.get()
    client = client_for("secretariat")
    page = client.get(url(Evaluation, "change", evaluation.pk))
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    response = client.post(url(Evaluation, "change", evaluation.pk), {"score": "10"})
    assert response.status_code == 403
    assert Evaluation.objects.get().score == 85
    assert datetime.date(2023, 9, 1) == evaluation.evaluated_on
