from __future__ import annotations

import pytest

from phoihop.activities.tests import factories


@pytest.fixture
def s(world) -> factories.Setup:
    """The world with a program in force, its contents, groups and indicators."""
    return factories.setup(world)
