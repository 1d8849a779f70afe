"""Every constraint of the programs' models, in validation and in the database itself."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from phoihop.core import services as core_services
from phoihop.programs import services
from phoihop.programs.models import LegalDocument, Program, ProgramContent, ProgramParty, Target
from phoihop.programs.tests.factories import legal_document, make_program

pytestmark = pytest.mark.django_db


def _program(world, year=2024, **fields) -> Program:
    defaults = {
        "committee": world.committee,
        "year": year,
        "title": f"Chương trình {year}",
        "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 12, 31),
    }
    return Program(**{**defaults, **fields})


def _db_rejects(obj) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


# -- program ---------------------------------------------------------------------------


def test_one_program_per_committee_and_year(world):
    make_program(world, year=2023)
    duplicate = _program(world, year=2023)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.messages == ["This committee already has a program for that year."]
    _db_rejects(duplicate)


def test_another_committee_may_use_the_same_year(world):
    make_program(world, year=2023)
    other = _program(world, year=2023, committee=world.other_committee)
    other.full_clean()
    other.save()


def test_a_trashed_program_frees_its_year(world):
    program = make_program(world, year=2023)
    core_services.trash(actor=world.user("admin"), obj=program)
    again = _program(world, year=2023)
    again.full_clean()
    again.save()
    assert Program.all_objects.filter(committee=world.committee, year=2023).count() == 2
    # ... and the trashed one cannot come back while its year is taken.
    with pytest.raises(ValidationError):
        services.program_restore(actor=world.user("secretariat"), program=program)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2024, 12, 31), datetime.date(2024, 1, 1)),
        (datetime.date(2024, 6, 1), datetime.date(2024, 6, 1)),
    ],
)
def test_period_must_end_after_it_starts(world, start, end):
    program = _program(world, period_start=start, period_end=end)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        program.full_clean()
    assert exc.value.messages == ["The period must end after it starts."]
    _db_rejects(program)


def test_contains_is_inclusive(world):
    program = _program(world)
    assert program.contains(datetime.date(2024, 1, 1))
    assert program.contains(datetime.date(2024, 12, 31))
    assert not program.contains(datetime.date(2025, 1, 1))


# -- parties and contents --------------------------------------------------------------


def test_party_is_unique_per_program(world):
    program = make_program(world)
    duplicate = ProgramParty(program=program, organization=world.org_a)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    _db_rejects(duplicate)


def test_party_must_belong_to_the_programs_committee(world):
    program = make_program(world)
    party = ProgramParty(program=program, organization=world.other_org)
    with pytest.raises(ValidationError) as exc:
        party.full_clean()
    assert "organization" in exc.value.error_dict


def test_party_keeps_the_name_as_signed(world):
    program = make_program(world)
    party = program.parties.get(organization=world.org_a)
    assert party.name_as_signed == world.org_a.name
    assert str(party) == world.org_a.name


def test_content_lead_must_belong_to_the_programs_committee(world):
    program = make_program(world)
    content = ProgramContent(program=program, title="X", lead=world.other_org)
    with pytest.raises(ValidationError) as exc:
        content.full_clean()
    assert "lead" in exc.value.error_dict


def test_content_dates_must_lie_in_the_period_and_in_order(world):
    program = make_program(world)
    outside = ProgramContent(
        program=program, title="X", lead=world.org_a, starts_on=datetime.date(2022, 12, 1)
    )
    with pytest.raises(ValidationError) as exc:
        outside.full_clean()
    assert "starts_on" in exc.value.error_dict
    reversed_dates = ProgramContent(
        program=program,
        title="X",
        lead=world.org_a,
        starts_on=datetime.date(2023, 6, 1),
        ends_on=datetime.date(2023, 5, 1),
    )
    with pytest.raises(ValidationError):
        reversed_dates.full_clean()
    _db_rejects(reversed_dates)


def test_content_folds_its_title_for_search(world):
    program = make_program(world)
    content = program.contents.get(lead=world.org_b)
    assert content.folded_title == "van dong hien mau tinh nguyen"


# -- targets ---------------------------------------------------------------------------


def _indicator(world):
    program = make_program(world)
    return program.contents.get(lead=world.org_a).indicators.get(name="Buổi tuyên truyền")


def test_one_overall_target_per_indicator(world):
    indicator = _indicator(world)
    duplicate = Target(indicator=indicator, organization=None, value=Decimal(1))
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    _db_rejects(duplicate)


def test_one_target_per_organization_and_indicator(world):
    indicator = _indicator(world)
    duplicate = Target(indicator=indicator, organization=world.org_a, value=Decimal(1))
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    _db_rejects(duplicate)


def test_overall_and_per_organization_targets_coexist(world):
    indicator = _indicator(world)
    assert indicator.targets.filter(organization__isnull=True).count() == 1
    assert indicator.targets.filter(organization__isnull=False).count() == 2


def test_a_target_cannot_be_negative(world):
    indicator = _indicator(world)
    indicator.targets.filter(organization=world.org_b).delete()
    negative = Target(indicator=indicator, organization=world.org_b, value=Decimal("-1"))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        negative.full_clean()
    assert exc.value.messages == ["A target cannot be negative."]
    _db_rejects(negative)


def test_zero_target_is_allowed(world):
    indicator = _indicator(world)
    indicator.targets.filter(organization=world.org_b).delete()
    Target(indicator=indicator, organization=world.org_b, value=Decimal(0)).full_clean()


# -- reference data --------------------------------------------------------------------


def test_legal_document_number_and_date_are_unique(world):
    doc = legal_document(world)
    duplicate = LegalDocument(
        kind=doc.kind, number=doc.number, date=doc.date, issuer="X", title="Y"
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    _db_rejects(duplicate)
    with translation.override("en"):
        assert str(doc) == "Resolution 35-NQ/TW"


def test_target_group_code_and_name_are_unique(world):
    services.target_group_create(actor=world.user("admin"), code="doan-vien", name="Đoàn viên")
    with pytest.raises(ValidationError):
        services.target_group_create(actor=world.user("admin"), code="doan-vien", name="Khác")
    with pytest.raises(ValidationError):
        services.target_group_create(actor=world.user("admin"), code="khac", name="Đoàn viên")
