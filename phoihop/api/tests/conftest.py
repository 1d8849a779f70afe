from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from phoihop.activities.tests import factories


@pytest.fixture
def s(world) -> factories.Setup:
    return factories.setup(world)


@pytest.fixture
def api(world):
    """`api("focal_a")`: a client that sends the role's token (no session)."""

    def make(role: str) -> APIClient:
        client = APIClient()
        user = world.user(role)
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
