"""Fixtures for the reviews tests: messages read in English (the msgids), in requests
too; a program of 2022 in force and a draft year review of it."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from phoihop.programs.choices import ProgramStatus
from phoihop.programs.tests.factories import make_program
from phoihop.reviews import services
from phoihop.reviews.choices import ReviewKind

YEAR_START = datetime.date(2022, 1, 1)
YEAR_END = datetime.date(2022, 12, 31)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(world):
    """A signed-in client whose requests ask for English, as the language switcher would."""

    def make(role: str) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def program(world):
    return make_program(world, year=2022, status=ProgramStatus.IN_FORCE)


@pytest.fixture
def review(world, program):
    return services.review_create(
        actor=world.user("secretariat"),
        program=program,
        kind=ReviewKind.YEAR,
        title="Báo cáo sơ kết năm 2022",
        period_start=YEAR_START,
        period_end=YEAR_END,
    )


@pytest.fixture
def person(world):
    from phoihop.orgs import services as org_services

    return org_services.person_create(
        actor=world.user("admin"),
        committee=world.committee,
        full_name="Nguyễn Văn Hùng",
        title="Chính ủy Bộ CHQS tỉnh",
        organization=world.org_a,
    )
