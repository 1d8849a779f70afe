"""Checks of a produced .docx against the Decree 30/2020/NĐ-CP rules (issue 7, §3).

Reads the file with python-docx only and measures text widths from the Liberation Serif
files directly (Times New Roman's metrics), so it does not lean on the code under test.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from PIL import ImageFont

TNR = "Times New Roman"
FONT_FILES = {
    (False, False): "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    (True, False): "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    (False, True): "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
}
DATE_LINE = re.compile(r"^(?P<place>[^,]+), ngày (?P<d>\d+) tháng (?P<m>\d+) năm (?P<y>\d{4})$")
EMU_PER_PT = 12700


def width_pt(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    font = ImageFont.truetype(FONT_FILES[(bold, italic)], 1000)
    return font.getlength(text) * size / 1000


def longest_line_pt(text: str, size: float, box_pt: float, *, bold: bool = False) -> float:
    """Greedy wrapping at spaces, as a word processor does."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and width_pt(candidate, size, bold=bold) > box_pt:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return min(box_pt, max(width_pt(x, size, bold=bold) for x in lines))


def runs_of(paragraph):
    return [r for r in paragraph.runs if r.text]


def size_of(paragraph) -> float:
    sizes = {r.font.size.pt for r in runs_of(paragraph)}
    assert len(sizes) == 1, (paragraph.text, sizes)
    return sizes.pop()


def all_(paragraph, attribute: str) -> bool:
    return all(getattr(r.font, attribute) for r in runs_of(paragraph))


def has_rule(paragraph) -> bool:
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.find(qn("w:pBdr")) is not None


def rule_width_pt(paragraph, box_emu: int) -> float:
    fmt = paragraph.paragraph_format
    return (box_emu - (fmt.left_indent or 0) - (fmt.right_indent or 0)) / EMU_PER_PT


def has_page_field(part) -> bool:
    xml = part._element.xml
    return "PAGE" in xml and "fldChar" in xml


def borderless(table) -> bool:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    if borders is None:
        return False
    return all(edge.get(qn("w:val")) in {"nil", "none"} for edge in borders)


def iter_all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in document.sections:
        for part in (section.header, section.first_page_header):
            yield from part.paragraphs


@dataclass
class Found:
    issuing_body: str
    number_line: str
    right_title: str
    date_line: str
    recipients: list[str]
    signer_lines: list[str]
    body_paragraphs: list[str]


