"""Every constraint of the reviews models, checked by validation and by the database."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from phoihop.reviews.choices import (
    CommendationForm,
    RecipientKind,
    ReviewKind,
    SectionKey,
)
from phoihop.reviews.models import Commendation, ReviewPeriod, ReviewSection

from .conftest import YEAR_END, YEAR_START

pytestmark = pytest.mark.django_db


def _review(program, **fields) -> ReviewPeriod:
    values = {
        "program": program,
        "kind": ReviewKind.HALF_YEAR,
        "title": "Sơ kết 6 tháng đầu năm 2022",
        "period_start": YEAR_START,
        "period_end": datetime.date(2022, 6, 30),
    }
    values.update(fields)
    return ReviewPeriod(**values)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_committee_comes_from_the_program(world, program):
    review = _review(program)
    review.full_clean()
    assert review.committee_id == world.committee.pk


def test_committee_other_than_the_programs_is_refused(world, program):
    review = _review(program, committee=world.other_committee)
    with pytest.raises(ValidationError) as caught:
        review.full_clean()
    assert "program" in caught.value.error_dict


def test_period_must_not_end_before_it_starts(program):
    review = _review(program, period_start=datetime.date(2022, 6, 30), period_end=YEAR_START)
    with pytest.raises(ValidationError, match="must end on or after its start"):
        review.full_clean()


def test_database_refuses_a_reversed_period(world, program):
    review = _review(
        program,
        committee=world.committee,
        period_start=datetime.date(2022, 6, 30),
        period_end=YEAR_START,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()


def test_one_day_period_is_allowed(program):
    _review(program, period_start=YEAR_START, period_end=YEAR_START).full_clean()


def test_period_reaching_beyond_the_program_is_allowed(program):
    # Cut-off dates of NĐ 09/2019: 15/12 of the previous year to 14/12.
    _review(
        program,
        kind=ReviewKind.YEAR,
        period_start=datetime.date(2021, 12, 15),
        period_end=datetime.date(2022, 12, 14),
    ).full_clean()


def test_period_outside_the_program_is_refused(program):
    review = _review(
        program, period_start=datetime.date(2023, 1, 1), period_end=datetime.date(2023, 6, 30)
    )
    with pytest.raises(ValidationError) as caught:
        review.full_clean()
    assert "overlap the program's period (01/01/2022 – 31/12/2022)" in _messages(caught.value)


def test_same_kind_and_start_twice_in_a_program_is_refused(review, program):
    twin = _review(program, kind=ReviewKind.YEAR, period_end=YEAR_END)
    with pytest.raises(ValidationError, match="already has a review of this kind"):
        twin.full_clean()


def test_another_kind_from_the_same_day_is_allowed(review, program):
    _review(program, kind=ReviewKind.HALF_YEAR).full_clean()


def test_section_key_is_unique_per_review(review):
    ReviewSection.objects.create(review=review, key=SectionKey.RESULTS, title="Kết quả")
    twin = ReviewSection(review=review, key=SectionKey.RESULTS, title="Kết quả")
    with pytest.raises(ValidationError, match="already has this section"):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def _commendation(review, **fields) -> Commendation:
    values = {
        "review": review,
        "form": CommendationForm.CERTIFICATE,
        "issuer": "Bộ CHQS tỉnh",
        "reason": "Hoàn thành xuất sắc",
    }
    values.update(fields)
    return Commendation(**values)


RECIPIENT = "Name the recipient"


@pytest.mark.parametrize(
    "case",
    [
        (RecipientKind.COLLECTIVE, True, False, True),
        (RecipientKind.COLLECTIVE, False, False, False),
        (RecipientKind.COLLECTIVE, False, True, False),
        (RecipientKind.COLLECTIVE, True, True, False),
        (RecipientKind.INDIVIDUAL, False, True, True),
        (RecipientKind.INDIVIDUAL, True, True, True),
        (RecipientKind.INDIVIDUAL, True, False, False),
        (RecipientKind.INDIVIDUAL, False, False, False),
    ],
)
def test_commendation_recipient_constraint(world, review, person, case):
    kind, with_org, with_person, valid = case
    obj = _commendation(
        review,
        recipient_kind=kind,
        organization=world.org_a if with_org else None,
        person=person if with_person else None,
    )
    if valid:
        obj.full_clean()
        obj.save()
        return
    with pytest.raises(ValidationError, match=RECIPIENT):
        obj.full_clean()
    obj.recipient_name = "x"  # what clean() would fill does not matter to the database
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def test_commendation_recipient_name_is_taken_from_the_recipient(world, review, person):
    collective = _commendation(
        review, recipient_kind=RecipientKind.COLLECTIVE, organization=world.org_b
    )
    collective.full_clean()
    assert collective.recipient_name == world.org_b.name
    individual = _commendation(
        review, recipient_kind=RecipientKind.INDIVIDUAL, person=person, organization=world.org_a
    )
    individual.full_clean()
    assert individual.recipient_name == "Nguyễn Văn Hùng"


def test_commendation_of_another_committee_is_refused(world, review):
    obj = _commendation(
        review, recipient_kind=RecipientKind.COLLECTIVE, organization=world.other_org
    )
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert "organization" in caught.value.error_dict
