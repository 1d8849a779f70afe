from __future__ import annotations

import pytest

from phoihop.activities.tests import factories
from phoihop.orgs import services as org_services


@pytest.fixture
def s(world) -> factories.Setup:
    """The world with a program in force, its contents, groups and indicators."""
    return factories.setup(world)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_user(world):
    """`make_user("x", (Role.FOCAL, org), (Role.SECRETARIAT, None))`: an extra account."""
    root = world.user("admin")

    def make(username: str, *roles, staff: bool = False):
        user = org_services.user_create(
            actor=root,
            username=username,
            password=None,
            must_change_password=False,
            is_staff=staff,
        )
        for role, org in roles:
            org_services.role_assign(
                actor=root,
                user=user,
                role=role,
                committee=world.committee,
                organization=org,
                valid_from=world.committee.valid_from,
            )
        return user

    return make
