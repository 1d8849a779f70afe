"""The program document (CHƯƠNG TRÌNH phối hợp) as .docx for the signing ceremony.

Laid out after Decree 30/2020/NĐ-CP, Appendix I: A4, Times New Roman, margins 20/20/30/15
mm; a borderless two-column header (the parties' names and "Số:" on the left; the
national title, motto and the italic place and date on the right, with drawn rules, not
underlines); the document type and its summary centred in bold; the legal basis in
italics; the contents as a table; and one signature column per party ("TM. <PARTY>",
the signer's title, room to sign, the name). The header per organization type is a
simplification: every party's document here uses the state header.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from phoihop.programs.models import Program

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
CONTENT_HEADINGS = ("STT", "Nội dung phối hợp", "Chủ trì", "Phối hợp", "Chỉ tiêu", "Thời gian")


def _upper(text: str) -> str:
    return text.upper()


def _run(
    paragraph: Any, text: str, *, size: float = 14, bold: bool = False, italic: bool = False
) -> Any:
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    # East Asian font slot too, so Word does not fall back for Vietnamese text.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _para(
    container: Any,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    after: float = 0,
) -> Any:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _rule(container: Any, width_cm: float) -> None:
    """A short centred line drawn as the bottom border of an empty, narrow paragraph."""
    paragraph = container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(2)
    fmt.space_before = Pt(0)
    usable = 7.5
    margin = max((usable - width_cm) / 2, 0)
    fmt.left_indent = Cm(margin)
    fmt.right_indent = Cm(margin)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    run = paragraph.add_run()
    run.font.size = Pt(2)


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _cell_text(
    cell: Any,
    text: str,
    *,
    size: float = 12,
    bold: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.LEFT,
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    _run(paragraph, text, size=size, bold=bold)


def place_name(program: Program) -> str:
    name = program.committee.province.name
    for prefix in ("Tỉnh ", "Thành phố ", "tỉnh ", "thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def date_line(program: Program) -> str:
    day = program.signed_on
    if day is None:
        return f"{place_name(program)}, ngày      tháng      năm {program.year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place_name(program)}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _number(value: Any) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "·").replace(".", ",").replace("·", ".")


def _header(document: Any, program: Program, parties: list[Any]) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.0), Cm(9.0)
    left.paragraphs[0].text = ""
    first = True
    for party in parties:
        paragraph = left.paragraphs[0] if first else left.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, _upper(party.name_as_signed or party.organization.name), size=12, bold=True)
    _rule(left, 2.5)
    number = program.number or "      "
    _para(left, f"Số: {number}", size=13)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], NATIONAL_TITLE, size=12, bold=True)
    _para(right, MOTTO, size=13, bold=True)
    _rule(right, 5.2)
    _para(right, date_line(program), size=13, italic=True)


def _contents_table(document: Any, program: Program, contents: list[Any]) -> Any:
    table = document.add_table(rows=1, cols=len(CONTENT_HEADINGS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, CONTENT_HEADINGS, strict=True):
        _cell_text(cell, heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for number, content in enumerate(contents, start=1):
        cells = table.add_row().cells
        _cell_text(cells[0], str(number), align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(cells[1], content.title, bold=True)
        if content.description:
            cells[1].add_paragraph()
            _run(cells[1].paragraphs[-1], content.description, size=12)
        _cell_text(cells[2], content.lead.short)
        _cell_text(cells[3], "; ".join(o.short for o in content.co_organizations.all()))
        lines = []
        for indicator in content.indicators.all():
            overall = next((t for t in indicator.targets.all() if t.organization_id is None), None)
            value = f"{_number(overall.value)} " if overall is not None else ""
            lines.append(f"{indicator.name}: {value}{indicator.unit}".strip())
        _cell_text(cells[4], "\n".join(lines))
        when = ""
        if content.starts_on or content.ends_on:
            start = content.starts_on.strftime("%d/%m/%Y") if content.starts_on else ""
            end = content.ends_on.strftime("%d/%m/%Y") if content.ends_on else ""
            when = f"{start} – {end}"
        else:
            when = f"Năm {program.year}"
        _cell_text(cells[5], when)
    return table


def _targets_table(document: Any, contents: list[Any]) -> Any | None:
    rows = [
        (indicator, target)
        for content in contents
        for indicator in content.indicators.all()
        for target in indicator.targets.all()
        if target.organization_id is not None
    ]
    if not rows:
        return None
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(
        table.rows[0].cells, ("Chỉ tiêu", "Đơn vị tính", "Tổ chức", "Giao"), strict=True
    ):
        _cell_text(cell, heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for indicator, target in rows:
        cells = table.add_row().cells
        _cell_text(cells[0], indicator.name)
        _cell_text(cells[1], indicator.unit)
        _cell_text(cells[2], target.organization.short)
        _cell_text(cells[3], _number(target.value), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return table


def _signatures(document: Any, parties: list[Any], signatures: dict[int, Any]) -> Any:
    table = document.add_table(rows=1, cols=max(len(parties), 1))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    for cell, party in zip(table.rows[0].cells, parties, strict=False):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        name = party.name_as_signed or party.organization.name
        _run(cell.paragraphs[0], f"TM. {_upper(name)}", size=13, bold=True)
        signature = signatures.get(party.pk)
        title = signature.signer_title if signature else ""
        _para(cell, _upper(title) if title else "", size=13, bold=True)
        if signature is not None:
            signed = timezone.localtime(signature.signed_at).strftime("%d/%m/%Y")
            _para(cell, f"(Đã ký ngày {signed})", size=12, italic=True)
        for _blank in range(4):
            _para(cell, "", size=13)
        _para(cell, signature.signer_name if signature else "", size=13, bold=True)
    return table


def _signature_of(party: Any) -> Any:
    try:
        return party.signature
    except party._meta.model.signature.RelatedObjectDoesNotExist:
        return None


def program_document(program: Program) -> bytes:
    """The .docx of a program loaded by programs.selectors.program_detail, always in
    Vietnamese (it is the document the parties sign)."""
    with translation.override("vi"):
        return _program_document(program)


def _program_document(program: Program) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)

    parties = list(program.parties.all())
    signatures = {party.pk: _signature_of(party) for party in parties}
    contents = list(program.contents.all())

    _header(document, program, parties)
    _para(document, "", after=6)
    _para(document, "CHƯƠNG TRÌNH", size=14, bold=True)
    _para(document, program.title, size=14, bold=True)
    _rule(document, 4.0)
    for index, law in enumerate(program.legal_basis.all()):
        last = index == len(program.legal_basis.all()) - 1
        text = (
            f"Căn cứ {law.get_kind_display()} số {law.number} ngày {law.date:%d/%m/%Y} "
            f"của {law.issuer} {law.title}"
        )
        _para(
            document,
            text + ("." if last else ";"),
            italic=True,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            after=6,
        ).paragraph_format.first_line_indent = Cm(1)
    intro = (
        f"Các bên thống nhất ban hành Chương trình phối hợp năm {program.year} "
        f"(từ ngày {program.period_start:%d/%m/%Y} đến ngày {program.period_end:%d/%m/%Y}) "
        "với các nội dung sau:"
    )
    _para(
        document, intro, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6
    ).paragraph_format.first_line_indent = Cm(1)
    _para(document, "I. NỘI DUNG PHỐI HỢP", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=6)
    _contents_table(document, program, contents)
    _para(document, "", after=6)
    _para(
        document,
        "II. CHỈ TIÊU GIAO CHO CÁC TỔ CHỨC",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        after=6,
    )
    if _targets_table(document, contents) is None:
        _para(
            document, "Không giao chỉ tiêu riêng cho từng tổ chức.", align=WD_ALIGN_PARAGRAPH.LEFT
        )
    _para(document, "", after=6)
    _para(document, "III. TỔ CHỨC THỰC HIỆN", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=6)
    frequency = "hằng tháng" if program.reporting_frequency == "month" else "hằng quý"
    text = (
        f"Các bên báo cáo kết quả thực hiện {frequency}, chậm nhất {program.deadline_days} ngày "
        "sau khi kết thúc kỳ báo cáo. Chương trình có hiệu lực kể từ ngày các bên ký."
    )
    _para(
        document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=12
    ).paragraph_format.first_line_indent = Cm(1)
    _signatures(document, parties, signatures)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
