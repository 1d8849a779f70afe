"""Hostile text in the documents stays inert text.

Every user text field that reaches the review report (.docx, its PDF made by LibreOffice,
the annex .xlsx) and the program .docx is given HTML, a script, a spreadsheet formula
and Word field-code markup, each with its own tag. Then:

- .docx: each value is there, literally, as the text of runs (upper-cased where the
  format says so); the only field code is the page number the report puts there itself;
  no hyperlink, no element that the text could have smuggled in.
- PDF: each tag is in the text; no link, no action, no JavaScript.
- .xlsx: each value that is a cell is that very text in a text cell; the only formulas
  are the annex's own totals and ratios.

The values are written straight into the rows (past any form's checks): what is tested
is the rendering, whatever got stored.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import load_workbook

from phoihop.activities.tests import factories as f
from phoihop.reviews import report

pytestmark = pytest.mark.django_db

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def hostile(tag: str) -> str:
    """HTML and script, a spreadsheet formula and Word markup, around `tag`."""
    return (
        f'=HYPERLINK("http://evil.example/{tag}","{tag}")'
        f'<script>alert("{tag}")</script><img src=x onerror=alert(1)>'
        f'</w:t></w:r><w:fldSimple w:instr="HYPERLINK http://evil.example"/>'
        f"{{ PAGE }} @SUM(1+1) javascript:alert(1) ]]> &amp; {tag}"
    )


class Hostile:
    """Values for the fields, each with a tag of its own, cut to the column's length."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def put(self, obj, *fields: str) -> None:
        changes = {}
        for name in fields:
            tag = f"ZQ{len(self.values) + 1:02d}Z"
            limit = type(obj)._meta.get_field(name).max_length
            value = hostile(tag)[:limit] if limit else hostile(tag)
            self.values[f"{type(obj).__name__}.{name}#{obj.pk}"] = value
            changes[name] = value
            setattr(obj, name, value)
        type(obj)._base_manager.filter(pk=obj.pk).update(**changes)

    def tag(self, key: str) -> str:
        return re.search(r"ZQ\d\dZ", self.values[key]).group(0)


# -- reading the files ----------------------------------------------------------------------


def _docx_parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", name)
        } | {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".rels")
        }


