"""Fixtures shared by every app's tests: the small world and a client per role."""

from __future__ import annotations

import pytest
from django.test import Client

from phoihop.core.testing.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(world):
    """`client_for("focal_a")`: a test client signed in as that role's user."""

    def make(role: str) -> Client:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make
