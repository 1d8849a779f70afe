"""The annex workbook: a formatted sheet per breakdown; totals and percentages are
formulas that also carry their computed values (read back with openpyxl both ways)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from phoihop.reviews.documents.annex import build_xlsx
from phoihop.reviews.documents.model import AnnexSheet


def sheets():
    return [
        AnnexSheet(
            key="summary",
            title="Kết quả theo chỉ tiêu",
            headers=("STT", "Nội dung", "ĐVT", "Chỉ tiêu", "Kết quả", "Tỷ lệ %", "Ghi chú"),
            rows=(
                ("1", "Buổi tuyên truyền", "buổi", Decimal(120), Decimal(150), None, ""),
                ("2", "Đơn vị máu", "đơn vị máu", Decimal(800), Decimal(612), None, ""),
                ("3", "Không có chỉ tiêu", "lượt", None, Decimal(3), None, ""),
            ),
            ratio_columns=((5, 4, 3),),
        ),
        AnnexSheet(
            key="orgs",
            title="Theo tổ chức",
            headers=("STT", "Tổ chức", "Số hoạt động", "Lượt người"),
            rows=((1, "Bộ CHQS tỉnh", 12, 3400), (2, "Hội CTĐ tỉnh", 7, Decimal("1250"))),
            total_columns=(2, 3),
        ),
    ]


def test_totals_and_ratios_are_formulas_with_cached_values():
    data = build_xlsx(sheets(), heading="Kèm theo Báo cáo số 05/BC-BCĐ")
    formulas = load_workbook(io.BytesIO(data))
    values = load_workbook(io.BytesIO(data), data_only=True)
    assert formulas.sheetnames == ["Kết quả theo chỉ tiêu", "Theo tổ chức"]

    summary, summary_values = formulas.worksheets[0], values.worksheets[0]
    assert summary["F5"].value == "=ROUND(E5/D5*100,1)"
    assert summary_values["F5"].value == 125
    assert summary_values["F6"].value == 76.5
    assert summary["F7"].value is None  # no target, no percentage
    assert summary["A1"].value == "KẾT QUẢ THEO CHỈ TIÊU"
    assert summary["A4"].font.bold
    assert summary["A4"].font.name == "Times New Roman"
    assert summary.freeze_panes == "A5"

    orgs, org_values = formulas.worksheets[1], values.worksheets[1]
    assert orgs["A7"].value == "Tổng cộng"
    assert orgs["C7"].value == "=SUM(C5:C6)"
    assert orgs["D7"].value == "=SUM(D5:D6)"
    assert org_values["C7"].value == 19
    assert org_values["D7"].value == 4650
    assert formulas.calculation.fullCalcOnLoad
