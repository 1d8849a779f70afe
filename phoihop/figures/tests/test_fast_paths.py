"""The shortcuts of a breakdown's building give what the general path gives: the sort of
keys without None, and results built read-only for the cache."""

from __future__ import annotations

import datetime
from types import MappingProxyType
from typing import Any

import pytest

from phoihop.activities.tests import factories as f
from phoihop.figures import cache, selectors
from phoihop.figures import types as ft

pytestmark = pytest.mark.django_db

KEYS: list[list[tuple[Any, ...]]] = [
    [(3, 1, 7), (1, 2, 9), (3, 1, 2), (1, 1, 9)],  # no None: sorted as they are
    [(3, None, 7), (1, 2, 9), (3, 1, None), (None, 1, 9)],  # None last in each place
    [("deep+remote",), ("",), ("deep",)],
    [(datetime.date(2025, 3, 1), 2), (datetime.date(2025, 1, 1), 5)],
    [(1, "a"), ("b", 2), (None, 3)],  # mixed kinds: the full key
]


@pytest.mark.parametrize("keys", KEYS)
def test_the_sort_of_keys_is_the_sort_by_the_full_key(keys):
    assert selectors._sorted(keys) == sorted(keys, key=selectors._sort_key)


def _built(program: Any, by: tuple[str, ...], version: Any) -> ft.Breakdown:
    return selectors._program_figures(
        program,
        by=by,
        date_from=None,
        date_to=None,
        include_submitted=False,
        orgs=None,
        content_ids=None,
        current_units=False,
        built=True,
        version=version,
    )


@pytest.mark.parametrize(
    "by",
    [
        (),
        (ft.CONTENT, ft.ORGANIZATION, ft.COMMUNE),
        (ft.CONTENT, ft.ORGANIZATION),
        (ft.TARGET_GROUP,),
        (ft.AREA, ft.MONTH),
    ],
)
def test_results_built_for_the_cache_equal_those_built_plain(s, by):
    f.approved(s)
    f.approved(s, title="Lần hai")
    version = cache.version(s.program.pk)
    assert version is not None
    plain = _built(s.program, by, None)
    for_cache = _built(s.program, by, version)
    assert for_cache == plain
    assert for_cache.as_dict() == plain.as_dict()
    for measures in (for_cache.total, *(r.measures for r in for_cache.rows)):
        assert type(measures.indicators) is MappingProxyType
        assert type(measures.funding_by_source) is MappingProxyType
    for measures in (plain.total, *(r.measures for r in plain.rows)):
        assert type(measures.indicators) is dict
    # What the cache keeps of it is the same, nothing left to wrap.
    assert cache.freeze_breakdown(for_cache) == cache.freeze_breakdown(plain)
    assert for_cache == plain
