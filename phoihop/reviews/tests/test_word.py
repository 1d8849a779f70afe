"""The Word file follows Decree 30/2020/NĐ-CP: every rule of issue 7 §3, for each kind of
issuing body, checked on the produced bytes (decree30.check_docx)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from phoihop.reviews.documents.model import (
    AnnexRow,
    Block,
    Header,
    ReportDocument,
    Signer,
    date_line,
)
from phoihop.reviews.documents.word import build_docx

from .decree30 import annex_rows, check_docx


def sample(issuer_type: str = "state", **header) -> ReportDocument:
    values = {
        "issuer_type": issuer_type,
        "issuing_body": "Ban Chỉ đạo Chương trình phối hợp hoạt động tỉnh Hòa Bình",
        "number": "05/BC-BCĐ",
        "place": "Hòa Bình",
        "date": datetime.date(2023, 2, 5),
        "parent_body": "",
    }
    values.update(header)
    return ReportDocument(
        header=Header(**values),
        summary=(
            "Sơ kết thực hiện Chương trình phối hợp hoạt động năm 2022; "
            "phương hướng, nhiệm vụ năm 2023"
        ),
        basis=["Căn cứ Chương trình phối hợp hoạt động số 01/CTr-BCĐ ngày 18/3/2022."],
        blocks=[
            Block("h1", "I. Đặc điểm tình hình"),
            Block("p", "Năm 2022, tình hình chính trị ổn định.\nCác bên phối hợp chặt chẽ."),
            Block("h1", "II. Kết quả thực hiện"),
            Block("h2", "1. Công tác lãnh đạo, chỉ đạo, tổ chức thực hiện"),
            Block("p", "Ban Chỉ đạo ban hành kế hoạch."),
            Block("h3", "a) Ưu điểm"),
            Block("p", "Phối hợp chặt chẽ."),
        ],
        signer=Signer("TM. Ban Chỉ đạo", "Trưởng ban", "Nguyễn Văn Hùng", "Đại tá"),
        recipients=["Thường trực Tỉnh ủy", "Bộ Tư lệnh Quân khu 3;"],
        records_unit="BCĐ",
        annex_title="Biểu tổng hợp kết quả thực hiện năm 2022",
        annex_rows=[
            AnnexRow("I", "Tuyên truyền, giáo dục", is_group=True),
            AnnexRow(
                "1", "Buổi tuyên truyền", "buổi", Decimal(100), Decimal(125), Decimal("125.0")
            ),
        ],
    )


@pytest.mark.parametrize("issuer_type", ["state", "military", "front", "party", "youth"])
def test_every_format_rule_holds_for_each_kind_of_issuer(issuer_type):
    found = check_docx(build_docx(sample(issuer_type)), issuer_type=issuer_type)
    assert found.issuing_body == "BAN CHỈ ĐẠO CHƯƠNG TRÌNH PHỐI HỢP HOẠT ĐỘNG TỈNH HÒA BÌNH"
    assert found.date_line == "Hòa Bình, ngày 05 tháng 02 năm 2023"
    if issuer_type == "party":
        assert found.right_title == "ĐẢNG CỘNG SẢN VIỆT NAM"
        assert found.number_line == "Số 05/BC-BCĐ"
    elif issuer_type == "youth":
        assert found.right_title == "ĐOÀN TNCS HỒ CHÍ MINH"
        assert found.number_line == "Số: 05/BC-BCĐ"
    else:
        assert found.right_title == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert found.number_line == "Số: 05/BC-BCĐ"
    assert found.recipients == [
        "- Thường trực Tỉnh ủy;",
        "- Bộ Tư lệnh Quân khu 3;",
        "- Lưu: VT, BCĐ.",
    ]
    assert found.signer_lines == ["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Đại tá Nguyễn Văn Hùng"]
    assert "I. ĐẶC ĐIỂM TÌNH HÌNH" in found.body_paragraphs


def test_a_governing_body_above_the_issuer_and_a_short_issuer():
    report = sample(parent_body="Ủy ban nhân dân tỉnh Hòa Bình", issuing_body="Sở Nội vụ")
    found = check_docx(build_docx(report))
    assert found.issuing_body == "SỞ NỘI VỤ"


def test_the_annex_table_has_the_official_columns():
    rows = annex_rows(build_docx(sample()))
    assert rows == [
        ["I", "Tuyên truyền, giáo dục", "", "", "", "", ""],
        ["1", "Buổi tuyên truyền", "buổi", "100", "125", "125", ""],
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2023, 2, 5), "Hòa Bình, ngày 05 tháng 02 năm 2023"),
        (datetime.date(2023, 1, 15), "Hòa Bình, ngày 15 tháng 01 năm 2023"),
        (datetime.date(2023, 3, 5), "Hòa Bình, ngày 05 tháng 3 năm 2023"),
        (datetime.date(2023, 12, 24), "Hòa Bình, ngày 24 tháng 12 năm 2023"),
    ],
)
def test_date_line_leading_zeros(day, expected):
    assert date_line("Hòa Bình", day) == expected


def test_a_report_without_a_date_leaves_blanks_to_fill_by_hand():
    assert date_line("Hòa Bình", None).startswith("Hòa Bình, ngày ")
