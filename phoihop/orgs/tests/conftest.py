"""Helpers for the orgs tests.

The tests read messages in English (the msgids); one test per app checks the
Vietnamese. Requests carry the language cookie, as the switcher would set it.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from phoihop.core.models import AuditEvent


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


def audit_rows(obj, action: str | None = None):
    from phoihop.core import audit

    rows = audit.history(obj)
    return rows.filter(action=action) if action else rows


def last_audit() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()
