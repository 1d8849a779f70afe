"""The report's content, free of layout: what `word`, `pdf` and `annex` render.

Built from a review by `phoihop.reviews.report`; kept as plain data so the format rules
can be tested on any content, and so the CLI and the pages render the same thing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from phoihop.reviews.choices import IssuerType

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
YOUTH_TITLE = "ĐOÀN TNCS HỒ CHÍ MINH"


@dataclass(frozen=True)
class Header:
    issuer_type: str
    issuing_body: str
    number: str
    place: str
    date: datetime.date | None
    parent_body: str = ""

    @property
    def right_title(self) -> str:
        """The line at the top right: the national title, or the Party's or the Youth
        Union's name (they put no motto under it)."""
        if self.issuer_type == IssuerType.PARTY:
            return PARTY_TITLE
        if self.issuer_type == IssuerType.YOUTH:
            return YOUTH_TITLE
        return NATIONAL_TITLE

    @property
    def motto(self) -> str:
        return "" if self.issuer_type in {IssuerType.PARTY, IssuerType.YOUTH} else NATIONAL_MOTTO

    @property
    def mark_under_body(self) -> str:
        """Party and Youth Union documents put a star mark under the issuing body instead
        of a rule (Hướng dẫn 36-HD/VPTW; Hướng dẫn 29-HD/TWĐTN-VP)."""
        if self.issuer_type == IssuerType.PARTY:
            return "*"
        if self.issuer_type == IssuerType.YOUTH:
            return "***"
        return ""

    @property
    def number_line(self) -> str:
        number = self.number or "     /BC-"
        if self.issuer_type == IssuerType.PARTY:
            return f"Số {number}"
        return f"Số: {number}"

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.date)


def date_line(place: str, day: datetime.date | None) -> str:
    """ "Hòa Bình, ngày 05 tháng 02 năm 2023": a leading zero for days under 10 and for
    January and February (Decree 30/2020, Phụ lục I); blanks left to fill by hand when the
    date is not set yet."""
    where = place or "……"
    if day is None:
        return f"{where}, ngày     tháng     năm 20  "
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{where}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class Signer:
    authority: str  # "TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN" (may be empty)
    position: str  # "TRƯỞNG BAN"
    name: str
    rank: str = ""  # armed forces: shown before the name

    @property
    def display_name(self) -> str:
        return f"{self.rank} {self.name}".strip() if self.rank else self.name


@dataclass(frozen=True)
class Block:
    """A piece of the body: a heading of level 1 (I., II.), 2 (1., 2.), 3 (a), b)) or a
    paragraph."""

    kind: str  # "h1" | "h2" | "h3" | "p"
    text: str


@dataclass(frozen=True)
class AnnexRow:
    number: str  # STT: "I", "1", "1.1", …
    content: str
    unit: str = ""
    target: Decimal | None = None
    result: Decimal | None = None
    percent: Decimal | None = None
    note: str = ""
    is_group: bool = False  # a content heading row (bold, no figures)


@dataclass(frozen=True)
class AnnexSheet:
    """One breakdown for the annex workbook: a title, headers and rows of cells; numeric
    columns listed in `total_columns` get a total row."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    total_columns: tuple[int, ...] = ()  # 0-based columns summed in a total row
    # 0-based column -> (numerator column, denominator column): a percentage formula.
    ratio_columns: tuple[tuple[int, int, int], ...] = ()
    widths: tuple[int, ...] = ()


@dataclass
class ReportDocument:
    header: Header
    summary: str  # trích yếu, under BÁO CÁO
    blocks: list[Block]
    signer: Signer
    recipients: list[str]
    records_unit: str  # for "- Lưu: VT, <unit>."
    basis: list[str] = field(default_factory=list)  # căn cứ lines (italic)
    doc_type: str = "BÁO CÁO"
    annex_title: str = ""
    annex_rows: list[AnnexRow] = field(default_factory=list)
    annex_sheets: list[AnnexSheet] = field(default_factory=list)

    @property
    def annex_reference(self) -> str:
        day = self.header.date
        when = f" ngày {day:%d/%m/%Y}" if day else ""
        number = f" số {self.header.number}" if self.header.number else ""
        body = self.header.issuing_body
        return f"(Kèm theo Báo cáo{number}{when} của {body})" if body else "(Kèm theo Báo cáo)"
