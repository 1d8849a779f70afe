"""Rollups: built on the first announced change, refreshed in the same transaction,
verified and rebuilt by `phoihop figures`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.models import Sum

from phoihop.activities import events, services
from phoihop.activities.models import Activity
from phoihop.activities.tests import factories as f
from phoihop.figures import rollups, selectors
from phoihop.figures import types as ft
from phoihop.figures.models import (
    FigureCell,
    FigurePlace,
    FigureSpan,
    FigureSummary,
    ProgramRollup,
)

pytestmark = pytest.mark.django_db


def test_the_listener_is_registered_at_start_up():
    assert rollups.on_change in events._listeners


def test_first_change_builds_the_program_then_changes_refresh_cells(s):
    assert not rollups.is_built(s.program.pk)
    rebuilt, refreshed = rollups.stats.rebuilt, rollups.stats.refreshed
    f.approved(s)
    assert rollups.is_built(s.program.pk)
    assert rollups.stats.rebuilt == rebuilt + 1
    f.approved(s, title="Lần hai")
    assert rollups.stats.refreshed > refreshed
    assert FigureCell.objects.filter(program=s.program, organization=None).exists()
    figures = selectors.program_figures(s.program)
    assert figures.source == ft.ROLLUP
    assert figures.total.activities == 2


def test_a_program_not_built_reads_the_raw_rows(s):
    f.approved(s)
    ProgramRollup.objects.all().delete()
    figures = selectors.program_figures(s.program)
    assert figures.source == ft.RAW
    assert figures.total.activities == 1


def test_a_failing_rollup_update_rolls_the_approval_back(s, monkeypatch):
    f.approved(s)  # builds the program
    pending = f.submitted(s, title="Chờ duyệt")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rollups, "_refresh", broken)
    with pytest.raises(RuntimeError):
        services.activity_approve(actor=s.user("secretariat"), activity=pending)
    assert Activity.objects.get(pk=pending.pk).status == "submitted"


def test_verify_lists_differences_and_rebuild_repairs_them(s, capsys):
    f.approved(s)
    call_command("figures", "verify")
    assert "rollups equal the raw reports" in capsys.readouterr().out
    cell = FigureCell.objects.filter(program=s.program, measure="f", organization=None).first()
    cell.total += 1
    cell.save()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("figures", "verify")
    out = capsys.readouterr().out
    assert f"program {s.program.pk}, content {s.content.pk}" in out
    assert "organization all" in out
    call_command("figures", "rebuild", "--program", str(s.program.pk))
    call_command("figures", "verify", "--program", str(s.program.pk))
    FigureCell.objects.filter(program=s.program).delete()
    with pytest.raises(CommandError):
        call_command("figures", "verify")


def test_summaries_are_kept_current_and_verified(s, capsys):
    f.approved(s)
    f.approved(s, title="Lần hai")
    for model in (FigureSummary, FigurePlace, FigureSpan):
        reports = model.objects.filter(program=s.program, measure="n")
        if model is not FigurePlace:
            reports = reports.filter(organization=None)
        assert reports.aggregate(n=Sum("count"))["n"] == 2
    assert rollups.differences(s.program.pk) == []
    row = FigurePlace.objects.filter(program=s.program, measure="n").first()
    row.count += 1
    row.save()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("figures", "verify")
    assert f"place program {s.program.pk}" in capsys.readouterr().out
    call_command("figures", "rebuild", "--program", str(s.program.pk))
    assert rollups.differences(s.program.pk) == []


def test_each_read_uses_the_coarsest_table():
    def choose(keep, organizations=None, contents=None, by_organization=False, dated=True):
        return rollups._choose(
            set(keep),
            organizations=organizations,
            contents=contents,
            by_organization=by_organization,
            dated=dated,
        )

    assert choose(()) is rollups.SUMMARY
    assert choose(("content_id", "month"), by_organization=True) is rollups.SUMMARY
    assert choose(("month",), organizations=(1,), contents=(2,)) is rollups.SUMMARY
    assert choose(("locality_id", "area")) is rollups.PLACE
    assert choose(("locality_id",), by_organization=True) is rollups.CELLS
    assert choose(("locality_id",), organizations=(1,)) is rollups.CELLS
    assert choose(("locality_id",), contents=(1,)) is rollups.CELLS
    assert choose(("content_id", "locality_id")) is rollups.CELLS
    # The whole period (no dates): place × content or organization from the span table.
    assert choose((), dated=False) is rollups.SUMMARY
    assert choose(("content_id", "locality_id"), dated=False) is rollups.SPAN
    assert choose(("locality_id",), by_organization=True, dated=False) is rollups.SPAN
    assert choose(("locality_id",), contents=(1,), dated=False) is rollups.SPAN
    assert choose(("locality_id", "area"), dated=False) is rollups.PLACE
    assert choose(("locality_id", "month"), organizations=(1,), dated=False) is rollups.CELLS


def _rows(model):
    return sorted(
        model.objects.values_list(
            "program_id", "measure", "count", "total", "denominator", "maximum", "latest_value"
        ),
        key=repr,
    )


def test_rebuild_of_everything_writes_the_rows_the_listener_keeps(s, capsys):
    f.approved(s, co_organizations=[s.world.org_b])
    f.approved(s, title="Lần hai")
    kept = {model: _rows(model) for model in (FigureCell, FigureSummary, FigurePlace, FigureSpan)}
    assert kept[FigureCell]
    FigureCell.objects.all().delete()
    ProgramRollup.objects.all().delete()
    call_command("figures", "rebuild")
    assert "every program" in capsys.readouterr().out
    assert {model: _rows(model) for model in kept} == kept
    assert rollups.is_built(s.program.pk)
    call_command("figures", "verify")


def test_a_failing_rebuild_changes_nothing(s, monkeypatch):
    f.approved(s)
    kept = _rows(FigureCell), _rows(FigureSummary)
    FigurePlace.objects.all().delete()
    # The summaries' statement fails after the cells were rewritten.
    broken = "INSERT INTO no_such_table SELECT * FROM no_such_table WHERE 1 IN (%s)"
    monkeypatch.setattr(rollups, "_merge_sql", lambda table, where: broken)
    with pytest.raises(DatabaseError, match="no_such_table"):
        rollups.rebuild(s.program.pk)
    assert (_rows(FigureCell), _rows(FigureSummary)) == kept
    assert not FigurePlace.objects.exists()


def test_area_classification_changes_refresh_the_cells_of_the_commune(s):
    from phoihop.geo import services as geo
    from phoihop.geo.choices import AreaKind

    report = f.approved(s)
    f.approved(s, title="Lần hai")
    assert rollups.is_built(s.program.pk)

    def areas():
        return {
            r.key[0]: r.measures.activities
            for r in selectors.program_figures(s.program, by=(ft.AREA,)).rows
        }

    assert areas() == {"": 2}
    area = geo.area_classification_set(
        actor=s.user("secretariat"),
        unit=report.locality,
        kind=AreaKind.BORDER,
        valid_from=report.start_date,
    )
    assert rollups.differences(s.program.pk) == []
    assert areas() == {"border": 2}
    geo.area_classification_delete(actor=s.user("secretariat"), classification=area)
    assert rollups.differences(s.program.pk) == []
    assert areas() == {"": 2}
