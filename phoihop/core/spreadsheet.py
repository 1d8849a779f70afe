"""Text from users in spreadsheets stays text: no formula injection.

A spreadsheet program runs a cell that starts with `=` (and, on import from CSV, `+`,
`-` or `@`) as a formula: an organization named `=HYPERLINK("http://…","Bấm vào đây")`
becomes a link in the secretariat's export, and a crafted formula can pull other cells
out to a web address. openpyxl stores any str starting with `=` as a formula.

- XLSX: `xlsx_text_cells(row_of_cells)` after `sheet.append(values)` (or
  `set_text(cell, value)`) marks such strings as text; the cell shows exactly what the
  person typed.
- CSV: `csv_value(value)` prefixes such strings with an apostrophe, the usual guard
  (the apostrophe shows; the value cannot run).

Numbers are never touched: a negative number is a number, not a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_START)


def csv_value(value: Any) -> Any:
    """The value to give csv.writer."""
    return f"'{value}" if is_dangerous(value) else value


def set_text(cell: Any, value: Any) -> None:
    """Assign `value` to an openpyxl cell, as text if it is text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def xlsx_text_cells(cells: Iterable[Any]) -> None:
    """Cells just written (e.g. `sheet[sheet.max_row]` after `append`): any str that
    openpyxl took for a formula is made text again."""
    for cell in cells:
        if cell.data_type == "f" and isinstance(cell.value, str):
            cell.data_type = "s"


def csv_text(headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV document (no BOM) of headers and rows, every text guarded."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_value(v) for v in headers])
    for row in rows:
        writer.writerow([csv_value("" if v is None else v) for v in row])
    return out.getvalue()


def xlsx_bytes(headers: Iterable[Any], rows: Iterable[Iterable[Any]], title: str = "") -> bytes:
    """An .xlsx workbook of one sheet: bold headers, frozen first row, every text a text
    cell (never a formula)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    if title:
        sheet.title = "".join(c for c in title if c not in "\\*?:/[]")[:31] or "Sheet"
    sheet.append([str(v) for v in headers])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        if isinstance(cell.value, str):
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(list(row))
        xlsx_text_cells(sheet[sheet.max_row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dataset_export(dataset: Any, fmt: str) -> str | bytes:
    """A tablib Dataset as 'csv' (str, no BOM) or 'xlsx' (bytes), formula-safe; tablib's
    own export would write a text starting with '=' as a formula."""
    if fmt == "csv":
        return csv_text(dataset.headers or [], dataset)
    if fmt == "xlsx":
        return xlsx_bytes(dataset.headers or [], dataset, title=dataset.title or "")
    raise ValueError(fmt)
