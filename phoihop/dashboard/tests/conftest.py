from __future__ import annotations

import pytest

from phoihop.activities.tests import factories


@pytest.fixture
def s(world) -> factories.Setup:
    """The world with the 2023 program in force: a content led by org A (org B
    co-operating) and one led by org B."""
    return factories.setup(world)
