"""The news article proposed from a review conference: a title, a lead with the date,
place, organizer and chair, and a body summarizing the results and the directions for
the next period. Deterministic templates in Vietnamese (articles are published in
Vietnamese whatever the page's language); the news app saves it as a draft for an editor.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from phoihop.reviews import narrative
from phoihop.reviews.choices import ReviewKind
from phoihop.reviews.events import ConferenceArticleDraft
from phoihop.reviews.models import ReviewConference
from phoihop.reviews.numbers import vi_number

KIND_WORDS: dict[str, str] = {
    ReviewKind.YEAR: "sơ kết",
    ReviewKind.HALF_YEAR: "sơ kết",
    ReviewKind.PHASE: "tổng kết",
    ReviewKind.CUSTOM: "sơ kết",
}


def article_for(conference: ReviewConference, data: dict[str, Any]) -> ConferenceArticleDraft:
    review = conference.review
    committee = review.committee
    period = narrative.period_phrase(review.kind, review.period_start, review.period_end)
    next_period = narrative.next_period_phrase(review.kind, review.period_start, review.period_end)
    word = KIND_WORDS.get(review.kind, "sơ kết")
    title = f"Hội nghị {word} Chương trình phối hợp hoạt động {period}"
    chair = conference.chair_name
    if conference.chair_title:
        chair = (
            f"{conference.chair_title} {chair}".strip()
            if not chair
            else (f"{chair}, {conference.chair_title}")
        )
    lead = (
        f"Ngày {conference.date:%d/%m/%Y}, tại {conference.place}, {committee.name} tổ chức "
        f"Hội nghị {word} thực hiện Chương trình phối hợp hoạt động {period}"
        + (f". Chủ trì hội nghị: {chair}." if chair else ".")
    )
    total = data["total"]
    paragraphs = [
        (
            f"Trong {period}, các cơ quan, tổ chức thành viên đã thực hiện "
            f"{vi_number(total['activities'] or 0)} hoạt động phối hợp, thu hút "
            f"{vi_number(total['participants'])} lượt người tham gia, tổng kinh phí "
            f"{vi_number(total['funding'] or 0)} đồng."
        ),
    ]
    with_target = [i for i in data["indicators"] if i["target"] is not None]
    if with_target:
        met = len(with_target) - len(narrative.under_target(data))
        paragraphs.append(
            f"Có {met}/{len(with_target)} chỉ tiêu của Chương trình đạt và vượt kế hoạch."
        )
    if data["dbkk"]["reached"]:
        paragraphs.append(
            f"Hoạt động phối hợp đã đến {data['dbkk']['reached']} xã đặc biệt khó khăn."
        )
    if conference.attendees:
        paragraphs.append(f"Tham dự hội nghị có {conference.attendees.rstrip('.')}.")
    directions = [d.text for d in review.directions.all()]
    paragraphs.append(
        f"Hội nghị đã thống nhất phương hướng, nhiệm vụ {next_period}"
        + (":" if directions else ".")
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if directions:
        body += "<ul>" + "".join(f"<li>{escape(d)}</li>" for d in directions) + "</ul>"
    signed = list(conference.programs_signed.all())
    if signed:
        body += "<p>{}</p>".format(
            escape("Tại hội nghị, các bên đã ký kết " + "; ".join(p.title for p in signed) + ".")
        )
    return ConferenceArticleDraft(
        conference_id=conference.pk,
        committee_id=committee.pk,
        title=title,
        lead=lead,
        body_html=body,
    )
