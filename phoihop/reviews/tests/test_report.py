"""The report of a review: its figures equal an independent computation from the raw
rows, the .docx and the .xlsx keep every format rule, finalizing freezes the figures,
the narrative is drafted from them and the conference proposes an article."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from phoihop.activities.models import Activity, IndicatorValue, Participation
from phoihop.activities.tests import factories as f
from phoihop.core.models import Abbreviation
from phoihop.programs.models import Target
from phoihop.reviews import report, selectors, services
from phoihop.reviews.choices import (
    CommendationForm,
    IssuerType,
    RecipientKind,
    ReviewKind,
    SectionKey,
)
from phoihop.reviews.documents.annex import build_xlsx
from phoihop.reviews.documents.word import build_docx
from phoihop.reviews.events import register_conference_listener, unregister_conference_listener
from phoihop.reviews.models import ReviewSection

from .decree30 import annex_rows, check_docx

pytestmark = pytest.mark.django_db

START, END = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


@pytest.fixture
def s(world):
    setup = f.setup(world)
    Target.objects.create(indicator=setup.sessions, value=Decimal(10))
    Target.objects.create(indicator=setup.other_indicator, value=Decimal(4))
    Abbreviation.objects.create(short="ĐBKK", expansion="đặc biệt khó khăn", folded="")
    Abbreviation.objects.create(short="QP-AN", expansion="quốc phòng - an ninh", folded="")
    return setup


def reports(s):
    """Three approved reports, one draft and one outside the period's dates."""
    f.approved(s, values={s.sessions: Decimal(4), s.ratio: (Decimal(45), Decimal(60))})
    f.approved(
        s,
        title="Tuyên truyền lần hai",
        start_date=datetime.date(2023, 5, 2),
        end_date=datetime.date(2023, 5, 2),
        values={s.sessions: Decimal(3), s.ratio: (Decimal(10), Decimal(40))},
        participants={s.cadres: 15},
    )
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
    f.report(s, title="Bản nháp không được tính", values={s.sessions: Decimal(100)})


def make_review(s, **fields):
    review = services.review_create(
        actor=s.user("secretariat"),
        program=s.program,
        kind=ReviewKind.YEAR,
        title="Sơ kết thực hiện Chương trình phối hợp hoạt động năm 2023",
        period_start=START,
        period_end=END,
    )
    data = {
        "issuer_type": IssuerType.MILITARY,
        "issuing_body": "Ban Chỉ đạo Chương trình phối hợp hoạt động tỉnh Hòa Bình",
        "number": "05/BC-BCĐ",
        "place_name": "Hòa Bình",
        "document_date": datetime.date(2024, 2, 5),
        "signer_position": "Trưởng ban",
        "signer_rank": "Đại tá",
        "signer_name": "Nguyễn Văn Hùng",
        "recipients": "Thường trực Tỉnh ủy\nBộ Tư lệnh Quân khu 3",
    }
    data.update(fields)
    return services.review_update(actor=s.user("secretariat"), review=review, data=data)


def raw_indicator_results(s) -> dict[str, Decimal]:
    """Σ values of approved, not trashed reports dated in the period, per sum indicator,
    straight from the rows (independent of the figures module)."""
    counted = Activity.objects.filter(
        program=s.program, status="approved", start_date__range=(START, END)
    )
    results: dict[str, Decimal] = {}
    for value in IndicatorValue.objects.filter(activity__in=counted).select_related("indicator"):
        if value.indicator.aggregation == "sum":
            name = value.indicator.name
            results[name] = results.get(name, Decimal(0)) + value.value
    return results


def test_the_report_figures_equal_the_raw_rows_and_the_format_holds(s):
    reports(s)
    review = make_review(s)
    built = report.build(review)
    docx = build_docx(built.document)
    found = check_docx(docx, issuer_type=IssuerType.MILITARY)
    assert found.date_line == "Hòa Bình, ngày 05 tháng 02 năm 2024"
    assert found.signer_lines == ["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Đại tá Nguyễn Văn Hùng"]
    assert found.recipients[-1] == "- Lưu: VT, BCĐ."

    raw = raw_indicator_results(s)
    assert raw == {"Buổi tuyên truyền": Decimal(7), "Nhà đại đoàn kết": Decimal(5)}
    rows = {r[1]: r for r in annex_rows(docx)}
    assert rows["Buổi tuyên truyền"][2:6] == ["buổi", "10", "7", "70"]
    assert rows["Nhà đại đoàn kết"][2:6] == ["căn nhà", "4", "5", "125"]
    # The ratio indicator: Σ numerators ÷ Σ denominators × 100, from the rows.
    assert rows["Tỷ lệ hộ được tuyên truyền"][4] == "55"  # (45 + 10) / (60 + 40)

    counted = Activity.objects.filter(program=s.program, status="approved")
    participants = sum(p.count for p in Participation.objects.filter(activity__in=counted))
    text = "\n".join(found.body_paragraphs)
    assert f"thực hiện {counted.count()} hoạt động phối hợp" in text
    assert f"thu hút {participants} lượt người tham gia" in text
    assert "Buổi tuyên truyền: đạt 7/10 buổi (70% kế hoạch)" in text
    assert "Còn 1 chỉ tiêu chưa đạt kế hoạch: Buổi tuyên truyền (70%)" in text
    # Abbreviations spelled out at their first use only.
    assert text.count("quốc phòng - an ninh (QP-AN)") == 1

    xlsx = build_xlsx(built.document.annex_sheets, heading="x")
    values = load_workbook(io.BytesIO(xlsx), data_only=True)
    formulas = load_workbook(io.BytesIO(xlsx))
    sheet = values["Kết quả thực hiện các chỉ tiêu"]
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=5)}
    assert by_name["Buổi tuyên truyền"][4].value == 7
    assert by_name["Buổi tuyên truyền"][5].value == 70
    contents = values["Kết quả theo nội dung phối hợp"]
    total_row = next(r for r in contents.iter_rows(min_row=5) if r[0].value == "Tổng cộng")
    assert total_row[2].value == counted.count()
    assert total_row[3].value == participants
    assert formulas["Kết quả theo nội dung phối hợp"][total_row[2].coordinate].value.startswith(
        "=SUM("
    )


