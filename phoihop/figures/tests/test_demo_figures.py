"""The figures of the demo province: rollups kept current while the demo is loaded
through the services equal the raw computation, and the 2023 program compares with 2022."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from phoihop.demo.builder import DemoBuilder
from phoihop.figures import rollups, selectors
from phoihop.figures import types as ft
from phoihop.programs.models import Program

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_figures_are_consistent(capsys):
    DemoBuilder(activities_scale=0.02).build()
    call_command("figures", "verify")
    assert "rollups equal the raw reports" in capsys.readouterr().out
    programs = list(Program.objects.order_by("committee_id", "year"))
    counted = 0
    for program in programs:
        figures = selectors.program_figures(program, by=(ft.DISTRICT,))
        if figures.total.activities:
            counted += 1
            assert rollups.is_built(program.pk)
            assert figures.source == ft.ROLLUP
        assert sum(r.measures.participants for r in figures.rows) == figures.total.participants
        assert sum(r.measures.funding or 0 for r in figures.rows) == figures.total.funding
        current = selectors.program_figures(program, by=(ft.PROVINCE,), current_units=True)
        assert sum(r.measures.activities or 0 for r in current.rows) == figures.total.activities
    assert counted >= 2
    hb_2023 = Program.objects.get(committee__code="hoa-binh", year=2023)
    yoy = selectors.year_over_year(hb_2023)
    assert yoy.previous_program_id is not None
    assert yoy.previous_total is not None
    assert yoy.previous_total.activities
    assert any(c.previous is not None for c in yoy.contents)
    assert selectors.completeness(hb_2023).expected > 0
