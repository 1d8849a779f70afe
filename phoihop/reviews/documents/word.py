"""The report as a Word file in the format of Decree 30/2020/NĐ-CP, Phụ lục I
(DOMAIN.md §2), built with python-docx.

Layout choices (each asserted on the produced file by tests/test_word.py):
- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman
  (ASCII, complex and East Asian slots) on every style and every run, black.
- Body paragraphs 14 pt, justified, first-line indent 1.27 cm, 6 pt after, line spacing
  1.15 (between single and 1.5 lines).
- The header is a borderless two-column table without cell margins: the issuing body
  (capitals, bold, 13 pt) with a rule under it, then "Số: …" in 13 pt, on the left; the
  national title (capitals, bold, 13 pt), the motto (bold, 14 pt) with a rule of its own
  width and the italic place and date (14 pt) on the right. Party and Youth Union
  headers carry their own name instead of the national title, no motto, and a star mark
  under the issuing body.
- Rules are empty paragraphs with a top border whose indents leave a width measured
  from the text (measure.py): 0.4 of the issuing body's longest line, the motto's own
  width, 0.4 of the summary's longest line — never underlines.
- Page numbers: a PAGE field centred in the header, 14 pt; the first page has its own,
  empty header (w:titlePg). The annex is a section of its own whose numbers restart at 1.
- The signature block is a borderless two-column table: "Nơi nhận:" (12 pt bold italic)
  and its list (11 pt, ending "- Lưu: VT, …") on the left, the authority and position
  (capitals, bold, 14 pt) and the name (bold, 14 pt) centred on the right.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from phoihop.reviews.documents.measure import text_width, wrapped_width
from phoihop.reviews.documents.model import AnnexRow, Block, ReportDocument

FONT = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP = MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT, MARGIN_RIGHT = Mm(30), Mm(15)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm
HEADER_LEFT, HEADER_RIGHT = Cm(6.5), Cm(10.0)
SIGN_LEFT, SIGN_RIGHT = Cm(7.5), Cm(9.0)
BODY_SIZE = 14
HEADER_SIZE = 13
FIRST_LINE_INDENT = Cm(1.27)
SPACE_BETWEEN = Pt(6)
LINE_SPACING = 1.15
RULE_FRACTION = 0.4  # of the text's width, inside the 1/3–1/2 band of the rule
BLACK = RGBColor(0, 0, 0)
EMU_PER_PT = 12700
# Children of w:pPr that the schema puts after w:pBdr.
PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip


# -- low-level helpers --------------------------------------------------------------


def _set_fonts(rpr_parent: object) -> None:
    """Times New Roman in every font slot of a run or style (python-docx sets only ASCII
    and hAnsi; Vietnamese text may fall into the complex-script slot)."""
    rpr = rpr_parent.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def _run(
    paragraph: Paragraph,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
) -> None:
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = BLACK
    _set_fonts(run._r)


def _format(
    paragraph: Paragraph,
    *,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    first_line: int = 0,
    before: int = 0,
    after: int = 0,
    left: int = 0,
    right: int = 0,
    spacing: float = 1.0,
    keep_with_next: bool = False,
) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = first_line
    fmt.left_indent = left
    fmt.right_indent = right
    fmt.space_before = before
    fmt.space_after = after
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = spacing
    fmt.keep_with_next = keep_with_next


def _line(
    container: object,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    before: int = 0,
    after: int = 0,
) -> Paragraph:
    """A centred (by default) single-spaced line without indents: header, title, table."""
    paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    _format(paragraph, align=align, before=before, after=after)
    if text:
        _run(paragraph, text, size, bold=bold, italic=italic)
    return paragraph


def _rule(container: object, box: int, width_pt: float, *, after: int = 0) -> Paragraph:
    """A solid rule `width_pt` wide, centred in a box `box` EMU wide: an empty paragraph
    with a top border, its indents leaving the rule's width."""
    paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    margin = max(0, int((box - width_pt * EMU_PER_PT) / 2))
    _format(paragraph, left=margin, right=margin, after=after, spacing=1.0)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), "6")  # eighths of a point: a 0.75 pt line
    top.set(qn("w:space"), "1")
    top.set(qn("w:color"), "000000")
    borders.append(top)
    ppr.insert_element_before(borders, *PBDR_SUCCESSORS)
    # The paragraph mark small, so the rule sits right under the text above it.
    mark = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    mark.append(fonts)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    ppr.append(mark)
    return paragraph


