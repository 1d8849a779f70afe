"""The practice pages through HTTP: register, evaluate, recommend, replicate, the
recommended page, the list with its filters and exports."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from phoihop.practices import services
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.practices.tests.conftest import STARTED, advance

pytestmark = pytest.mark.django_db


def test_focal_point_registers_a_model_of_its_organization(world, client_for):
    client = client_for("focal_a")
    form = client.get(reverse("practices:register")).context["form"]
    assert list(form.fields["owner"].queryset) == [world.org_a]
    response = client.post(
        reverse("practices:register"),
        {
            "owner": world.org_a.pk,
            "title": "Mô hình “Ngôi nhà 100 đồng”",
            "started_on": "2023-05-01",
            "localities": [world.commune.pk],
        },
    )
    practice = Practice.objects.get(title="Mô hình “Ngôi nhà 100 đồng”")
    assert response["Location"] == reverse("practices:detail", args=[practice.pk])
    assert practice.status == "pilot"
    assert list(practice.localities.all()) == [world.commune]
    # Not for another organization.
    refused = client.post(
        reverse("practices:register"),
        {"owner": world.org_b.pk, "title": "Khác", "started_on": "2023-05-01"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["owner"]
    assert client_for("leader").get(reverse("practices:register")).status_code == 403


def test_evaluate_mark_effective_recommend_and_replicate(world, client_for, practice):
    sec = client_for("secretariat")
    detail = reverse("practices:detail", args=[practice.pk])
    # Without an evaluation it cannot become effective.
    sec.post(reverse("practices:move", args=[practice.pk, "effective"]))
    practice.refresh_from_db()
    assert practice.status == "pilot"
    response = sec.post(
        reverse("practices:evaluate", args=[practice.pk]),
        {
            "criteria": "Hiệu quả, chi phí, khả năng nhân rộng",
            "score": "82.5",
            "evaluator": "Tổ giúp việc BCĐ",
            "evaluated_on": "2023-10-01",
        },
    )
    assert response["Location"] == detail
    assert Evaluation.objects.get(practice=practice).score == 82.5
    # An evaluation before the model started is refused on its field.
    bad = sec.post(
        reverse("practices:evaluate", args=[practice.pk]),
        {"criteria": "x", "score": "90", "evaluator": "y", "evaluated_on": "2020-01-01"},
    )
    assert bad.context["form"].errors["evaluated_on"]
    sec.post(reverse("practices:move", args=[practice.pk, "effective"]))
    sec.post(reverse("practices:move", args=[practice.pk, "recommend"]))
    practice.refresh_from_db()
    assert practice.status == "recommended"
    # Focal point B records its own organization's replication.
    focal_b = client_for("focal_b")
    form = focal_b.get(reverse("practices:replicate", args=[practice.pk])).context["form"]
    assert list(form.fields["organization"].queryset) == [world.org_b]
    focal_b.post(
        reverse("practices:replicate", args=[practice.pk]),
        {
            "locality": world.district.pk,
            "organization": world.org_b.pk,
            "since": "2024-02-01",
            "results": "12 căn nhà",
        },
    )
    practice.refresh_from_db()
    assert practice.status == "replicated"
    assert Replication.objects.get(practice=practice).results == "12 căn nhà"
    # Only the secretariat judges.
    assert (
        client_for("focal_a").get(reverse("practices:evaluate", args=[practice.pk])).status_code
        == 403
    )


def test_stop_and_resume(world, client_for, practice):
    client = client_for("focal_a")
    client.post(reverse("practices:move", args=[practice.pk, "stop"]), {"reason": "Hết kinh phí"})
    practice.refresh_from_db()
    assert practice.status == "stopped"
    client.post(reverse("practices:move", args=[practice.pk, "resume"]))
    practice.refresh_from_db()
    assert practice.status == "pilot"
    assert client.post(reverse("practices:move", args=[practice.pk, "x"])).status_code == 404


def test_recommended_page_lists_where_each_is_replicated(
    world, client_for, practice, django_assert_max_num_queries
):
    advance(world, practice, "replicated")
    services.practice_register(
        actor=world.user("secretariat"),
        owner=world.org_b,
        title="Mô hình chưa được đề xuất",
        started_on=STARTED,
    )
    client = client_for("leader")
    client.get(reverse("practices:recommended"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("practices:recommended"))
    page = response.content.decode()
    assert practice.title in page
    assert world.district.name in page
    assert "01/01/2024" in page
    assert "Mô hình chưa được đề xuất" not in page
    other = client_for("other_secretariat").get(reverse("practices:recommended"))
    assert practice.title not in other.content.decode()


def test_list_filters_sorts_and_exports(world, client_for, practice, django_assert_max_num_queries):
    for i in range(30):
        services.practice_register(
            actor=world.user("secretariat"),
            owner=world.org_b,
            title=f"Mô hình số {i:02d}",
            started_on=STARTED + datetime.timedelta(days=i),
        )
    client = client_for("focal_b")
    client.get(reverse("practices:list"))
    with django_assert_max_num_queries(15):  # a fixed number, however many rows
        response = client.get(reverse("practices:list"))
    table = response.context["table"]
    assert table.paginator.count == 31
    assert len(table.page.object_list) == 25
    owned = client.get(reverse("practices:list"), {"owner": world.org_a.pk})
    assert [r.record for r in owned.context["table"].page.object_list] == [practice]
    found = client.get(reverse("practices:list"), {"q": "dan van kheo"})
    assert found.context["table"].paginator.count == 1
    oldest = client.get(reverse("practices:list"), {"sort": "started_on"})
    assert oldest.context["table"].page.object_list[0].record == practice
    exported = client.get(reverse("practices:list"), {"export": "xlsx", "status": "pilot"})
    book = load_workbook(io.BytesIO(exported.content))
    assert book.active.max_row == 32
    assert (
        client_for("other_secretariat")
        .get(reverse("practices:list"))
        .context["table"]
        .paginator.count
        == 0
    )


def test_owner_edits_the_description(world, client_for, practice):
    url = reverse("practices:edit", args=[practice.pk])
    response = client_for("focal_a").post(
        url,
        {
            "owner": world.org_b.pk,  # disabled: ignored
            "title": practice.title,
            "description": "Giúp dân làm 12 km đường bê tông.",
            "started_on": "2023-03-01",
        },
    )
    assert response["Location"] == reverse("practices:detail", args=[practice.pk])
    practice.refresh_from_db()
    assert practice.description == "Giúp dân làm 12 km đường bê tông."
    assert practice.owner == world.org_a
    assert client_for("focal_b").get(url).status_code == 403


def test_detail_lists_localities_with_plain_commas(world, client_for, practice):
    practice.localities.set([world.commune, world.district])
    page = client_for("secretariat").get(reverse("practices:detail", args=[practice.pk]))
    html = page.content.decode()
    assert f"{world.commune.name}," in html or f"{world.district.name}," in html
    assert " ," not in html