def _paragraph_texts(parts: dict[str, etree._Element]) -> list[str]:
    texts = []
    for name, root in parts.items():
        if name.endswith(".rels"):
            continue
        for paragraph in root.iter(f"{{{W}}}p"):
            texts.append("".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t")))
    return texts


def assert_docx_inert(data: bytes, values: dict[str, str], *, must_reach: set[str]) -> None:
    parts = _docx_parts(data)
    texts = "\n".join(_paragraph_texts(parts))
    missing = [
        key for key in must_reach if values[key] not in texts and values[key].upper() not in texts
    ]
    assert missing == [], missing
    for name, root in parts.items():
        if name.endswith(".rels"):
            kinds = {rel.get("Type") for rel in root}
            assert R_HYPERLINK not in kinds, name
            continue
        local = {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
        assert "hyperlink" not in local, name
        assert "fldSimple" not in local, name
        assert "script" not in local, name
        instructions = {(e.text or "").strip() for e in root.iter(f"{{{W}}}instrText")}
        assert instructions <= {"PAGE"}, (name, instructions)


def assert_xlsx_inert(data: bytes, cells: dict[str, str], *, formulas: re.Pattern) -> None:
    book = load_workbook(io.BytesIO(data))
    found: dict[str, str] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert formulas.fullmatch(str(cell.value)), (sheet.title, cell.coordinate)
                elif isinstance(cell.value, str):
                    found[cell.value] = cell.data_type
    for key, value in cells.items():
        assert found.get(value) == "s" or found.get(value.upper()) == "s", (key, value)


def assert_pdf_inert(data: bytes, tags: list[str]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))
    assert [tag for tag in tags if tag not in text] == []
    root = reader.trailer["/Root"]
    # LibreOffice opens on page 1 (a destination array); an action would be a dictionary.
    opening = root.get("/OpenAction")
    assert opening is None or isinstance(opening.get_object(), list), opening
    assert "/AA" not in root
    assert "/JavaScript" not in (root.get("/Names") or {})
    for page in reader.pages:
        assert "/AA" not in page
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            assert annotation.get("/Subtype") != "/Link", annotation
            assert "/A" not in annotation, annotation
    raw = data.replace(b" ", b"")
    for marker in (b"/JavaScript", b"/JS", b"/URI", b"/Launch", b"/SubmitForm"):
        assert marker not in raw, marker


# -- the review report -----------------------------------------------------------------------


@pytest.fixture
def s(world):
    return f.setup(world)


def _hostile_review(s) -> tuple[object, Hostile]:
    from phoihop.programs.models import Target
    from phoihop.reviews import services
    from phoihop.reviews.choices import (
        CommendationForm,
        IssuerType,
        RecipientKind,
        ReviewKind,
        SectionKey,
    )

    Target.objects.create(indicator=s.sessions, value=Decimal(10))
    f.approved(s, values={s.sessions: Decimal(4)})
    f.approved(
        s,
        actor=s.user("focal_b"),
        organization=s.world.org_b,
        content=s.other_content,
        title="Xây nhà đại đoàn kết",
        participants={s.people: 12},
        values={s.other_indicator: Decimal(5)},
        funding={"own": 50_000_000},
    )
    actor = s.user("secretariat")
    review = services.review_create(
        actor=actor,
        program=s.program,
        kind=ReviewKind.YEAR,
        title="Sơ kết",
        period_start=s.program.period_start,
        period_end=s.program.period_end,
    )
    review = services.review_update(
        actor=actor,
        review=review,
        data={"issuer_type": IssuerType.STATE, "recipients": "Thường trực Tỉnh ủy"},
    )
    for key in SectionKey:
        services.section_set(actor=actor, review=review, key=key, text=f"Mục {key}.")
    direction = services.direction_add(actor=actor, review=review, text="Phương hướng")
    proposal = services.commendation_propose(
        actor=actor,
        review=review,
        recipient_kind=RecipientKind.COLLECTIVE,
        form=CommendationForm.CERTIFICATE,
        issuer="Ban Chỉ đạo tỉnh",
        reason="Thành tích",
        organization=s.world.org_b,
    )
    services.commendation_approve(actor=actor, commendation=proposal)

    bad = Hostile()
    review.refresh_from_db()
    bad.put(
        review,
        "title",
        "issuing_body",
        "parent_body",
        "number",
        "place_name",
        "signer_authority",
        "signer_position",
        "signer_rank",
        "signer_name",
        "recipients",
    )
    for section in review.sections.all():
        bad.put(section, "text")
    bad.put(direction, "text")
    proposal.refresh_from_db()
    bad.put(proposal, "issuer", "recipient_name", "reason")
    bad.put(s.program, "number")
    for content in (s.content, s.other_content):
        bad.put(content, "title")
    for indicator in (s.sessions, s.other_indicator):
        bad.put(indicator, "name")
    for org in (s.world.org_a, s.world.org_b):
        bad.put(org, "name")
    review.refresh_from_db()
    return review, bad


# Fields shown in the report body or header (the rest reach the annex only, or nothing).
IN_REPORT = {
    "ReviewPeriod.title",
    "ReviewPeriod.issuing_body",
    "ReviewPeriod.parent_body",
    "ReviewPeriod.number",
    "ReviewPeriod.place_name",
    "ReviewPeriod.signer_authority",
    "ReviewPeriod.signer_position",
    "ReviewPeriod.signer_rank",
    "ReviewPeriod.signer_name",
    "ReviewPeriod.recipients",
    "ReviewSection.text",
    "Direction.text",
    "Commendation.issuer",
    "Commendation.recipient_name",
    "Commendation.reason",
    "Program.number",
}


def test_review_report_docx_pdf_and_annex_keep_hostile_text_inert(s):
    from phoihop.reviews.documents.pdf import soffice_path

    review, bad = _hostile_review(s)
    docx, __, __ = report.render(review, "docx")
    must = {k for k in bad.values if k.partition("#")[0] in IN_REPORT}
    # The annex table in the .docx lists contents and indicators; the workbook also has
    # a sheet per organization.
    in_table = {k for k in _annex_keys(bad) if not k.startswith("Organization.")}
    assert_docx_inert(docx, bad.values, must_reach=must | in_table)

    xlsx, __, __ = report.render(review, "xlsx")
    assert_xlsx_inert(
        xlsx,
        {k: v for k, v in bad.values.items() if k in _annex_keys(bad)},
        formulas=re.compile(r"=(SUM\([A-Z]+\d+:[A-Z]+\d+\)|ROUND\([A-Z]+\d+/[A-Z]+\d+\*100,1\))"),
    )

    if soffice_path() is None:
        pytest.skip("LibreOffice (libreoffice-writer-nogui) is not installed")
    pdf, __, __ = report.render(review, "pdf")
    assert_pdf_inert(pdf, [bad.tag(k) for k in sorted(must)])


def _annex_keys(bad: Hostile) -> set[str]:
    """Names of contents, indicators and organizations: the annex table and workbook."""
    return {
        k for k in bad.values if k.startswith(("ProgramContent.", "Indicator.", "Organization."))
    }


# -- the program document --------------------------------------------------------------------


def test_program_docx_keeps_hostile_text_inert(world, client_for):
    from django.urls import reverse
    from django.utils import timezone

    from phoihop.programs import services
    from phoihop.programs.models import Target
    from phoihop.programs.tests.factories import make_program

    program = make_program(world, year=2024)
    bad = Hostile()
    bad.put(program, "title", "number")
    for party in program.parties.all():
        bad.put(party, "name_as_signed")
    for content in program.contents.all():
        bad.put(content, "title", "description")
        for indicator in content.indicators.all():
            bad.put(indicator, "name")
    for law in program.legal_basis.all():
        bad.put(law, "number", "issuer", "title")
    bad.put(world.org_a, "abbreviation")
    services.program_send_for_signing(actor=world.user("secretariat"), program=program)
    signature = services.program_sign(
        actor=world.user("secretariat"),
        party=program.parties.order_by("order", "id").first(),
        signer_name="Nguyễn Văn An",
        signer_title="Chủ tịch",
        signed_at=timezone.now(),
    )
    bad.put(signature, "signer_name", "signer_title")
    assert Target.objects.filter(indicator__content__program=program).exists()

    response = client_for("secretariat").get(reverse("programs:document", args=[program.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert_docx_inert(content, bad.values, must_reach=set(bad.values))


# -- the figures' spreadsheet exports ---------------------------------------------------------


def test_figures_exports_keep_hostile_text_inert(s, client_for):
    """The program's and the review's figures as .xlsx and .csv (phoihop.exports)."""
    import csv

    from django.urls import reverse

    review, bad = _hostile_review(s)
    names = {k: v for k, v in bad.values.items() if k in _annex_keys(bad)}
    client = client_for("secretariat")
    for url in (
        reverse("exports:program_breakdown", args=[s.program.pk, "xlsx"]),
        reverse("exports:review_breakdown", args=[review.pk, "xlsx"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_xlsx_inert(response.content, names, formulas=re.compile(r"(?!)"))
    by = "content,organization"
    response = client.get(
        reverse("exports:program_breakdown", args=[s.program.pk, "csv"]), {"by": by}
    )
    assert response.status_code == 200
    cells = {
        c
        for row in csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")))
        for c in row
    }
    dangerous = sorted(c for c in cells if c[:1] in ("=", "+", "-", "@"))
    assert dangerous == [], dangerous[:3]