def _borderless(table: Table, widths: Iterable[int]) -> None:
    """No borders, no cell margins, fixed column widths."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _empty_cell(cell: _Cell) -> _Cell:
    """A cell starts with one empty paragraph; remove it so content starts at the top."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def _page_number(paragraph: Paragraph) -> None:
    """A PAGE field in `paragraph`."""
    parts = (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None))
    for char, instr in parts:
        run = paragraph.add_run()
        run.font.name = FONT
        run.font.size = Pt(BODY_SIZE)
        _set_fonts(run._r)
        if char:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), char)
            run._r.append(field)
        elif instr:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instr} "
            run._r.append(text)
        else:
            run.text = "1"


def _setup_section(section: object, *, restart: bool) -> None:
    section.orientation = WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
    section.page_width = PAGE_WIDTH  # type: ignore[attr-defined]
    section.page_height = PAGE_HEIGHT  # type: ignore[attr-defined]
    section.top_margin = MARGIN_TOP  # type: ignore[attr-defined]
    section.bottom_margin = MARGIN_BOTTOM  # type: ignore[attr-defined]
    section.left_margin = MARGIN_LEFT  # type: ignore[attr-defined]
    section.right_margin = MARGIN_RIGHT  # type: ignore[attr-defined]
    section.header_distance = Mm(10)  # type: ignore[attr-defined]
    section.footer_distance = Mm(10)  # type: ignore[attr-defined]
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    if restart:
        sect_pr = section._sectPr  # type: ignore[attr-defined]
        numbering = OxmlElement("w:pgNumType")
        numbering.set(qn("w:start"), "1")
        sect_pr.append(numbering)


def _setup_styles(document: object) -> None:
    for name in ("Normal", "Table Grid"):
        try:
            style = document.styles[name]  # type: ignore[attr-defined]
        except KeyError:
            continue
        style.font.name = FONT
        style.font.size = Pt(BODY_SIZE)
        style.font.color.rgb = BLACK
        _set_fonts(style.element)


# -- the parts of the document ---------------------------------------------------------


def _header(document: object, report: ReportDocument) -> None:
    head = report.header
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _borderless(table, (HEADER_LEFT, HEADER_RIGHT))
    left, right = (_empty_cell(c) for c in table.rows[0].cells)

    if head.parent_body:
        _line(left, head.parent_body.upper(), HEADER_SIZE)
    body = head.issuing_body.upper()
    _line(left, body, HEADER_SIZE, bold=True)
    if head.mark_under_body:
        _line(left, head.mark_under_body, HEADER_SIZE)
    else:
        widest = wrapped_width(body, HEADER_SIZE, HEADER_LEFT / EMU_PER_PT, bold=True)
        _rule(left, HEADER_LEFT, widest * RULE_FRACTION)
    _line(left, head.number_line, HEADER_SIZE, before=Pt(4))

    _line(right, head.right_title, HEADER_SIZE, bold=True)
    if head.motto:
        _line(right, head.motto, BODY_SIZE, bold=True)
        _rule(right, HEADER_RIGHT, text_width(head.motto, BODY_SIZE, bold=True))
    else:
        title_width = text_width(head.right_title, HEADER_SIZE, bold=True)
        _rule(right, HEADER_RIGHT, title_width)
    _line(right, head.date_line, BODY_SIZE, italic=True, before=Pt(4))


def _title(document: object, report: ReportDocument) -> None:
    _line(document, report.doc_type.upper(), BODY_SIZE, bold=True, before=Pt(18))
    _line(document, report.summary, BODY_SIZE, bold=True)
    box = TEXT_WIDTH / EMU_PER_PT
    widest = wrapped_width(report.summary, BODY_SIZE, box, bold=True)
    _rule(document, TEXT_WIDTH, widest * RULE_FRACTION, after=Pt(6))