def test_finalizing_freezes_the_figures_and_shows_what_would_differ(s):
    reports(s)
    review = make_review(s)
    review = services.review_finalize(actor=s.user("secretariat"), review=review)
    assert review.snapshot["total"]["activities"] == 3
    assert selectors.snapshot_intact(review)
    before = build_docx(report.build(review).document)

    f.approved(s, title="Báo cáo muộn", values={s.sessions: Decimal(6)})
    review.refresh_from_db()
    assert report.build(review).data == review.snapshot
    assert annex_rows(build_docx(report.build(review).document)) == annex_rows(before)
    changes = {path: (old, new) for path, old, new in selectors.review_differences(review)}
    assert changes["total.activities"] == (3, 4)
    frozen, now = changes["indicators[Buổi tuyên truyền].result"]
    assert (Decimal(frozen), Decimal(now)) == (7, 13)


def test_drafting_fills_every_section_and_keeps_edited_ones(s):
    reports(s)
    review = make_review(s)
    actor = s.user("secretariat")
    services.section_set(actor=actor, review=review, key=SectionKey.LESSONS, text="Bài học riêng.")
    services.review_draft_sections(actor=actor, review=review)
    sections = {x.key: x.text for x in ReviewSection.objects.filter(review=review)}
    assert set(sections) == {k.value for k in SectionKey}
    assert sections[SectionKey.LESSONS] == "Bài học riêng."
    assert "## 2.1. Tuyên truyền, giáo dục quốc phòng và an ninh" in sections["results"]
    # Deterministic: drafting again gives the same words.
    assert report.drafted_sections(review) == report.drafted_sections(review)
    found = check_docx(build_docx(report.build(review).document), issuer_type="military")
    assert "Bài học riêng." in found.body_paragraphs


def test_suggestions_rank_organizations_and_approved_commendations_enter_the_report(s):
    reports(s)
    review = make_review(s)
    ranked = selectors.commendation_suggestions(review)
    assert [x.name for x in ranked][:2]
    assert ranked == sorted(ranked, key=lambda x: (-x.score, -x.activities, x.name))
    actor = s.user("secretariat")
    proposal = services.commendation_propose(
        actor=actor,
        review=review,
        recipient_kind=RecipientKind.COLLECTIVE,
        form=CommendationForm.CERTIFICATE,
        issuer="Ban Chỉ đạo tỉnh",
        reason=ranked[0].reason,
        organization=s.world.org_b,
    )
    services.commendation_approve(actor=actor, commendation=proposal)
    found = check_docx(build_docx(report.build(review).document), issuer_type="military")
    assert any(
        line.startswith("- Giấy khen của Ban Chỉ đạo tỉnh cho tập thể Hội Chữ thập đỏ")
        for line in found.body_paragraphs
    )


def test_the_conference_proposes_a_draft_article(s):
    reports(s)
    review = make_review(s)
    services.direction_add(
        actor=s.user("secretariat"), review=review, text="Tăng cường tuyên truyền"
    )
    received = []

    def listener(draft, actor):
        received.append((draft, actor))
        return "ok"

    register_conference_listener(listener)
    try:
        conference = services.conference_record(
            actor=s.user("secretariat"),
            review=review,
            date=datetime.date(2024, 1, 12),
            place="Hội trường Bộ CHQS tỉnh",
            chair_name="Nguyễn Văn Hùng",
            chair_title="Phó Bí thư Tỉnh ủy",
        )
    finally:
        unregister_conference_listener(listener)
    draft, actor = received[-1]
    assert actor == s.user("secretariat")
    assert draft.conference_id == conference.pk
    assert draft.title == "Hội nghị sơ kết Chương trình phối hợp hoạt động năm 2023"
    assert draft.lead.startswith("Ngày 12/01/2024, tại Hội trường Bộ CHQS tỉnh,")
    assert "Chủ trì hội nghị: Nguyễn Văn Hùng, Phó Bí thư Tỉnh ủy." in draft.lead
    assert "3 hoạt động phối hợp" in draft.body_html
    assert "<li>Tăng cường tuyên truyền</li>" in draft.body_html


def test_carry_over_lists_directions_and_unmet_targets(s):
    reports(s)
    review = make_review(s)
    services.direction_add(actor=s.user("secretariat"), review=review, text="Giữ vững nền nếp")
    carried = selectors.carry_over(review)
    assert carried.directions == ["Giữ vững nền nếp"]
    assert [u["name"] for u in carried.unmet] == ["Buổi tuyên truyền"]
