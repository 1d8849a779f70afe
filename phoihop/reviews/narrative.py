"""The report's narrative drafted from the figures: deterministic data-to-text templates
in Vietnamese (no ML), one text per section of the report (DOMAIN.md §2.3).

The same figures always give the same words. The secretariat edits every section before
finalizing; the draft is a starting point that already states the numbers right.
Abbreviations may be used freely here: `spell_out` expands each at its first use in the
document from the core glossary, as official reports do.

Documents are always in Vietnamese, whatever the language of the page, so the templates
are not translated.

Text markup read by the report builder: a line starting with "## " is a sub-heading
(2.1., 2.2., …); every other line is a paragraph.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from phoihop.reviews.choices import ReviewKind, SectionKey
from phoihop.reviews.numbers import vi_number, vi_percent

MAX_LISTED = 10  # names listed before "…"


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def period_phrase(kind: str, start: datetime.date, end: datetime.date) -> str:
    """ "năm 2022", "6 tháng đầu năm 2022", or "từ ngày 01/01/2022 đến ngày 30/9/2022"."""
    if kind == ReviewKind.YEAR and start.year == end.year:
        return f"năm {start.year}"
    if kind == ReviewKind.HALF_YEAR and start.year == end.year:
        return f"6 tháng {'đầu' if end.month <= 6 else 'cuối'} năm {start.year}"
    if kind == ReviewKind.PHASE:
        return f"giai đoạn {start.year}-{end.year}"
    return f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def next_period_phrase(kind: str, start: datetime.date, end: datetime.date) -> str:
    if kind == ReviewKind.HALF_YEAR and end.month <= 6:
        return f"6 tháng cuối năm {end.year}"
    if kind == ReviewKind.PHASE:
        span = end.year - start.year
        return f"giai đoạn {end.year + 1}-{end.year + 1 + span}"
    return f"năm {end.year + 1}"


def _change(now: int | None, before: int | None) -> str:
    """ "tăng 12,5%" / "giảm 3%" / "bằng" compared with the same period last year."""
    if now is None or not before:
        return ""
    delta = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
    if delta == 0:
        return "bằng cùng kỳ"
    word = "tăng" if delta > 0 else "giảm"
    return f"{word} {vi_percent(abs(delta))}"


def _listed(names: list[str]) -> str:
    shown = names[:MAX_LISTED]
    tail = ", …" if len(names) > MAX_LISTED else ""
    return ", ".join(shown) + tail


def _amount(value: str | None, unit: str) -> str:
    number = _d(value)
    if number is None:
        return "chưa có số liệu"
    return f"{vi_number(number)} {unit}".strip() if unit != "%" else f"{vi_number(number)}%"


def _situation(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    program = data["program"]
    signed = _date(program.get("signed_on"))
    number = f" số {program['number']}" if program.get("number") else ""
    when = f" ký ngày {signed:%d/%m/%Y}" if signed else ""
    parties = ctx["parties"]
    between = f" giữa {', '.join(parties)}" if parties else ""
    contents = len(data["contents"]) or ctx["content_count"]
    indicators = len(data["indicators"])
    lines = [
        (
            f"Thực hiện Chương trình PHHĐ{number}{when}{between}, trong {ctx['period']}, "
            "Ban Chỉ đạo và các cơ quan, tổ chức thành viên đã triển khai "
            f"{contents} nội dung phối hợp với {indicators} chỉ tiêu cụ thể."
        ),
        (
            "Tình hình chính trị, KT-XH trên địa bàn tỉnh cơ bản ổn định; QP-AN được giữ vững; "
            "cấp ủy, chính quyền các cấp quan tâm lãnh đạo, chỉ đạo, tạo điều kiện thuận lợi "
            "cho việc thực hiện Chương trình."
        ),
    ]
    dbkk = data["dbkk"]
    if dbkk["communes"]:
        lines.append(
            f"Bên cạnh đó, địa bàn rộng, địa hình chia cắt, toàn tỉnh có {dbkk['communes']} "
            "xã ĐBKK, đời sống một bộ phận nhân dân còn khó khăn, ảnh hưởng đến việc tổ chức "
            "các hoạt động phối hợp."
        )
    return "\n".join(lines)


def _leadership(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    complete = data["completeness"]
    lines = [
        (
            "Ban Chỉ đạo đã chỉ đạo các cơ quan, tổ chức thành viên xây dựng kế hoạch thực "
            "hiện, phân công rõ cơ quan chủ trì, cơ quan phối hợp đối với từng nội dung; duy trì "
            f"chế độ báo cáo định kỳ {ctx['frequency']} và giao ban giữa các bên."
        )
    ]
    if complete["expected"]:
        lines.append(
            f"Trong kỳ, các cơ quan, tổ chức đã gửi {complete['received']}/"
            f"{complete['expected']} báo cáo định kỳ (đạt "
            f"{vi_percent(_d(complete['reporting_rate']))}), trong đó {complete['on_time']} "
            f"báo cáo đúng hạn ({vi_percent(_d(complete['on_time_rate']))})."
        )
    else:
        lines.append("Trong kỳ chưa đến hạn báo cáo định kỳ nào.")
    return "\n".join(lines)


def _results(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    total = data["total"]
    previous = data.get("previous_total")
    first = (
        f"Trong {ctx['period']}, các cơ quan, tổ chức đã thực hiện "
        f"{vi_number(total['activities'] or 0)} hoạt động phối hợp, thu hút "
        f"{vi_number(total['participants'])} lượt người tham gia, tổng kinh phí "
        f"{vi_number(total['funding'] or 0)} đồng"
    )
    if previous and previous.get("activities"):
        first += (
            f"; so với cùng kỳ năm trước, số hoạt động "
            f"{_change(total['activities'], previous['activities'])}, số lượt người tham gia "
            f"{_change(total['participants'], previous['participants']) or 'không so sánh được'}"
        )
    lines = [first + "."]
    by_content: dict[int, list[Mapping[str, Any]]] = {}
    for line in data["indicators"]:
        by_content.setdefault(line["content_id"], []).append(line)
    for index, content in enumerate(data["contents"], start=1):
        lines.append(f"## 2.{index}. {content['title']}")
        sentence = (
            f"Tổ chức {vi_number(content['activities'] or 0)} hoạt động, "
            f"{vi_number(content['participants'])} lượt người tham gia"
        )
        prev = content.get("previous")
        if prev and prev.get("activities") is not None:
            sentence += f" (cùng kỳ năm trước: {vi_number(prev['activities'])} hoạt động)"
        lines.append(sentence + ".")
        for item in by_content.pop(content["id"], []):
            lines.append(_indicator_sentence(item))
    # Contents with indicators but no counted report in the period.
    for items in by_content.values():
        index = len([x for x in lines if x.startswith("## ")]) + 1
        lines.append(f"## 2.{index}. {items[0]['content_title']}")
        lines.append("Chưa có hoạt động được duyệt trong kỳ.")
        lines.extend(_indicator_sentence(item) for item in items)
    return "\n".join(lines)


def _indicator_sentence(item: Mapping[str, Any]) -> str:
    unit = item["unit"]
    result = _amount(item["result"], unit)
    if item["target"] is None:
        text = f"- {item['name']}: {result} (không giao chỉ tiêu)"
    else:
        achieved = vi_percent(_d(item["achievement"]) or Decimal(0))
        if item["result"] is None:
            text = f"- {item['name']}: chưa có số liệu (chỉ tiêu {_amount(item['target'], unit)})"
        else:
            # "đạt 7/10 buổi", "đạt 55%/60%"
            target = _amount(item["target"], unit)
            number = _amount(item["result"], "%").removesuffix("%") if unit != "%" else result
            text = f"- {item['name']}: đạt {number}/{target} ({achieved} kế hoạch)"
    if item.get("previous_result") is not None:
        text += f"; cùng kỳ năm trước: {_amount(item['previous_result'], unit)}"
    return text + "."


def under_target(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        i
        for i in data["indicators"]
        if i["target"] is not None
        and Decimal(i["target"]) > 0
        and (i["achievement"] is None or Decimal(i["achievement"]) < 100)
    ]


def _strengths(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    lines = [
        (
            "Các cơ quan, tổ chức thành viên nhận thức đầy đủ vị trí, ý nghĩa của Chương trình; "
            "phối hợp chặt chẽ, thường xuyên trao đổi thông tin; nhiều hoạt động được tổ chức "
            "thiết thực, hướng về cơ sở."
        )
    ]
    leaders = sorted(
        (o for o in data["organizations"] if o["activities"]),
        key=lambda o: (-o["activities"], -o["participants"], o["name"]),
    )[:3]
    if leaders:
        names = "; ".join(
            f"{o['name']} ({vi_number(o['activities'])} hoạt động, "
            f"{vi_number(o['participants'])} lượt người tham gia)"
            for o in leaders
        )
        lines.append(f"Một số cơ quan, tổ chức tích cực, dẫn đầu về số hoạt động: {names}.")
    with_target = [i for i in data["indicators"] if i["target"] is not None]
    met = [i for i in with_target if i not in under_target(data)]
    if with_target:
        best = sorted(met, key=lambda i: -Decimal(i["achievement"] or 0))[:3]
        text = f"Có {len(met)}/{len(with_target)} chỉ tiêu đạt và vượt kế hoạch"
        if best:
            text += ", nổi bật: " + "; ".join(
                f"{i['name']} ({vi_percent(_d(i['achievement']))})" for i in best
            )
        lines.append(text + ".")
    practices = data["practices"]
    if practices["replicated"]:
        lines.append(
            f"Các mô hình, cách làm hiệu quả tiếp tục được nhân rộng: {practices['replicated']} "
            f"mô hình với {practices['replications']} lượt nhân rộng tại "
            f"{practices['replication_localities']} địa bàn."
        )
    elif practices["total"]:
        lines.append(
            f"Duy trì {practices['total']} mô hình, cách làm hay trong thực hiện Chương trình."
        )
    dbkk = data["dbkk"]
    if dbkk["reached"]:
        lines.append(
            f"Hoạt động phối hợp đã đến {dbkk['reached']}/{dbkk['communes']} xã ĐBKK với "
            f"{vi_number(dbkk['activities'] or 0)} hoạt động, "
            f"{vi_number(dbkk['participants'])} lượt người tham gia."
        )
    return "\n".join(lines)


def _limits(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    lines = []
    below = under_target(data)
    if below:
        listed = "; ".join(
            f"{i['name']} ({vi_percent(_d(i['achievement']) or Decimal(0))})" for i in below
        )
        lines.append(f"Còn {len(below)} chỉ tiêu chưa đạt kế hoạch: {listed}.")
    else:
        lines.append("Các chỉ tiêu được giao cơ bản đạt kế hoạch.")
    missing: dict[str, int] = {}
    for slot in data["completeness"]["missing"]:
        missing[slot["organization_name"]] = missing.get(slot["organization_name"], 0) + 1
    if missing:
        listed = "; ".join(f"{name} (thiếu {n} kỳ)" for name, n in sorted(missing.items()))
        lines.append(f"Một số cơ quan, tổ chức chưa gửi đủ báo cáo định kỳ: {listed}.")
    rate = _d(data["completeness"]["on_time_rate"])
    if rate is not None and rate < 90:
        lines.append(f"Tỷ lệ báo cáo đúng hạn mới đạt {vi_percent(rate)}.")
    not_reached = data["dbkk"]["not_reached"]
    if not_reached:
        lines.append(
            f"Còn {len(not_reached)} xã ĐBKK chưa có hoạt động phối hợp: {_listed(not_reached)}."
        )
    return "\n".join(lines)


def _causes(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    objective = "địa bàn rộng, địa hình chia cắt, giao thông đi lại khó khăn"
    if data["dbkk"]["communes"]:
        objective += ", nhất là tại các xã ĐBKK"
    objective += "; thời tiết diễn biến phức tạp; nguồn kinh phí bảo đảm còn hạn chế."
    subjective = ["một số cơ quan, tổ chức chưa chủ động trong phối hợp"]
    if data["completeness"]["missing"]:
        subjective.append("chế độ báo cáo định kỳ chưa được thực hiện nghiêm")
    if under_target(data):
        subjective.append("việc theo dõi, đôn đốc thực hiện chỉ tiêu có lúc chưa thường xuyên")
    return "\n".join(
        [
            f"- Nguyên nhân khách quan: {objective}",
            f"- Nguyên nhân chủ quan: {'; '.join(subjective)}.",
        ]
    )


def _lessons(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    return "\n".join(
        [
            (
                "- Phải thường xuyên quán triệt, nâng cao nhận thức của cấp ủy, chỉ huy, lãnh đạo "
                "các cơ quan, tổ chức về vị trí, ý nghĩa của công tác phối hợp."
            ),
            (
                "- Xây dựng kế hoạch cụ thể, phân công rõ người, rõ việc, rõ trách nhiệm; lấy cơ "
                "sở làm địa bàn chủ yếu, hướng về vùng sâu, vùng xa, vùng ĐBKK."
            ),
            (
                "- Duy trì nghiêm chế độ giao ban, báo cáo; kịp thời sơ kết, rút kinh nghiệm, "
                "nhân rộng mô hình, cách làm hay."
            ),
            (
                "- Phát huy vai trò nòng cốt của LLVT tỉnh và sức mạnh tổng hợp của các tổ chức "
                "CT-XH, Hội CTĐ trong thực hiện nhiệm vụ chính trị ở địa phương."
            ),
        ]
    )


def _directions(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    lines = [
        (
            f"Trong {ctx['next_period']}, Ban Chỉ đạo và các cơ quan, tổ chức thành viên tiếp "
            "tục thực hiện có hiệu quả các nội dung phối hợp, tập trung vào các nhiệm vụ sau:"
        ),
        (
            "- Đẩy mạnh công tác tuyên truyền, giáo dục chính trị, pháp luật, QP-AN cho cán "
            "bộ, hội viên, đoàn viên và nhân dân."
        ),
        (
            "- Tăng cường hoạt động tại các xã ĐBKK, vùng sâu, vùng xa; nhân rộng các mô hình "
            "hiệu quả."
        ),
        "- Thực hiện nghiêm chế độ báo cáo định kỳ, bảo đảm đầy đủ, đúng hạn.",
    ]
    below = under_target(data)
    if below:
        lines.append(
            "- Tập trung hoàn thành các chỉ tiêu chưa đạt trong kỳ: "
            + "; ".join(i["name"] for i in below)
            + "."
        )
    return "\n".join(lines)


def _proposals(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    return "\n".join(
        [
            (
                "- Đề nghị Thường trực Tỉnh ủy, UBND tỉnh tiếp tục quan tâm lãnh đạo, chỉ đạo và "
                "bố trí kinh phí bảo đảm cho các hoạt động phối hợp."
            ),
            (
                "- Đề nghị các sở, ban, ngành và UBND các huyện, thành phố tạo điều kiện để các "
                "cơ quan, tổ chức thành viên triển khai hoạt động tại cơ sở."
            ),
        ]
    )


DRAFTERS = {
    SectionKey.SITUATION: _situation,
    SectionKey.LEADERSHIP: _leadership,
    SectionKey.RESULTS: _results,
    SectionKey.STRENGTHS: _strengths,
    SectionKey.LIMITS: _limits,
    SectionKey.CAUSES: _causes,
    SectionKey.LESSONS: _lessons,
    SectionKey.DIRECTIONS: _directions,
    SectionKey.PROPOSALS: _proposals,
}


def draft(ctx: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, str]:
    """Every section's drafted text. `ctx`: period, next_period, parties, frequency,
    content_count (see report.context_for)."""
    return {key.value: drafter(ctx, data) for key, drafter in DRAFTERS.items()}


# -- abbreviations ----------------------------------------------------------------------


def spell_out(texts: Iterable[str], glossary: Mapping[str, str]) -> list[str]:
    """Expand each abbreviation at its first use across `texts` (in order) as
    "Expansion (ABBR)"; later uses stay short. One pass with every abbreviation, longest
    first, so "Bộ CHQS" is one use and not also a use of "CHQS". A use inside a word, a
    number or a document symbol ("05-CT/TW") is not one; where the text already spells it
    out ("Ban Chỉ đạo (BCĐ)") it is left as is."""
    result = list(texts)
    if not glossary:
        return result
    shorts = sorted(glossary, key=lambda s: (-len(s), s))
    alternation = "|".join(re.escape(s) for s in shorts)
    pattern = re.compile(rf"(?<![\w/\-.])(?:{alternation})(?![\w/\-])")
    seen: set[str] = set()

    def replace(match: re.Match[str], text: str) -> str:
        short = match.group(0)
        if short in seen:
            return short
        seen.add(short)
        expansion = glossary[short]
        before = text[: match.start()].rstrip()
        if before.endswith("(") and before[:-1].rstrip().endswith(expansion):
            return short
        return f"{expansion} ({short})"

    for index, text in enumerate(result):

        def one(match: re.Match[str], text: str = text) -> str:
            return replace(match, text)

        result[index] = pattern.sub(one, text)
    return result
