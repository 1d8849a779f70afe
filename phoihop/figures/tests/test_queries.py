"""Query-count guards: every entry point reads a fixed number of queries, whatever the
number of reports (rollups, raw rows, previews alike)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phoihop.activities.tests import factories as f
from phoihop.figures import selectors
from phoihop.figures import types as ft
from phoihop.figures.tests.support import places

pytestmark = pytest.mark.django_db

ALL = tuple(ft.DIMENSIONS)


def _calls(s):
    program = s.program
    mid = datetime.date(f.YEAR, 6, 15)
    return {
        "program_figures": lambda: selectors.program_figures(program),
        "program_figures_all_dims": lambda: selectors.program_figures(program, by=ALL),
        "program_figures_current_units": lambda: selectors.program_figures(
            program, by=(ft.COMMUNE, ft.PROVINCE), current_units=True
        ),
        "program_figures_raw_dates": lambda: selectors.program_figures(
            program, by=(ft.CONTENT,), date_from=mid
        ),
        "program_figures_preview": lambda: selectors.program_figures(
            program, by=(ft.ORGANIZATION,), include_submitted=True
        ),
        "program_figures_one_org": lambda: selectors.program_figures(
            program, by=(ft.CONTENT,), organizations=[s.world.org_b]
        ),
        "indicator_summary": lambda: selectors.indicator_summary(program),
        "year_over_year": lambda: selectors.year_over_year(program),
        "monthly_trend": lambda: selectors.monthly_trend(program),
        "area_share": lambda: selectors.area_share(program),
        "completeness": lambda: selectors.completeness(program),
        "practices_summary": lambda: selectors.practices_summary(s.world.committee),
    }


def _counts(s) -> dict[str, int]:
    result = {}
    for name, call in _calls(s).items():
        with CaptureQueriesContext(connection) as ctx:
            call()
        result[name] = len(ctx.captured_queries)
    return result


def _reports(s, p, months):
    for month in months:
        day = datetime.date(f.YEAR, month, 10)
        f.approved(
            s,
            start_date=day,
            end_date=day,
            locality=[p.whole, p.deep, p.split][month % 3],
            co_organizations=[s.world.org_b],
        )
    f.submitted(s, title="Chờ duyệt")


# Upper bounds per entry point (each a fixed number, independent of the data).
LIMITS = {
    "program_figures": 5,
    "program_figures_all_dims": 9,
    "program_figures_current_units": 11,
    "program_figures_raw_dates": 9,
    "program_figures_preview": 9,
    "program_figures_one_org": 5,
    "indicator_summary": 6,
    "year_over_year": 7,
    "monthly_trend": 5,
    "area_share": 5,
    "completeness": 5,
    "practices_summary": 3,
}


def test_every_entry_point_reads_a_fixed_number_of_queries(s, world, django_assert_max_num_queries):
    p = places(world)
    _reports(s, p, (2, 9))
    few = _counts(s)
    _reports(s, p, (1, 3, 4, 7, 8, 11))
    many = _counts(s)
    assert few == many
    for name, call in _calls(s).items():
        with django_assert_max_num_queries(LIMITS[name]):
            call()
