"""`phoihop review-report`: the same report as the pages, for a saved review or made on
the fly; the PDF is LibreOffice's conversion of the .docx."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from phoihop.activities.tests import factories as f
from phoihop.programs.models import Target
from phoihop.reviews import report
from phoihop.reviews.documents import pdf

from .decree30 import annex_rows, check_docx
from .test_report import make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(world):
    setup = f.setup(world)
    Target.objects.create(indicator=setup.sessions, value=Decimal(10))
    f.approved(setup, values={setup.sessions: Decimal(4)})
    f.approved(
        setup,
        title="Buổi tháng Tám",
        start_date=datetime.date(2023, 8, 3),
        end_date=datetime.date(2023, 8, 3),
        values={setup.sessions: Decimal(2)},
    )
    return setup


def test_a_saved_review_as_docx_and_xlsx(s, tmp_path):
    review = make_review(s)
    out = tmp_path / "bc.docx"
    call_command(
        "review-report", review=review.pk, format="docx", out=str(out), stdout=io.StringIO()
    )
    data = out.read_bytes()
    check_docx(data, issuer_type="military")
    # The same bytes' content as the pages produce (report.render).
    assert annex_rows(data) == annex_rows(report.render(review, "docx")[0])
    call_command(
        "review-report", review=review.pk, format="xlsx", out=str(tmp_path), stdout=io.StringIO()
    )
    (book,) = tmp_path.glob("*.xlsx")
    assert load_workbook(book).sheetnames[0] == "Kết quả thực hiện các chỉ tiêu"


@pytest.mark.parametrize(
    ("period", "sessions"),
    [("year", "6"), ("half", "4"), ("2023-07-01:2023-12-31", "2"), ("01/08/2023:31/08/2023", "2")],
)
def test_on_the_fly_reports_count_the_period_asked(s, tmp_path, period, sessions):
    out = tmp_path / "bc.docx"
    call_command(
        "review-report",
        committee="hoa-binh",
        year=2023,
        period=period,
        format="docx",
        out=str(out),
        stdout=io.StringIO(),
    )
    rows = {r[1]: r for r in annex_rows(out.read_bytes())}
    assert rows["Buổi tuyên truyền"][4] == sessions


def test_bad_arguments_are_refused_with_a_message(s, tmp_path):
    out = str(tmp_path / "x.docx")
    with pytest.raises(CommandError, match="no program for 2030"):
        call_command("review-report", committee="hoa-binh", year=2030, out=out)
    with pytest.raises(CommandError, match="No review with id"):
        call_command("review-report", review=987654, out=out)
    with pytest.raises(CommandError, match="--period"):
        call_command("review-report", committee="hoa-binh", year=2023, period="quý", out=out)


def test_without_libreoffice_the_pdf_is_refused_in_vietnamese(s, tmp_path, monkeypatch):
    from django.utils import translation

    monkeypatch.setenv("PHOIHOP_SOFFICE", str(tmp_path / "no-such-soffice"))
    review = make_review(s)
    with translation.override("vi"), pytest.raises(pdf.PdfError, match="chưa cài LibreOffice"):
        report.render(review, "pdf")


@pytest.mark.slow
def test_the_pdf_is_converted_from_the_docx(s, tmp_path):
    if pdf.soffice_path() is None:
        pytest.fail("LibreOffice (libreoffice-writer-nogui) is part of the setup's packages")
    review = make_review(s)
    out = tmp_path / "bc.pdf"
    call_command(
        "review-report", review=review.pk, format="pdf", out=str(out), stdout=io.StringIO()
    )
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    # Fonts embedded are Times New Roman or its metric twin.
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)
    sections = len(Document(io.BytesIO(report.render(review, "docx")[0])).sections)
    assert sections == 2
    assert len(pages) >= sections  # the report, then the annex on a page of its own
    assert b"LiberationSerif" in data or b"TimesNewRoman" in data
