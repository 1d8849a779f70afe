"""The review pages through HTTP: this app's rows of the route matrix on their own (so a
failure elsewhere does not hide them), editing a section with htmx, finalizing,
downloads, commendations, the conference and the carry-over."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from phoihop.core.testing.world import ROLES
from phoihop.reviews.choices import CommendationStatus, ReviewStatus
from phoihop.reviews.models import Commendation, ReviewConference, ReviewPeriod, ReviewSection

from . import routes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_the_reviews_rows_of_the_route_matrix(world, role, client_for):
    from phoihop.core.tests.test_route_matrix import _check

    for name, route in sorted(routes.ROUTES.items()):
        url = reverse(name, kwargs=route.kwargs(world)) + route.query
        client = client_for(role)
        data = route.data(world) if route.data else None
        response = getattr(client, route.method)(url, data=data)
        _check(response, route.expect[role], role, name)


def test_a_section_is_edited_in_place_with_htmx(world, client_for):
    review = routes.review_of(world)
    client = client_for("secretariat")
    url = reverse("reviews:section", args=[review.pk, "lessons"])
    form = client.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert b"<html" not in form.content  # a fragment
    assert b'hx-post="' + url.encode() in form.content
    saved = client.post(url, {"text": "Bài học một.\nBài học hai."}, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    assert "Bài học hai." in saved.content.decode()
    assert (
        ReviewSection.objects.get(review=review, key="lessons").text == "Bài học một.\nBài học hai."
    )
    page = client.get(reverse("reviews:detail", args=[review.pk]))
    assert "Bài học một." in page.content.decode()


def test_draft_finalize_then_the_report_is_frozen(world, client_for):
    review = routes.review_of(world)
    client = client_for("secretariat")
    client.post(reverse("reviews:draft", args=[review.pk]))
    assert ReviewSection.objects.filter(review=review).count() == 9
    client.post(reverse("reviews:finalize", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALIZED
    assert review.snapshot_hash
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert review.snapshot_hash in page
    # Frozen: a section can no longer be saved; the message says why.
    response = client.post(
        reverse("reviews:section", args=[review.pk, "lessons"]), {"text": "x"}, follow=True
    )
    assert "finalized" in response.content.decode()


def test_the_word_file_downloads_for_a_reader(world, client_for):
    review = routes.review_of(world)
    response = client_for("focal_a").get(reverse("reviews:download", args=[review.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    assert document.tables[0].rows[0].cells[1].paragraphs[0].text == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )
    assert (
        client_for("focal_a").get(reverse("reviews:download", args=[review.pk, "odt"])).status_code
        == 404
    )


def test_commendations_proposed_from_a_suggestion_then_decided(world, client_for):
    review = routes.review_of(world)
    client = client_for("secretariat")
    url = reverse("reviews:commendations", args=[review.pk])
    page = client.get(url, {"suggest": world.org_a.pk})
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "recipient_kind": "collective",
            "organization": world.org_a.pk,
            "form": "certificate",
            "issuer": "Ban Chỉ đạo tỉnh",
            "reason": "Hoàn thành xuất sắc",
        },
    )
    assert response.status_code == 302
    item = Commendation.objects.get(review=review, organization=world.org_a)
    client.post(reverse("reviews:decide", args=[item.pk]), {"decision": "reject", "note": ""})
    item.refresh_from_db()
    assert item.status == CommendationStatus.PROPOSED  # a rejection needs a reason
    client.post(reverse("reviews:decide", args=[item.pk]), {"decision": "approve", "note": ""})
    item.refresh_from_db()
    assert item.status == CommendationStatus.APPROVED


def test_the_conference_is_recorded_from_its_page(world, client_for):
    review = routes.review_of(world)
    client = client_for("secretariat")
    response = client.post(
        reverse("reviews:conference", args=[review.pk]),
        {"date": "2023-03-24", "place": "Liên đoàn Lao động tỉnh", "chair_name": "Trần Văn B"},
    )
    assert response.status_code == 302
    conference = ReviewConference.objects.get(review=review)
    assert conference.date == datetime.date(2023, 3, 24)
    assert conference.chair_name == "Trần Văn B"


def test_starting_the_next_program_from_the_review(world, client_for):
    review = routes.review_of(world)
    client = client_for("secretariat")
    response = client.post(reverse("reviews:carry_over", args=[review.pk]), {"year": 2023})
    assert response.status_code == 302
    assert review.program.next_programs.filter(year=2023).exists()
    assert ReviewPeriod.objects.filter(pk=review.pk).exists()


def test_the_list_stays_within_a_few_queries(world, client_for, django_assert_max_num_queries):
    routes.review_of(world)
    client = client_for("secretariat")
    client.get(reverse("reviews:list"))  # warm the session and menu caches
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reviews:list")).status_code == 200


def test_recording_the_conference_leaves_a_draft_article_for_an_editor(world, client_for):
    from phoihop.news.models import Article

    review = routes.review_of(world)
    client_for("secretariat").post(
        reverse("reviews:conference", args=[review.pk]),
        {"date": "2023-03-24", "place": "Liên đoàn Lao động tỉnh", "chair_name": "Trần Văn B"},
    )
    article = Article.objects.get(title="Hội nghị sơ kết Chương trình phối hợp hoạt động năm 2022")
    assert article.status == "draft"
    assert article.committee == world.committee
    assert "Ngày 24/03/2023, tại Liên đoàn Lao động tỉnh" in article.lead


def test_the_menu_shows_reviews_to_the_secretariat_and_leaders(world):
    from phoihop.core.menu import items_for

    def keys(role):
        return {item["key"] for item in items_for(world.user(role))}

    assert "reviews" in keys("secretariat")
    assert "reviews" in keys("leader")
    assert "reviews" not in keys("focal_a")
