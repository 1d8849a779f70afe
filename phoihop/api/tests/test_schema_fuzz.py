"""Schemathesis against the API's own schema: every operation, as every role (a token
each), at least 25 generated requests per operation and role; no server error.

The data the world holds (programs, reports, credits, a review) gives the fuzzer real
ids to hit besides random ones."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token

from phoihop.activities.tests import factories
from phoihop.core.testing.world import ROLES

EXAMPLES = 25


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request, as a server
    must; inside a test's transaction that would end the test's connection (PostgreSQL),
    so, as Django's test client does, the closing is switched off here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _operations():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())
    return operations


PARTS = 4  # the operations in four tests, so the parallel test workers share them


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("part", range(PARTS))
def test_no_operation_fails_for_any_role(world, part, keep_connection):
    s = factories.setup(world)
    factories.approved(s)
    draft = factories.report(s, co_organizations=[world.org_b])
    factories.submitted(s, title="Đã gửi")
    assert draft.pk
    tokens = {
        role: Token.objects.get_or_create(user=world.user(role))[0].key
        for role in ROLES
        if world.user(role) is not None
    }
    headers_by_role = {
        role: ({"Authorization": f"Token {tokens[role]}"} if role in tokens else {})
        for role in ROLES
    }
    everything = _operations()
    assert len(everything) >= 45
    operations = everything[part::PARTS]
    failures: list[str] = []
    counts: dict[str, int] = {}

    def fuzz(operation):
        name = f"{operation.method.upper()} {operation.path}"

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            # Each generated request is sent as every role.
            counts[name] = counts.get(name, 0) + 1
            for role, headers in headers_by_role.items():
                response = case.call(headers=headers)
                label = f"{name} as {role}"
                if response.status_code >= 500:
                    failures.append(f"{label}: {response.status_code}: {case.as_curl_command()}")
                elif response.status_code >= 400 and response.headers.get(
                    "Content-Type", ""
                ).startswith("application/json"):
                    body = response.json()
                    if set(body) != {"message", "extra"}:
                        failures.append(f"{label}: error body not in the one shape: {body}")

        run()

    for operation in operations:
        fuzz(operation)
    assert failures == []
    assert len(counts) == len(operations)
    assert min(counts.values()) >= EXAMPLES
