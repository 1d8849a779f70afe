"""Who sees and changes reviews: per role, another committee, a successor committee,
anonymous visitors."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from phoihop.core import permissions
from phoihop.core.testing.world import ROLES
from phoihop.programs.tests.factories import make_user, successor_committee
from phoihop.reviews import services
from phoihop.reviews.choices import CommendationForm, RecipientKind, SectionKey
from phoihop.reviews.models import (
    Commendation,
    Direction,
    ReviewConference,
    ReviewPeriod,
    ReviewSection,
)

pytestmark = pytest.mark.django_db

MODELS = (ReviewPeriod, ReviewConference, ReviewSection, Direction, Commendation)
READERS = {"focal_a", "focal_b", "leader", "editor", "secretariat", "admin"}
WRITERS = {"secretariat", "admin"}


@pytest.fixture
def full(world, review):
    """A review with one row of every part."""
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


@pytest.mark.parametrize("role", ROLES)
def test_members_of_the_committee_read_every_part(world, full, role):
    for model in MODELS:
        seen = model.objects.restrict(world.user(role), permissions.VIEW).count()
        assert seen == (1 if role in READERS else 0), f"{role} sees {seen} {model.__name__}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [permissions.CHANGE, permissions.DELETE])
def test_only_the_secretariat_and_admins_write(world, full, role, action):
    for model in MODELS:
        allowed = model.objects.restrict(world.user(role), action).count()
        assert allowed == (1 if role in WRITERS else 0), f"{role} {action} {model.__name__}"


def test_successor_committee_reads_but_does_not_write(world, full):
    new = successor_committee(world)
    heir = make_user(world, "heir_secretariat", role="secretariat", committee=new)
    for model in MODELS:
        assert model.objects.restrict(heir, permissions.VIEW).count() == 1, model.__name__
        assert model.objects.restrict(heir, permissions.CHANGE).count() == 0, model.__name__
    with pytest.raises(PermissionDenied):
        services.section_set(actor=heir, review=full, key=SectionKey.SITUATION, text="x")
    with pytest.raises(PermissionDenied):
        services.review_finalize(actor=heir, review=full)


def test_other_committee_sees_nothing_and_cannot_write(world, full):
    other = world.user("other_secretariat")
    for model in MODELS:
        assert model.objects.restrict(other, permissions.VIEW).count() == 0
    with pytest.raises(PermissionDenied):
        services.review_update(actor=other, review=full, data={"title": "x"})
