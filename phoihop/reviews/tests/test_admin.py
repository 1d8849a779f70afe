"""The admin writes through the services: adds and changes leave audit events, statuses
are read-only, finalizing is an action, refusals come back as messages."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from phoihop.core import audit
from phoihop.reviews import services
from phoihop.reviews.choices import (
    CommendationForm,
    CommendationStatus,
    RecipientKind,
    ReviewKind,
    ReviewStatus,
    SectionKey,
)
from phoihop.reviews.models import (
    Commendation,
    Direction,
    ReviewConference,
    ReviewPeriod,
    ReviewSection,
)

pytestmark = pytest.mark.django_db

MODELS = (ReviewPeriod, ReviewConference, ReviewSection, Direction, Commendation)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:reviews_{model._meta.model_name}_{view}", args=args)


def _management(prefix: str) -> dict[str, int]:
    return {
        f"{prefix}-TOTAL_FORMS": 0,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_changelists_and_forms_answer(client_for, full_review, role):
    client = client_for(role)
    for model in MODELS:
        assert client.get(url(model, "changelist")).status_code == 200, model
        assert client.get(url(model, "add")).status_code == 200, model
        obj = model.objects.first()
        assert client.get(url(model, "change", obj.pk)).status_code == 200, model


def test_other_committee_secretariat_sees_an_empty_list(client_for, full_review):
    client = client_for("other_secretariat")
    response = client.get(url(ReviewPeriod, "changelist"))
    assert response.status_code == 200
    assert full_review.title not in response.content.decode()
    assert client.get(url(ReviewPeriod, "change", full_review.pk)).status_code in (302, 404)


@pytest.fixture
def full_review(world, review):
    actor = world.user("secretariat")
    services.section_set(actor=actor, review=review, key=SectionKey.SITUATION, text="Tình hình")
    services.direction_add(actor=actor, review=review, text="Tiếp tục")
    services.commendation_propose(
        actor=actor,
        review=review,
        recipient_kind=RecipientKind.COLLECTIVE,
        organization=world.org_a,
        form=CommendationForm.PRAISE,
        issuer="Ban Chỉ đạo",
        reason="Tích cực",
    )
    services.conference_record(
        actor=actor, review=review, date=datetime.date(2023, 3, 24), place="Hội trường"
    )
    return review


def _review_form(program, **overrides) -> dict:
    data = {
        "program": program.pk,
        "kind": ReviewKind.HALF_YEAR,
        "title": "Sơ kết 6 tháng đầu năm 2022",
        "period_start": "2022-01-01",
        "period_end": "2022-06-30",
    }
    data.update(overrides)
    for prefix in ("sections", "directions", "commendations"):
        data.update(_management(prefix))
    return data


def test_add_review_goes_through_the_service(world, client_for, program):
    response = client_for("secretariat").post(url(ReviewPeriod, "add"), _review_form(program))
    assert response.status_code == 302, response.content.decode()[:2000]
    review = ReviewPeriod.objects.get(kind=ReviewKind.HALF_YEAR)
    assert review.committee == world.committee
    assert review.status == ReviewStatus.DRAFT
    events = list(audit.history(review))
    assert [e.action for e in events] == ["create"]  # once, by the service


def test_change_review_is_audited_once_and_status_stays(world, client_for, review, program):
    data = _review_form(program, kind=ReviewKind.YEAR, title="Sơ kết năm", period_end="2022-12-31")
    data["status"] = ReviewStatus.FINALIZED  # read-only: ignored
    response = client_for("secretariat").post(url(ReviewPeriod, "change", review.pk), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.title == "Sơ kết năm"
    assert review.status == ReviewStatus.DRAFT
    assert [e.action for e in audit.history(review)] == ["update", "create"]


def test_finalize_action_and_refused_reopen(world, client_for, review):
    client = client_for("secretariat")
    response = client.post(
        url(ReviewPeriod, "changelist"), {"action": "finalize", "_selected_action": [review.pk]}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALIZED
    response = client.post(
        url(ReviewPeriod, "changelist"),
        {"action": "reopen", "_selected_action": [review.pk]},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("was not changed" in t for t in texts), texts
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALIZED
    client_for("admin").post(
        url(ReviewPeriod, "changelist"), {"action": "reopen", "_selected_action": [review.pk]}
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_finalize_action_refused_with_undecided_proposals(client_for, full_review):
    response = client_for("secretariat").post(
        url(ReviewPeriod, "changelist"),
        {"action": "finalize", "_selected_action": [full_review.pk]},
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("not decided yet" in t for t in texts), texts
    full_review.refresh_from_db()
    assert full_review.status == ReviewStatus.DRAFT


def test_approve_action(client_for, full_review):
    proposal = Commendation.objects.get()
    client_for("secretariat").post(
        url(Commendation, "changelist"), {"action": "approve", "_selected_action": [proposal.pk]}
    )
    proposal.refresh_from_db()
    assert proposal.status == CommendationStatus.APPROVED
    assert next(e.action for e in audit.history(proposal)) == "approve"


def test_add_section_through_the_service(client_for, review):
    response = client_for("secretariat").post(
        url(ReviewSection, "add"),
        {
            "review": review.pk,
            "key": SectionKey.LESSONS,
            "title": "Bài học",
            "text": "…",
            "order": 7,
        },
    )
    assert response.status_code == 302
    section = ReviewSection.objects.get(review=review)
    assert [e.action for e in audit.history(section)] == ["create"]


def test_section_of_a_finalized_review_is_refused_with_a_message(world, client_for, full_review):
    section = ReviewSection.objects.get()
    Commendation.objects.update(status=CommendationStatus.APPROVED)
    services.review_finalize(actor=world.user("secretariat"), review=full_review)
    response = client_for("secretariat").post(
        url(ReviewSection, "change", section.pk),
        {"title": section.title, "text": "Đổi", "order": section.order},
    )
    assert response.status_code == 200
    assert "has been finalized" in response.content.decode()
    section.refresh_from_db()
    assert section.text == "Tình hình"


def test_add_conference_captures_the_chair(client_for, review, person):
    response = client_for("secretariat").post(
        url(ReviewConference, "add"),
        {
            "review": review.pk,
            "date": "2023-03-24",
            "place": "Liên đoàn Lao động tỉnh Hòa Bình",
            "chair": person.pk,
            "chair_name": "",
            "chair_title": "",
            "attendees": "",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    conference = ReviewConference.objects.get()
    assert conference.chair_title == "Chính ủy Bộ CHQS tỉnh"
    assert [e.action for e in audit.history(conference)] == ["create"]


def test_add_direction_and_delete_it(client_for, review):
    client = client_for("secretariat")
    response = client.post(url(Direction, "add"), {"review": review.pk, "text": "Mới", "order": 1})
    assert response.status_code == 302
    direction = Direction.objects.get()
    response = client.post(url(Direction, "delete", direction.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Direction.objects.exists()
    assert next(e.action for e in audit.history(direction)) == "delete"
