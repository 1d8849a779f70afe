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
