"""Fixtures for the practices tests: messages read in English (the msgids); requests
carry the language cookie, as the switcher would set it."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from phoihop.practices import services

STARTED = datetime.date(2023, 3, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(world):
    def make(role: str, *, language: str = "en") -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def practice(world):
    """A pilot model of org A, registered by its focal point."""
    return services.practice_register(
        actor=world.user("focal_a"),
        owner=world.org_a,
        title="Mô hình “Dân vận khéo” gắn với xây dựng nông thôn mới",
        started_on=STARTED,
        description="Cán bộ, chiến sĩ giúp dân làm đường giao thông nông thôn.",
        localities=[world.commune],
    )


def advance(world, practice, to: str):
    """Walk a practice along the status map, as the secretariat."""
    sec = world.user("secretariat")
    order = ["pilot", "effective", "recommended", "replicated"]
    for status in order[order.index(practice.status) + 1 : order.index(to) + 1]:
        if status == "effective":
            services.practice_evaluate(
                actor=sec,
                practice=practice,
                criteria="Hiệu quả, khả năng nhân rộng",
                score=85,
                evaluator="Tổ giúp việc BCĐ",
                evaluated_on=datetime.date(2023, 9, 1),
            )
            practice = services.practice_mark_effective(actor=sec, practice=practice)
        elif status == "recommended":
            practice = services.practice_recommend(actor=sec, practice=practice)
        elif status == "replicated":
            services.practice_record_replication(
                actor=sec,
                practice=practice,
                locality=world.district,
                organization=world.org_b,
                since=datetime.date(2024, 1, 1),
            )
            practice.refresh_from_db()
    return practice
