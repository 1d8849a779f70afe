"""The annex workbook: one formatted sheet per breakdown (openpyxl).

Totals and percentages are formulas, so the workbook stays live when the secretariat edits
a figure. openpyxl writes a formula without its cached result, and viewers that do not
calculate (phone previews, mail attachments, many web viewers) then show an empty cell.
So after saving, each formula cell gets its computed value written into the sheet XML as
the cached result (`<c><f>SUM(D4:D9)</f><v>125</v></c>`), which is exactly what Excel
stores after calculating; the workbook is also marked to recalculate fully on load, so
Excel and LibreOffice refresh the values themselves.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties

from phoihop.core.spreadsheet import set_text
from phoihop.reviews.documents.model import AnnexSheet

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FIRST_DATA_ROW = 5  # 1 title, 2 subtitle, 3 blank, 4 headers


def _number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def build_xlsx(sheets: Sequence[AnnexSheet], *, heading: str) -> bytes:
    """The workbook's bytes: a sheet per breakdown, totals and ratios as formulas that
    carry their values."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    cached: list[dict[str, object]] = []
    used: set[str] = set()
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title, used))
        cached.append(_fill(sheet, spec, heading))
    out = io.BytesIO()
    workbook.save(out)
    return _with_cached_values(out.getvalue(), cached)


def _fill(sheet, spec: AnnexSheet, heading: str) -> dict[str, object]:
    values: dict[str, object] = {}
    ncols = len(spec.headers)
    last = get_column_letter(ncols)
    set_text(sheet["A1"], spec.title.upper())  # titles and names are text, never formulas
    sheet["A1"].font = Font(name=FONT, size=13, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 36
    set_text(sheet["A2"], heading)
    sheet["A2"].font = Font(name=FONT, size=12, italic=True)
    sheet["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 32
    for col, text in enumerate(spec.headers, start=1):
        cell = sheet.cell(row=4, column=col)
        set_text(cell, text)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.fill = HEAD_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ratio = {col: (num, den) for col, num, den in spec.ratio_columns}
    row_no = FIRST_DATA_ROW - 1
    for row_no, row in enumerate(spec.rows, start=FIRST_DATA_ROW):
        for col, raw in enumerate(row, start=1):
            value = _number(raw)
            cell = sheet.cell(row=row_no, column=col)
            if (col - 1) in ratio:
                value = _ratio_formula(cell, row, ratio[col - 1], row_no, values)
            else:
                set_text(cell, value)
            cell.font = Font(name=FONT, size=12)
            cell.border = BOX
            is_number = isinstance(value, int | float)
            cell.alignment = Alignment(
                horizontal="right" if is_number else "left", vertical="top", wrap_text=True
            )
            if isinstance(value, float) and (col - 1) not in ratio:
                cell.number_format = "#,##0.00"
            elif is_number:
                cell.number_format = "#,##0" if (col - 1) not in ratio else "0.0"
    if spec.total_columns and spec.rows:
        _total_row(sheet, spec, row_no + 1, values)
    for col in range(1, ncols + 1):
        width = spec.widths[col - 1] if col - 1 < len(spec.widths) else 14
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "4:4"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return values


def _total_row(sheet, spec: AnnexSheet, total_row: int, values: dict[str, object]) -> None:
    last_row = total_row - 1
    label = sheet.cell(row=total_row, column=1, value="Tổng cộng")
    for col in range(1, len(spec.headers) + 1):
        cell = sheet.cell(row=total_row, column=col)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.border = BOX
        cell.fill = TOTAL_FILL
    label.alignment = Alignment(horizontal="left")
    for index in spec.total_columns:
        letter = get_column_letter(index + 1)
        cell = sheet.cell(row=total_row, column=index + 1)
        cell.value = f"=SUM({letter}{FIRST_DATA_ROW}:{letter}{last_row})"
        cell.number_format = "#,##0"
        cell.alignment = Alignment(horizontal="right")
        total = sum(
            (Decimal(str(_number(r[index]))) for r in spec.rows if _is_num(r[index])),
            Decimal(0),
        )
        values[cell.coordinate] = _number(total)


def _is_num(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _ratio_formula(cell, row, cols, row_no, values):
    num, den = cols
    numerator, denominator = row[num], row[den]
    if not (_is_num(numerator) and _is_num(denominator)) or not denominator:
        cell.value = None
        return None
    n, d = get_column_letter(num + 1), get_column_letter(den + 1)
    cell.value = f"=ROUND({n}{row_no}/{d}{row_no}*100,1)"
    result = (Decimal(str(numerator)) * 100 / Decimal(str(denominator))).quantize(Decimal("0.1"))
    values[cell.coordinate] = float(result)
    return float(result)


def _with_cached_values(data: bytes, cached: list[dict[str, object]]) -> bytes:
    """Write each formula's computed value into its cell as the cached result."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            name = item.filename
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                index = int(name.removeprefix("xl/worksheets/sheet").removesuffix(".xml")) - 1
                if index < len(cached) and cached[index]:
                    content = _cache_sheet(content, cached[index])
            target.writestr(item, content)
    return out.getvalue()


def _cache_sheet(xml: bytes, values: dict[str, object]) -> bytes:
    root = etree.fromstring(xml)
    for cell in root.iter(f"{{{NS}}}c"):
        ref = cell.get("r")
        if ref not in values or cell.find(f"{{{NS}}}f") is None:
            continue
        for old in cell.findall(f"{{{NS}}}v"):
            cell.remove(old)
        value = etree.SubElement(cell, f"{{{NS}}}v")
        value.text = _xml_number(values[ref])
        cell.attrib.pop("t", None)  # a number
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _xml_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