def _body_paragraph(
    document: object, text: str, *, bold: bool = False, italic: bool = False
) -> Paragraph:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    _format(
        paragraph,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line=FIRST_LINE_INDENT,
        after=SPACE_BETWEEN,
        spacing=LINE_SPACING,
        keep_with_next=bold,
    )
    _run(paragraph, text, BODY_SIZE, bold=bold, italic=italic)
    return paragraph


def _blocks(document: object, blocks: Iterable[Block]) -> None:
    for block in blocks:
        if block.kind == "h1":
            _body_paragraph(document, block.text.upper(), bold=True)
        elif block.kind == "h2":
            _body_paragraph(document, block.text, bold=True)
        elif block.kind == "h3":
            _body_paragraph(document, block.text, bold=True, italic=True)
        else:
            for text in block.text.splitlines():
                if text.strip():
                    _body_paragraph(document, text.strip())


def _signature(document: object, report: ReportDocument) -> None:
    spacer = document.add_paragraph()  # type: ignore[attr-defined]
    _format(spacer, after=0)
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _borderless(table, (SIGN_LEFT, SIGN_RIGHT))
    left, right = (_empty_cell(c) for c in table.rows[0].cells)

    _line(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    lines = [f"- {r.strip().rstrip(';.')};" for r in report.recipients if r.strip()]
    unit = f", {report.records_unit}" if report.records_unit else ""
    lines.append(f"- Lưu: VT{unit}.")
    for text in lines:
        _line(left, text, 11, align=WD_ALIGN_PARAGRAPH.LEFT)

    signer = report.signer
    if signer.authority:
        _line(right, signer.authority.upper(), BODY_SIZE, bold=True)
    _line(right, signer.position.upper(), BODY_SIZE, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _line(right, "", BODY_SIZE)
    _line(right, signer.display_name, BODY_SIZE, bold=True)


def _annex(document: object, report: ReportDocument) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
    _setup_section(section, restart=True)
    _line(document, "Phụ lục", BODY_SIZE, bold=True)
    _line(document, report.annex_title.upper(), BODY_SIZE, bold=True)
    _line(document, report.annex_reference, BODY_SIZE, italic=True, after=Pt(6))
    headers = ("STT", "Nội dung", "ĐVT", "Chỉ tiêu", "Kết quả", "Tỷ lệ %", "Ghi chú")
    widths = (Cm(1.1), Cm(5.9), Cm(1.9), Cm(2.0), Cm(2.0), Cm(1.6), Cm(2.0))
    table = document.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = document.styles["Table Grid"]  # type: ignore[attr-defined]
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _empty_cell(cell)
        _line(cell, text, 12, bold=True)
    for row in report.annex_rows:
        _annex_row(table.add_row().cells, row, widths)


def _annex_row(cells: tuple[_Cell, ...], row: AnnexRow, widths: tuple[int, ...]) -> None:
    from phoihop.reviews.numbers import vi_number, vi_percent

    values = (
        row.number,
        row.content,
        row.unit,
        vi_number(row.target) if row.target is not None else "",
        vi_number(row.result) if row.result is not None else "",
        vi_percent(row.percent, sign=False) if row.percent is not None else "",
        row.note,
    )
    aligns = (
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.LEFT,
    )
    for cell, text, align, width in zip(cells, values, aligns, widths, strict=True):
        cell.width = Length(width)
        _empty_cell(cell)
        _line(cell, text, 12, bold=row.is_group, align=align)


# -- the whole -------------------------------------------------------------------------


def build_docx(report: ReportDocument) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    _setup_styles(document)
    section = document.sections[0]
    _setup_section(section, restart=False)
    # Page numbers from page 2, centred in the top margin.
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    _format(number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _page_number(number)
    section.first_page_header.is_linked_to_previous = False
    _format(section.first_page_header.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER)
    # python-docx starts the body with one empty paragraph: remove it.
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)

    _header(document, report)
    _title(document, report)
    for text in report.basis:
        _body_paragraph(document, text, italic=True)
    _blocks(document, report.blocks)
    _signature(document, report)
    if report.annex_rows:
        _annex(document, report)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
