"""Helpers for the orgs tests."""

from __future__ import annotations

import datetime

import pytest

from phoihop.core.models import AuditEvent

DAY = datetime.date(2024, 1, 1)


@pytest.fixture
def root(world):
    return world.user("admin")


@pytest.fixture
def secretariat(world):
    return world.user("secretariat")


def audit_rows(obj, action: str | None = None):
    from phoihop.core import audit

    rows = audit.history(obj)
    return rows.filter(action=action) if action else rows


def last_audit() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()
