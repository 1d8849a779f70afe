"""Carrying a review's directions and unmet targets into the next program: the service
(contents created, targets raised, nothing twice, all or nothing, permissions) and the
tick page (secretariat only, another committee's review is 404)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from phoihop.activities.tests import factories as f
from phoihop.core.models import AuditEvent
from phoihop.programs import services as program_services
from phoihop.programs.models import ProgramContent, Target
from phoihop.reviews import selectors, services
from phoihop.reviews.choices import ReviewKind
from phoihop.reviews.models import CarriedItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(world):
    setup = f.setup(world)
    Target.objects.create(indicator=setup.sessions, value=Decimal(10))
    Target.objects.create(indicator=setup.other_indicator, value=Decimal(4))
    # 7 of 10 sessions (unmet), 5 of 4 houses (met)
    f.approved(setup, values={setup.sessions: Decimal(4), setup.ratio: (Decimal(45), Decimal(60))})
    f.approved(
        setup,
        title="Tuyên truyền lần hai",
        start_date=datetime.date(2023, 5, 2),
        end_date=datetime.date(2023, 5, 2),
        values={setup.sessions: Decimal(3)},
    )
    f.approved(
        setup,
        actor=setup.user("focal_b"),
        organization=world.org_b,
        content=setup.other_content,
        title="Xây nhà đại đoàn kết",
        values={setup.other_indicator: Decimal(5)},
    )
    return setup


@pytest.fixture
def review(s):
    secretariat = s.user("secretariat")
    review = services.review_create(
        actor=secretariat,
        program=s.program,
        kind=ReviewKind.YEAR,
        title="Sơ kết năm 2023",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    services.direction_add(
        actor=secretariat, review=review, text="Chuyển đổi số trong tuyên truyền"
    )
    services.direction_add(actor=secretariat, review=review, text="Giữ vững nền nếp giao ban")
    return review


@pytest.fixture
def clone(s, review):
    return services.review_start_next_program(actor=s.user("secretariat"), review=review)


def _clone_sessions(clone):
    return Target.objects.get(
        indicator__content__program=clone, indicator__name="Buổi tuyên truyền", organization=None
    )


def test_the_choices_show_the_shortfall_and_the_proposed_target(s, review, clone):
    directions, targets = selectors.carry_over_choices(review, clone)
    assert [d.text for d in directions] == [
        "Chuyển đổi số trong tuyên truyền",
        "Giữ vững nền nếp giao ban",
    ]
    assert [t.name for t in targets] == ["Buổi tuyên truyền"]
    (sessions,) = targets
    assert (sessions.target, sessions.result, sessions.shortfall) == (10, 7, 3)
    assert sessions.proposed == 13  # raised by the shortfall: it adds up
    assert sessions.in_program
    assert sessions.carried is None


def test_directions_become_contents_and_unmet_targets_are_raised(s, review, clone):
    secretariat = s.user("secretariat")
    first = review.directions.order_by("order").first()
    _, (sessions,) = selectors.carry_over_choices(review, clone)
    before = AuditEvent.objects.count()
    result = services.review_carry_over_apply(
        actor=secretariat,
        review=review,
        program=clone,
        directions=[first.pk],
        targets=[sessions.indicator_id],
        lead=s.world.org_a,
    )
    (content,) = result.contents
    assert content.program == clone
    assert content.title == "Chuyển đổi số trong tuyên truyền"
    assert content.lead == s.world.org_a
    assert result.targets == 1
    assert _clone_sessions(clone).value == Decimal(13)
    assert CarriedItem.objects.filter(review=review, program=clone).count() == 2
    assert AuditEvent.objects.count() > before
    directions, (carried,) = selectors.carry_over_choices(review, clone)
    assert [d.carried for d in directions] == [True, False]
    assert carried.carried == Decimal(13)


def test_carrying_twice_adds_nothing(s, review, clone):
    secretariat = s.user("secretariat")
    ids = list(review.directions.values_list("pk", flat=True))
    _, (sessions,) = selectors.carry_over_choices(review, clone)
    kwargs = {
        "actor": secretariat,
        "review": review,
        "program": clone,
        "directions": ids,
        "targets": [sessions.indicator_id],
        "lead": s.world.org_b,
    }
    services.review_carry_over_apply(**kwargs)
    contents = ProgramContent.objects.filter(program=clone).count()
    again = services.review_carry_over_apply(**kwargs)
    assert again.contents == []
    assert again.targets == 0
    assert again.skipped == 3
    assert ProgramContent.objects.filter(program=clone).count() == contents
    assert _clone_sessions(clone).value == Decimal(13)  # not raised a second time


def test_the_secretariat_may_set_another_target(s, review, clone):
    _, (sessions,) = selectors.carry_over_choices(review, clone)
    services.review_carry_over_apply(
        actor=s.user("secretariat"),
        review=review,
        program=clone,
        targets=[sessions.indicator_id],
        values={sessions.indicator_id: Decimal("11.5")},
    )
    assert _clone_sessions(clone).value == Decimal("11.5")


def test_it_is_all_or_nothing(s, review, clone):
    """A direction and a target whose indicator was dropped from the new program: the
    error names the indicator and the direction is not added either."""
    secretariat = s.user("secretariat")
    _, (sessions,) = selectors.carry_over_choices(review, clone)
    dropped = _clone_sessions(clone).indicator
    program_services.indicator_delete(actor=secretariat, indicator=dropped)
    contents = ProgramContent.objects.filter(program=clone).count()
    with pytest.raises(ValidationError, match="Buổi tuyên truyền"):
        services.review_carry_over_apply(
            actor=secretariat,
            review=review,
            program=clone,
            directions=[review.directions.first().pk],
            targets=[sessions.indicator_id],
            lead=s.world.org_a,
        )
    assert ProgramContent.objects.filter(program=clone).count() == contents
    assert not CarriedItem.objects.exists()


def test_a_met_target_or_a_direction_without_lead_is_refused(s, review, clone):
    secretariat = s.user("secretariat")
    with pytest.raises(ValidationError):
        services.review_carry_over_apply(
            actor=secretariat, review=review, program=clone, targets=[s.other_indicator.pk]
        )
    with pytest.raises(ValidationError):
        services.review_carry_over_apply(
            actor=secretariat,
            review=review,
            program=clone,
            directions=[review.directions.first().pk],
        )
    assert not CarriedItem.objects.exists()


def test_only_into_a_program_started_from_the_reviewed_one(s, review):
    with pytest.raises(ValidationError):
        services.review_carry_over_apply(
            actor=s.user("secretariat"),
            review=review,
            program=s.program,
            directions=[review.directions.first().pk],
            lead=s.world.org_a,
        )


def test_a_focal_point_cannot_carry(s, review, clone):
    with pytest.raises(PermissionDenied):
        services.review_carry_over_apply(
            actor=s.user("focal_a"),
            review=review,
            program=clone,
            directions=[review.directions.first().pk],
            lead=s.world.org_a,
        )


# -- pages -------------------------------------------------------------------------------


def test_starting_the_next_program_leads_to_the_ticks(s, review, client_for):
    client = client_for("secretariat")
    response = client.post(reverse("reviews:carry_over", args=[review.pk]), {"year": 2024})
    clone = s.program.next_programs.get(year=2024)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:carry_over_apply", args=[review.pk, clone.pk])
    page = client.get(reverse("reviews:carry_over", args=[review.pk]))
    assert reverse("reviews:carry_over_apply", args=[review.pk, clone.pk]) in page.text


def test_the_tick_page_carries_once(s, review, clone, client_for):
    client = client_for("secretariat")
    url = reverse("reviews:carry_over_apply", args=[review.pk, clone.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Giữ vững nền nếp giao ban" in page.text
    assert 'value="13' in page.text  # the proposed target, editable
    _, (sessions,) = selectors.carry_over_choices(review, clone)
    data = {
        "directions": list(review.directions.values_list("pk", flat=True)),
        "lead": s.world.org_a.pk,
        "targets": [sessions.indicator_id],
        f"value_{sessions.indicator_id}": "12",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    titles = set(ProgramContent.objects.filter(program=clone).values_list("title", flat=True))
    assert {"Chuyển đổi số trong tuyên truyền", "Giữ vững nền nếp giao ban"} <= titles
    assert _clone_sessions(clone).value == Decimal(12)
    count = ProgramContent.objects.filter(program=clone).count()
    again = client.post(url, data)  # a second submit of the same ticks
    assert again.status_code == 200
    assert ProgramContent.objects.filter(program=clone).count() == count
    assert CarriedItem.objects.filter(program=clone).count() == 3
    assert _clone_sessions(clone).value == Decimal(12)


def test_the_tick_page_explains_what_to_fix(s, review, clone, client_for):
    client = client_for("secretariat")
    url = reverse("reviews:carry_over_apply", args=[review.pk, clone.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Tick at least one direction or target to carry." in response.text
    response = client.post(url, {"directions": [review.directions.first().pk], "lead": ""})
    assert "Choose the organization that leads the new contents." in response.text
    assert not CarriedItem.objects.exists()


def test_another_committees_review_is_404(s, review, clone, client_for):
    client = client_for("other_secretariat")
    url = reverse("reviews:carry_over_apply", args=[review.pk, clone.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"lead": s.world.org_a.pk}).status_code == 404
    assert not CarriedItem.objects.exists()


def test_a_program_not_started_from_the_reviewed_one_is_404(s, review, client_for):
    client = client_for("secretariat")
    url = reverse("reviews:carry_over_apply", args=[review.pk, s.program.pk])
    assert client.get(url).status_code == 404
