"""From a review to its report: the figures (frozen or live), the narrative, the header
and signature, the annex. The pages, the CLI and the tests all go through here.

- A finalized review renders from its snapshot only (figures_data); a draft reads the
  figures live.
- Each section's text is the secretariat's edited text when there is one, else the
  draft from the figures (narrative.draft).
- Header and signer: the review's fields, with defaults from the committee (its name,
  its province, its head) so a draft renders before anyone fills them in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from phoihop.core import clock
from phoihop.core.models import Abbreviation
from phoihop.orgs.choices import Position
from phoihop.orgs.models import CommitteePosition
from phoihop.programs.choices import Frequency
from phoihop.reviews import figures_data, narrative
from phoihop.reviews.choices import CommendationStatus, IssuerType, SectionKey
from phoihop.reviews.documents.model import (
    AnnexRow,
    AnnexSheet,
    Block,
    Header,
    ReportDocument,
    Signer,
)
from phoihop.reviews.models import ReviewPeriod

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ROMAN: tuple[str, ...] = _ROMAN + tuple(f"X{r}" for r in _ROMAN) + tuple(f"XX{r}" for r in _ROMAN)

FORM_WORDS = {"praise": "Biểu dương", "certificate": "Giấy khen", "merit": "Bằng khen"}
RECIPIENT_WORDS = {"collective": "tập thể", "individual": "cá nhân"}


def review_data(review: ReviewPeriod) -> dict[str, Any]:
    """The figures the report states: the snapshot once finalized, else live."""
    if review.snapshot is not None and not review.is_draft:
        return review.snapshot
    return live_data(review)


def live_data(review: ReviewPeriod, *, as_of: datetime.date | None = None) -> dict[str, Any]:
    program = review.program
    if as_of is None:
        as_of = figures_data.as_of_for(program, review.period_end, clock.today())
    return figures_data.collect(
        program, date_from=review.period_start, date_to=review.period_end, as_of=as_of
    )


def context_for(review: ReviewPeriod) -> dict[str, Any]:
    program = review.program
    parties = [str(p) for p in program.parties.select_related("organization").order_by("order")]
    return {
        "period": narrative.period_phrase(review.kind, review.period_start, review.period_end),
        "next_period": narrative.next_period_phrase(
            review.kind, review.period_start, review.period_end
        ),
        "parties": parties,
        "frequency": "hằng tháng" if program.reporting_frequency == Frequency.MONTH else "hằng quý",
        "content_count": program.contents.count(),
    }


def drafted_sections(review: ReviewPeriod, data: dict[str, Any] | None = None) -> dict[str, str]:
    return narrative.draft(context_for(review), data if data is not None else review_data(review))


def _saved(review: ReviewPeriod) -> bool:
    """A review made on the fly (the CLI's --committee form) is not saved and has no
    sections, directions or commendations."""
    return review.pk is not None


def section_texts(review: ReviewPeriod, data: dict[str, Any]) -> dict[str, str]:
    """Edited text where the secretariat wrote one, the draft elsewhere."""
    texts = drafted_sections(review, data)
    for section in review.sections.all() if _saved(review) else ():
        if section.text.strip():
            texts[section.key] = section.text
    return texts


# -- header and signature ------------------------------------------------------------------


def _place(review: ReviewPeriod) -> str:
    if review.place_name:
        return review.place_name
    name = review.committee.province.name
    for prefix in ("Thành phố ", "Tỉnh "):
        name = name.removeprefix(prefix)
    return name.replace("Hoà", "Hòa")


def _head(review: ReviewPeriod) -> CommitteePosition | None:
    day = review.period_end
    return (
        CommitteePosition.objects.filter(
            committee=review.committee, position=Position.HEAD, valid_from__lte=day
        )
        .exclude(valid_to__lt=day)
        .select_related("person")
        .order_by("-valid_from")
        .first()
    )


def header_for(review: ReviewPeriod) -> Header:
    return Header(
        issuer_type=review.issuer_type,
        issuing_body=review.issuing_body or review.committee.name,
        parent_body=review.parent_body,
        number=review.number,
        place=_place(review),
        date=review.document_date or _finalized_day(review),
    )


def _finalized_day(review: ReviewPeriod) -> datetime.date | None:
    """Without a date of its own, a finalized report is dated the day it was finalized;
    a draft leaves the date blank, to fill in when signing."""
    if review.finalized_at is None:
        return None
    return timezone.localdate(review.finalized_at)


def signer_for(review: ReviewPeriod) -> Signer:
    head = _head(review)
    name = review.signer_name or (head.person.full_name if head else "")
    rank = review.signer_rank
    if not review.signer_name and head and review.issuer_type == IssuerType.MILITARY:
        rank = rank or head.person.rank
    return Signer(
        authority=review.signer_authority or "TM. BAN CHỈ ĐẠO",
        position=review.signer_position or "TRƯỞNG BAN",
        name=name,
        rank=rank,
    )


def records_unit(review: ReviewPeriod) -> str:
    symbol = review.number.rpartition("/")[2]
    if "-" in symbol:
        return symbol.split("-", 1)[1]
    return review.committee.short_name.split(" ")[0] if review.committee.short_name else ""


def recipients_for(review: ReviewPeriod) -> list[str]:
    lines = [line.strip() for line in review.recipients.splitlines() if line.strip()]
    if lines:
        return [line for line in lines if not line.startswith(("Lưu", "- Lưu"))]
    parties = review.program.parties.select_related("organization").order_by("order")
    return ["Thường trực Tỉnh ủy", "UBND tỉnh", *(str(p) for p in parties)]


# -- the body ------------------------------------------------------------------------------


def _text_blocks(text: str) -> list[Block]:
    blocks = []
    for line in text.splitlines():
        line = line.strip()  # noqa: PLW2901
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(Block("h3", line[3:].strip()))
        else:
            blocks.append(Block("p", line))
    return blocks


def commendation_lines(review: ReviewPeriod) -> list[str]:
    if not _saved(review):
        return []
    approved = review.commendations.filter(status=CommendationStatus.APPROVED).order_by(
        "form", "issuer", "recipient_kind", "id"
    )
    lines = []
    for item in approved:
        lines.append(
            f"- {FORM_WORDS.get(item.form, item.form)} của {item.issuer} cho "
            f"{RECIPIENT_WORDS.get(item.recipient_kind, '')} {item.recipient_name}: "
            f"{item.reason.rstrip('.')}."
        )
    return lines


def body_blocks(review: ReviewPeriod, data: dict[str, Any]) -> list[Block]:
    texts = section_texts(review, data)
    next_period = narrative.next_period_phrase(review.kind, review.period_start, review.period_end)
    blocks: list[Block] = [Block("h1", "I. Đặc điểm tình hình")]
    blocks += _text_blocks(texts[SectionKey.SITUATION])
    blocks.append(Block("h1", "II. Kết quả thực hiện"))
    blocks.append(Block("h2", "1. Công tác lãnh đạo, chỉ đạo, tổ chức thực hiện"))
    blocks += _text_blocks(texts[SectionKey.LEADERSHIP])
    blocks.append(Block("h2", "2. Kết quả thực hiện các nội dung phối hợp"))
    blocks += _text_blocks(texts[SectionKey.RESULTS])
    blocks.append(Block("h2", "3. Đánh giá chung"))
    blocks.append(Block("h3", "a) Ưu điểm"))
    blocks += _text_blocks(texts[SectionKey.STRENGTHS])
    blocks.append(Block("h3", "b) Hạn chế, tồn tại"))
    blocks += _text_blocks(texts[SectionKey.LIMITS])
    blocks.append(Block("h3", "c) Nguyên nhân"))
    blocks += _text_blocks(texts[SectionKey.CAUSES])
    blocks.append(Block("h2", "4. Bài học kinh nghiệm"))
    blocks += _text_blocks(texts[SectionKey.LESSONS])
    blocks.append(Block("h1", f"III. Phương hướng, nhiệm vụ {next_period}"))
    blocks += _text_blocks(texts[SectionKey.DIRECTIONS])
    if _saved(review):
        blocks += [Block("p", f"- {d.text}") for d in review.directions.all()]
    blocks.append(Block("h1", "IV. Đề xuất, kiến nghị"))
    blocks += _text_blocks(texts[SectionKey.PROPOSALS])
    commendations = commendation_lines(review)
    if commendations:
        blocks.append(Block("p", "Đề nghị khen thưởng các tập thể, cá nhân sau:"))
        blocks += [Block("p", line) for line in commendations]
    glossary = dict(Abbreviation.objects.values_list("short", "expansion"))
    spelled = narrative.spell_out([b.text for b in blocks], glossary)
    return [Block(b.kind, text) for b, text in zip(blocks, spelled, strict=True)]


# -- the annex -----------------------------------------------------------------------------


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def annex_rows(data: dict[str, Any]) -> list[AnnexRow]:
    """STT | Nội dung | ĐVT | Chỉ tiêu | Kết quả | Tỷ lệ % | Ghi chú, grouped by content."""
    rows: list[AnnexRow] = []
    groups: dict[int, list[dict[str, Any]]] = {}
    titles: dict[int, tuple[int, str]] = {}
    for line in data["indicators"]:
        groups.setdefault(line["content_id"], []).append(line)
        titles[line["content_id"]] = (line["content_order"], line["content_title"])
    for index, (content_id, _) in enumerate(
        sorted(titles.items(), key=lambda item: (item[1][0], item[0]))
    ):
        rows.append(AnnexRow(ROMAN[index], titles[content_id][1], is_group=True))
        for number, line in enumerate(groups[content_id], start=1):
            note = ""
            if line["target"] is None:
                note = "Không giao chỉ tiêu"
            elif line["result"] is None:
                note = "Chưa có số liệu"
            rows.append(
                AnnexRow(
                    str(number),
                    line["name"],
                    line["unit"],
                    _dec(line["target"]),
                    _dec(line["result"]),
                    _dec(line["achievement"]),
                    note,
                )
            )
    return rows


def annex_sheets(review: ReviewPeriod, data: dict[str, Any]) -> list[AnnexSheet]:
    summary = tuple(
        (
            row.number,
            row.content,
            row.unit,
            row.target,
            row.result,
            None,  # a formula: Kết quả ÷ Chỉ tiêu × 100
            row.note,
        )
        for row in annex_rows(data)
    )
    sheets = [
        AnnexSheet(
            key="indicators",
            title="Kết quả thực hiện các chỉ tiêu",
            headers=("STT", "Nội dung", "ĐVT", "Chỉ tiêu", "Kết quả", "Tỷ lệ %", "Ghi chú"),
            rows=summary,
            ratio_columns=((5, 4, 3),),
            widths=(7, 48, 12, 12, 12, 10, 20),
        ),
        AnnexSheet(
            key="contents",
            title="Kết quả theo nội dung phối hợp",
            headers=("STT", "Nội dung", "Số hoạt động", "Lượt người tham gia", "Kinh phí (đồng)"),
            rows=tuple(
                (i, c["title"], c["activities"] or 0, c["participants"], c["funding"] or 0)
                for i, c in enumerate(data["contents"], start=1)
            ),
            total_columns=(2, 3, 4),
            widths=(7, 55, 14, 18, 18),
        ),
        AnnexSheet(
            key="organizations",
            title="Kết quả theo cơ quan, tổ chức",
            headers=(
                "STT",
                "Cơ quan, tổ chức",
                "Số hoạt động",
                "Lượt người tham gia",
                "Báo cáo phải gửi",
                "Đã gửi",
                "Đúng hạn",
                "Tỷ lệ gửi %",
            ),
            rows=tuple(
                (
                    i,
                    o["name"],
                    o["activities"] or 0,
                    o["participants"],
                    o["expected"],
                    o["received"],
                    o["on_time"],
                    None,
                )
                for i, o in enumerate(data["organizations"], start=1)
            ),
            ratio_columns=((7, 5, 4),),
            widths=(7, 45, 14, 18, 14, 10, 10, 12),
        ),
        AnnexSheet(
            key="districts",
            title="Kết quả theo địa bàn",
            headers=("STT", "Địa bàn", "Số hoạt động", "Lượt người tham gia", "Kinh phí (đồng)"),
            rows=tuple(
                (
                    i,
                    d["name"] or "Cấp tỉnh / không ghi địa bàn",
                    d["activities"] or 0,
                    d["participants"],
                    d["funding"] or 0,
                )
                for i, d in enumerate(data["districts"], start=1)
            ),
            total_columns=(2, 3, 4),
            widths=(7, 45, 14, 18, 18),
        ),
        AnnexSheet(
            key="areas",
            title="Hoạt động tại vùng khó khăn",
            headers=(
                "STT",
                "Loại địa bàn",
                "Số hoạt động",
                "Lượt người tham gia",
                "Tỷ lệ hoạt động %",
            ),
            rows=tuple(
                (
                    i,
                    k["label"],
                    k["activities"] or 0,
                    k["participants"],
                    _dec(k["activities_share"]),
                )
                for i, k in enumerate(data["areas"]["kinds"], start=1)
            ),
            widths=(7, 45, 14, 18, 16),
        ),
    ]
    commendations = (
        list(review.commendations.filter(status=CommendationStatus.APPROVED))
        if _saved(review)
        else []
    )
    sheets.append(
        AnnexSheet(
            key="commendations",
            title="Danh sách đề nghị khen thưởng",
            headers=("STT", "Tập thể, cá nhân", "Hình thức", "Cấp khen", "Thành tích"),
            rows=tuple(
                (
                    i,
                    c.recipient_name,
                    FORM_WORDS.get(c.form, c.form),
                    c.issuer,
                    c.reason,
                )
                for i, c in enumerate(commendations, start=1)
            ),
            widths=(7, 40, 14, 30, 60),
        )
    )
    return sheets


# -- the whole ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    document: ReportDocument
    data: dict[str, Any]


def build(review: ReviewPeriod) -> Built:
    data = review_data(review)
    program = review.program
    period = narrative.period_phrase(review.kind, review.period_start, review.period_end)
    basis = []
    if program.number or program.signed_on:
        number = f" số {program.number}" if program.number else ""
        signed = f" ngày {program.signed_on:%d/%m/%Y}" if program.signed_on else ""
        basis.append(f"Căn cứ Chương trình phối hợp hoạt động{number}{signed},")
    opening = Block(
        "p",
        f"{review.issuing_body or review.committee.name} báo cáo kết quả thực hiện "
        f"Chương trình {period} như sau:",
    )
    document = ReportDocument(
        header=header_for(review),
        summary=review.title,
        basis=basis,
        blocks=[opening, *body_blocks(review, data)],
        signer=signer_for(review),
        recipients=recipients_for(review),
        records_unit=records_unit(review),
        annex_title=f"Biểu tổng hợp kết quả thực hiện Chương trình phối hợp hoạt động {period}",
        annex_rows=annex_rows(data),
        annex_sheets=annex_sheets(review, data),
    )
    return Built(document=document, data=data)


FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(review: ReviewPeriod, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, file name, content type) of the report in `fmt` (docx, xlsx or pdf).
    The PDF is LibreOffice's conversion of the .docx (documents.pdf); it raises
    documents.pdf.PdfError with a message for the user when it cannot."""
    from phoihop.reviews.documents.annex import build_xlsx
    from phoihop.reviews.documents.pdf import docx_to_pdf
    from phoihop.reviews.documents.word import build_docx

    if fmt not in FORMATS:
        raise ValueError(f"Unknown format: {fmt}")
    built = build(review)
    name = f"bao-cao-so-ket-{review.period_start:%Y%m%d}-{review.period_end:%Y%m%d}"
    if fmt == "xlsx":
        heading = built.document.annex_reference
        return (
            build_xlsx(built.document.annex_sheets, heading=heading),
            f"{name}-phu-luc.xlsx",
            FORMATS[fmt],
        )
    docx = build_docx(built.document)
    if fmt == "docx":
        return docx, f"{name}.docx", FORMATS[fmt]
    return docx_to_pdf(docx), f"{name}.pdf", FORMATS[fmt]
