"""The table beside each chart, and its CSV / XLSX export.

A `DataTable` holds rows already computed by `phoihop.figures`; the page shows it, the
chart draws it, the export writes it — the three never disagree.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from phoihop.core import spreadsheet
from phoihop.core.templatetags.phoihop import num

NUMBER = "num"
PERCENT = "pct"
TEXT = "text"


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere on the page; its text in an export."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class DataTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    # The page shows at most this many rows (the export has them all); None = all.
    page_rows: int | None = None

    @functools.cached_property
    def body(self) -> SafeString:
        """The rows the page shows, as the table's `<tr>` elements. Built in Python rather
        than by a template loop (a few hundred cells, each a dozen template nodes), once
        per table: the dashboard keeps its tables with the figures they show."""
        kinds = [c.kind for c in self.columns]
        rows = self.rows if self.page_rows is None else self.rows[: self.page_rows]
        return mark_safe(  # noqa: S308 - every value below is escaped by _cell
            "".join(
                "<tr>"
                + "".join(
                    _cell(value, kind, first=i == 0)
                    for i, (value, kind) in enumerate(zip(row, kinds, strict=False))
                )
                + "</tr>"
                for row in rows
            )
        )

    @property
    def hidden_rows(self) -> int:
        return 0 if self.page_rows is None else max(0, len(self.rows) - self.page_rows)


def _cell(value: Any, kind: str, *, first: bool) -> str:
    """One cell as the page shows it: numbers grouped as the language writes them, no
    target as a dash, the first column a row header (with its link, if any)."""
    if kind == NUMBER:
        return format_html('<td class="num">{}</td>', num(value))
    if kind == PERCENT:
        if value is None:
            return '<td class="num">–</td>'
        return format_html('<td class="num">{} %</td>', num(value))
    if first:
        if isinstance(value, Link) and value.url:
            return format_html('<th scope="row"><a href="{}">{}</a></th>', value.url, value.text)
        return format_html('<th scope="row">{}</th>', localize(value))
    return format_html("<td>{}</td>", localize(value))


def _plain(value: Any) -> Any:
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return "" if value is None else value


def csv_response(table: DataTable) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV with Vietnamese correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow([spreadsheet.csv_value(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([spreadsheet.csv_value(_plain(v)) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table)}.csv"'
    return response


def xlsx_response(table: DataTable) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31] or "Sheet"  # Excel's limit on sheet names
    sheet.append([c.label for c in table.columns])
    spreadsheet.xlsx_text_cells(sheet[1])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_plain(v) for v in row])
        spreadsheet.xlsx_text_cells(sheet[sheet.max_row])
    for index, column in enumerate(table.columns, start=1):
        if column.kind == PERCENT:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    if table.note:
        sheet.append([])
        sheet.append([table.note])
        spreadsheet.xlsx_text_cells(sheet[sheet.max_row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(table)}.xlsx"'
    return response


def _filename(table: DataTable) -> str:
    return slugify(table.key) or "bang"