def check_docx(data: bytes, *, issuer_type: str = "state") -> Found:  # noqa: PLR0912 - one rule after another
    """Assert every format rule of issue 7 §3 on a produced .docx; return what was read."""
    document = Document(io.BytesIO(data))

    # A4 portrait and the margins, on every section (the annex is one).
    for section in document.sections:
        assert section.orientation == WD_ORIENT.PORTRAIT
        assert abs(section.page_width - Mm(210)) < Mm(0.5)
        assert abs(section.page_height - Mm(297)) < Mm(0.5)
        # Word stores margins in twips: allow the rounding of one twip (635 EMU).
        assert Mm(20) - 635 <= section.top_margin <= Mm(25) + 635
        assert Mm(20) - 635 <= section.bottom_margin <= Mm(25) + 635
        assert Mm(30) - 635 <= section.left_margin <= Mm(35) + 635
        assert Mm(15) - 635 <= section.right_margin <= Mm(20) + 635
        # Page numbers in the header, centred, not on the first page.
        assert section.different_first_page_header_footer
        assert has_page_field(section.header)
        assert not has_page_field(section.first_page_header)
        numbered = [p for p in section.header.paragraphs if "PAGE" in p._p.xml]
        assert numbered
        assert numbered[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(13 <= r.font.size.pt <= 14 for r in numbered[0].runs)
    # Each annex numbered separately: later sections restart at 1.
    for section in document.sections[1:]:
        numbering = section._sectPr.find(qn("w:pgNumType"))
        assert numbering is not None
        assert numbering.get(qn("w:start")) == "1"

    # Times New Roman throughout, never underlined, black.
    normal = document.styles["Normal"]
    assert normal.font.name == TNR
    for paragraph in iter_all_paragraphs(document):
        for run in paragraph.runs:
            assert run.font.name == TNR, run.text
            fonts = run._r.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:cs")) == TNR
            assert fonts.get(qn("w:eastAsia")) == TNR
            assert not run.font.underline, run.text
            if run.font.color.rgb is not None:
                assert str(run.font.color.rgb) == "000000"

    # The header: a borderless two-column table.
    header = document.tables[0]
    assert borderless(header)
    assert len(header.columns) == 2
    left, right = header.rows[0].cells
    left_box = left.width
    right_box = right.width
    lefts = [p for p in left.paragraphs if p.text.strip() or has_rule(p)]
    body_index = 0
    if len(lefts) >= 2 and not all_(lefts[0], "bold"):  # a governing body above
        assert lefts[0].text == lefts[0].text.upper()
        assert 12 <= size_of(lefts[0]) <= 13
        body_index = 1
    body = lefts[body_index]
    assert body.text == body.text.upper()
    assert all_(body, "bold")
    assert 12 <= size_of(body) <= 13
    assert body.alignment == WD_ALIGN_PARAGRAPH.CENTER
    mark = lefts[body_index + 1]
    if issuer_type in {"party", "youth"}:
        assert mark.text.strip() in {"*", "***"}
    else:
        assert has_rule(mark)
        assert not mark.text.strip()
        box_pt = left_box / EMU_PER_PT
        text_pt = longest_line_pt(body.text, size_of(body), box_pt, bold=True)
        ratio = rule_width_pt(mark, left_box) / text_pt
        assert 1 / 3 <= ratio <= 1 / 2, ratio
    number = lefts[body_index + 2]
    assert number.text.startswith("Số")
    assert size_of(number) == 13
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER

    rights = [p for p in right.paragraphs if p.text.strip() or has_rule(p)]
    title = rights[0]
    expected_title = {
        "party": "ĐẢNG CỘNG SẢN VIỆT NAM",
        "youth": "ĐOÀN TNCS HỒ CHÍ MINH",
    }.get(issuer_type, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.text == expected_title
    assert all_(title, "bold")
    assert 12 <= size_of(title) <= 13
    if issuer_type in {"party", "youth"}:
        date = rights[2]
    else:
        motto = rights[1]
        assert motto.text == "Độc lập - Tự do - Hạnh phúc"
        assert all_(motto, "bold")
        assert 13 <= size_of(motto) <= 14
        rule = rights[2]
        assert has_rule(rule)
        assert not rule.text.strip()
        own = width_pt(motto.text, size_of(motto), bold=True)
        assert abs(rule_width_pt(rule, right_box) - own) <= 1.0
        date = rights[3]
    assert all_(date, "italic")
    assert 13 <= size_of(date) <= 14
    match = DATE_LINE.match(date.text)
    assert match, date.text
    day, month = match["d"], match["m"]
    assert len(day) == 2
    assert len(month) == (2 if int(month) <= 2 else len(str(int(month))))

    # BÁO CÁO and the summary, with a short rule.
    paragraphs = document.paragraphs
    kind_at = next(i for i, p in enumerate(paragraphs) if p.text == "BÁO CÁO")
    kind, summary, summary_rule = paragraphs[kind_at : kind_at + 3]
    assert all_(kind, "bold")
    assert 13 <= size_of(kind) <= 14
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all_(summary, "bold")
    assert 13 <= size_of(summary) <= 14
    assert has_rule(summary_rule)
    assert not summary_rule.text.strip()
    section = document.sections[0]
    text_box = section.page_width - section.left_margin - section.right_margin
    summary_pt = longest_line_pt(summary.text, size_of(summary), text_box / EMU_PER_PT, bold=True)
    ratio = rule_width_pt(summary_rule, text_box) / summary_pt
    assert 1 / 3 <= ratio <= 1 / 2, ratio

    # Body paragraphs: 13–14 pt, justified, indent 1–1.27 cm, ≥ 6 pt apart, 1–1.5 lines.
    body_paragraphs = [p for p in paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY]
    assert len(body_paragraphs) >= 5
    for paragraph in body_paragraphs:
        fmt = paragraph.paragraph_format
        assert 13 <= size_of(paragraph) <= 14, paragraph.text
        assert Cm(1) - 100 <= fmt.first_line_indent <= Cm(1.27) + 100
        assert max(fmt.space_after or 0, fmt.space_before or 0) >= Pt(6)
        assert 1 <= fmt.line_spacing <= 1.5
    # Everything else outside tables is a centred line (title, rules, annex heading).
    for paragraph in paragraphs:
        if paragraph.text.strip() and paragraph not in body_paragraphs:
            assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER, paragraph.text

    # The signature block: Nơi nhận on the left, the signer on the right.
    signature = document.tables[1]
    assert borderless(signature)
    left, right = signature.rows[0].cells
    lines = [p for p in left.paragraphs if p.text.strip()]
    assert lines[0].text == "Nơi nhận:"
    assert all_(lines[0], "bold")
    assert all_(lines[0], "italic")
    assert size_of(lines[0]) == 12
    assert lines[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    for line in lines[1:]:
        assert size_of(line) == 11
        assert not all_(line, "bold")
        assert not all_(line, "italic")
        assert line.text.startswith("- ")
    assert lines[-1].text.startswith("- Lưu: VT")
    signer = [p for p in right.paragraphs if p.text.strip()]
    for line in signer:
        assert all_(line, "bold")
        assert 13 <= size_of(line) <= 14
        assert line.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for line in signer[:-1]:  # authority and position in capitals
        assert line.text == line.text.upper()
    # Room for the signature and seal between the position and the name.
    elements = [p._p for p in right.paragraphs]
    gap = elements.index(signer[-1]._p) - elements.index(signer[-2]._p) - 1
    assert gap >= 3

    return Found(
        issuing_body=body.text,
        number_line=number.text,
        right_title=title.text,
        date_line=date.text,
        recipients=[line.text for line in lines[1:]],
        signer_lines=[line.text for line in signer],
        body_paragraphs=[p.text for p in body_paragraphs],
    )


def annex_rows(data: bytes) -> list[list[str]]:
    """The annex table (STT | Nội dung | ĐVT | Chỉ tiêu | Kết quả | Tỷ lệ % | Ghi chú)."""
    document = Document(io.BytesIO(data))
    table = document.tables[2]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Nội dung", "ĐVT", "Chỉ tiêu", "Kết quả", "Tỷ lệ %", "Ghi chú"]
    return rows[1:]
