"""Excel and CSV of a program's breakdowns: the figures module's numbers, laid out."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from phoihop.activities.tests import factories
from phoihop.figures import selectors as figures

pytestmark = pytest.mark.django_db


def test_excel_has_every_breakdown_and_the_totals_match_the_figures(s, client_for):
    factories.approved(s)
    factories.approved(s, title="Hoạt động thứ hai", participants={s.people.pk: 10})
    response = client_for("leader").get(
        reverse("exports:program_breakdown", args=[s.program.pk, "xlsx"])
    )
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(wb.sheetnames) == 9
    total = figures.program_figures(s.program)
    rows = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert rows[-1][0] == total.total.activities == 2
    assert rows[-1][1] == total.total.participants
    by_content = list(wb[wb.sheetnames[1]].iter_rows(values_only=True))
    assert by_content[1][0] == s.content.title or s.content.title in str(by_content[1][0])


def test_csv_by_dimensions_and_scope(s, client_for):
    factories.approved(s)
    url = reverse("exports:program_breakdown", args=[s.program.pk, "csv"])
    response = client_for("focal_b").get(url, {"by": "content,month"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Nội dung", "Tháng"]
    assert rows[-1][0] == "Tổng cộng" or rows[-1][2] == "1"
    assert client_for("focal_b").get(url, {"by": "colour"}).status_code == 404
    assert client_for("other_secretariat").get(url).status_code == 404


FORMULA = '=HYPERLINK("http://x","y")'


def test_names_typed_as_formulas_come_out_as_text(s, client_for):
    s.content.title = FORMULA
    s.content.save()
    factories.approved(s)
    url = reverse("exports:program_breakdown", args=[s.program.pk, "xlsx"])
    wb = load_workbook(io.BytesIO(client_for("leader").get(url).content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    typed = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert typed, "the content's title is in the workbook"
    assert all(c.data_type == "s" and c.value == FORMULA for c in typed)
    assert not [c for c in cells if c.data_type == "f"]

    response = client_for("leader").get(
        reverse("exports:program_breakdown", args=[s.program.pk, "csv"]), {"by": "content"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["'" + FORMULA] in [row[:1] for row in rows]
    assert not [v for row in rows for v in row if v.startswith("=")]
