"""Excel and CSV of a program's (or a review period's) full breakdowns.

Every number comes from phoihop.figures; this module only lays the results out."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from phoihop.activities.choices import FundingSource
from phoihop.core.spreadsheet import csv_value, set_text
from phoihop.figures import selectors as figures
from phoihop.figures import types as ft
from phoihop.programs.models import Indicator, Program

# The breakdowns written, one sheet each (the CSV holds the first one asked for).
DEFAULT_VIEWS: tuple[tuple[str, ...], ...] = (
    (),
    (ft.CONTENT,),
    (ft.ORGANIZATION,),
    (ft.DISTRICT,),
    (ft.COMMUNE,),
    (ft.TARGET_GROUP,),
    (ft.AREA,),
    (ft.MONTH,),
)


def _dimension_label(name: str) -> str:
    labels = {
        ft.CONTENT: _("Content"),
        ft.ORGANIZATION: _("Organization"),
        ft.COMMUNE: _("Commune"),
        ft.DISTRICT: _("District"),
        ft.PROVINCE: _("Province"),
        ft.TARGET_GROUP: _("Target group"),
        ft.AREA: _("Area"),
        ft.MONTH: _("Month"),
    }
    return str(labels.get(name, name))


def table(
    program: Program,
    by: Sequence[str],
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[list[Any]]:
    """Header and rows of one breakdown (the total last)."""
    result = figures.program_figures(program, by=tuple(by), date_from=date_from, date_to=date_to)
    indicators = list(
        Indicator.objects.filter(content__program=program).order_by(
            "content__order", "content_id", "order", "pk"
        )
    )
    sources = list(FundingSource)
    header = [_dimension_label(name) for name in by] + [
        _("Activities"),
        _("Participants (person-times)"),
        _("Funding (đồng)"),
        *[_("Funding: {source}").format(source=source.label) for source in sources],
        *[f"{i.name} ({i.unit})" for i in indicators],
    ]

    def line(labels: Sequence[Any], measures: ft.Measures) -> list[Any]:
        values = []
        for indicator in indicators:
            found = measures.indicators.get(indicator.pk)
            values.append(found.result if found is not None else None)
        return [
            *labels,
            measures.activities,
            measures.participants,
            measures.funding,
            *[measures.funding_by_source.get(str(source), 0) for source in sources],
            *values,
        ]

    rows = [header]
    rows.extend(line(row.labels, row.measures) for row in result.rows)
    total_labels = [_("Total"), *[""] * (len(by) - 1)] if by else []
    rows.append(line(total_labels, result.total))
    return rows


def _title(by: Sequence[str]) -> str:
    if not by:
        return str(_("Total"))
    return " × ".join(_dimension_label(name) for name in by)[:31]


def as_xlsx(
    program: Program,
    views: Sequence[Sequence[str]] = DEFAULT_VIEWS,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> bytes:
    wb = Workbook(write_only=True)
    for by in views:
        ws = wb.create_sheet(_title(by))
        for number, values in enumerate(table(program, by, date_from=date_from, date_to=date_to)):
            if number == 0:
                ws.append([_bold(ws, v) for v in values])
            else:
                ws.append([_cell(ws, float(v) if _is_decimal(v) else v) for v in values])
    summary = wb.create_sheet(str(_("Indicators"))[:31])
    summary.append(
        [
            _bold(summary, h)
            for h in (
                _("Content"),
                _("Indicator"),
                _("Unit"),
                _("Target"),
                _("Result"),
                _("Achievement (%)"),
                _("Last year"),
            )
        ]
    )
    for line in figures.indicator_summary(program, date_from=date_from, date_to=date_to):
        i = line.indicator
        summary.append(
            [
                _cell(summary, line.content_title),
                _cell(summary, i.name),
                _cell(summary, i.unit),
                _num(i.target),
                _num(i.result),
                _num(line.achievement),
                _num(line.previous_result),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_csv(
    program: Program,
    by: Sequence[str],
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Vietnamese) correctly with the mark
    writer = csv.writer(out)
    for values in table(program, by, date_from=date_from, date_to=date_to):
        writer.writerow(["" if v is None else csv_value(v) for v in values])
    return out.getvalue()


def _is_decimal(value: Any) -> bool:
    from decimal import Decimal

    return isinstance(value, Decimal)


def _num(value: Any) -> Any:
    return float(value) if _is_decimal(value) else value


def _cell(ws: Any, value: Any) -> Any:
    """A cell of `value`: names typed by users (contents, communes, organizations,
    indicators) stay text even when they start with "=" (see core.spreadsheet)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    set_text(cell, value)
    return cell


def _bold(ws: Any, value: Any) -> Any:
    cell = _cell(ws, str(value))
    cell.font = Font(bold=True)
    return cell
