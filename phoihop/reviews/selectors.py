"""Reads of reviews for pages, the CLI and the API: permission-narrowed querysets, the
recomputation diff, commendation suggestions and the carry-over to the next program."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from phoihop.core import permissions
from phoihop.programs.models import Indicator, Program
from phoihop.reviews import figures_data, narrative, report
from phoihop.reviews.models import CarriedItem, ReviewPeriod

# Weights of the suggestion score (each part is a percentage, 0–100).
WEIGHTS = {"completeness": Decimal("0.3"), "timeliness": Decimal("0.2"), "targets": Decimal("0.5")}
# Points added for each of the organization's good-practice models replicated in the
# period, up to PRACTICE_BONUS_MAX; the score stays at most 100.
PRACTICE_BONUS = Decimal(5)
PRACTICE_BONUS_MAX = Decimal(10)
SUGGESTED = 5


def reviews_for(user: Any, action: str = permissions.VIEW) -> QuerySet[ReviewPeriod]:
    return (
        ReviewPeriod.objects.restrict(user, action)
        .select_related("program", "committee")
        .order_by("-period_end", "kind", "-id")
    )


def review_detail(user: Any, pk: int, action: str = permissions.VIEW) -> ReviewPeriod:
    """The review, or 404 outside the user's scope (403 for a refused action is the
    view's business through permissions.get_for_action)."""
    return get_object_or_404(reviews_for(user, permissions.VIEW), pk=pk)


def review_differences(review: ReviewPeriod) -> list[tuple[str, Any, Any]]:
    """What a recomputation of a finalized review's figures would change: (where, frozen,
    now), read on the same reference day the snapshot used."""
    if review.snapshot is None:
        return []
    as_of = datetime.date.fromisoformat(review.snapshot["period"]["as_of"])
    fresh = report.live_data(review, as_of=as_of)
    return figures_data.differences(review.snapshot, fresh)


def snapshot_intact(review: ReviewPeriod) -> bool:
    """The stored snapshot still matches its hash."""
    return review.snapshot is not None and (
        figures_data.content_hash(review.snapshot) == review.snapshot_hash
    )


@dataclass(frozen=True)
class Suggestion:
    organization_id: int
    name: str
    score: Decimal
    reporting_rate: Decimal | None
    on_time_rate: Decimal | None
    achievement: Decimal | None
    targets_met: int
    targets: int
    activities: int
    reason: str
    form: str  # CommendationForm value
    replicated_practices: int = 0


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def commendation_suggestions(
    review: ReviewPeriod, data: dict[str, Any] | None = None
) -> list[Suggestion]:
    """Organizations ranked for commendation from the figures: completeness (30 %),
    timeliness (20 %) and target achievement, capped at 100 % per indicator (50 %), plus
    5 points for each of its good-practice models replicated in the period (at most 10,
    the score at most 100). Ties go to the organization with more replicated models,
    then more activities. Reviews frozen before the models were counted score none."""
    data = data if data is not None else report.review_data(review)
    ranked = []
    for org in data["organizations"]:
        reporting = _dec(org["reporting_rate"])
        on_time = _dec(org["on_time_rate"])
        achievement = _dec(org["achievement_avg"])
        parts = {
            "completeness": reporting or Decimal(0),
            "timeliness": on_time or Decimal(0),
            "targets": achievement or Decimal(0),
        }
        replicated = int(org.get("replicated_practices") or 0)
        bonus = min(PRACTICE_BONUS * replicated, PRACTICE_BONUS_MAX)
        score = min(
            sum((WEIGHTS[k] * v for k, v in parts.items()), Decimal(0)) + bonus, Decimal(100)
        ).quantize(Decimal("0.1"))
        reasons = [f"{org['activities'] or 0} hoạt động"]
        if reporting is not None:
            reasons.append(f"gửi {narrative.vi_percent(reporting)} báo cáo định kỳ")
        if on_time is not None:
            reasons.append(f"{narrative.vi_percent(on_time)} đúng hạn")
        if org["targets"]:
            reasons.append(f"{org['targets_met']}/{org['targets']} chỉ tiêu đạt kế hoạch")
        if replicated:
            reasons.append(f"{replicated} mô hình, điển hình được nhân rộng")
        form = "certificate" if score >= 90 else "praise"
        ranked.append(
            Suggestion(
                organization_id=org["id"],
                name=org["name"],
                score=score,
                reporting_rate=reporting,
                on_time_rate=on_time,
                achievement=achievement,
                targets_met=org["targets_met"],
                targets=org["targets"],
                activities=org["activities"] or 0,
                reason="Có thành tích trong thực hiện Chương trình: " + ", ".join(reasons) + ".",
                form=form,
                replicated_practices=replicated,
            )
        )
    ranked.sort(key=lambda s: (-s.score, -s.replicated_practices, -s.activities, s.name))
    return ranked


@dataclass(frozen=True)
class CarryOver:
    directions: list[str]
    unmet: list[dict[str, Any]]  # indicator name, unit, target, result, achievement


def carry_over(review: ReviewPeriod) -> CarryOver:
    """What the next program takes from this review: its directions and each target
    that was not met."""
    data = report.review_data(review)
    return CarryOver(
        directions=[d.text for d in review.directions.all()],
        unmet=[dict(i) for i in narrative.under_target(data)],
    )


def next_programs(review: ReviewPeriod, user: Any) -> QuerySet[Program]:
    """The programs started from the reviewed one that the user may see, newest first."""
    return (
        Program.objects.restrict(user, permissions.VIEW)
        .filter(previous_id=review.program_id)
        .order_by("-year", "-id")
    )


def next_program(review: ReviewPeriod, user: Any, program_pk: int) -> Program:
    """One program started from the reviewed one, or 404."""
    return get_object_or_404(next_programs(review, user), pk=program_pk)


@dataclass(frozen=True)
class DirectionChoice:
    id: int
    text: str
    carried: bool


@dataclass(frozen=True)
class TargetChoice:
    indicator_id: int
    content_title: str
    name: str
    unit: str
    target: Decimal
    result: Decimal | None
    shortfall: Decimal
    proposed: Decimal
    carried: Decimal | None  # the value carried, when it was
    in_program: bool  # the new program still has the matching indicator


def carry_over_choices(
    review: ReviewPeriod, program: Program
) -> tuple[list[DirectionChoice], list[TargetChoice]]:
    """What the secretariat may tick to carry into `program`, with what already was."""
    from phoihop.reviews import services  # proposals live with the service that applies them

    carried = list(CarriedItem.objects.filter(program=program, review=review))
    done_dirs = {c.direction_id for c in carried if c.direction_id}
    done_targets = {c.source_indicator_id: c.value for c in carried if c.source_indicator_id}
    matched = set(
        Indicator.objects.filter(content__program=program, lineage__isnull=False).values_list(
            "lineage_id", flat=True
        )
    )
    directions = [DirectionChoice(d.pk, d.text, d.pk in done_dirs) for d in review.directions.all()]
    targets = []
    for indicator_id, item in services.unmet_targets(review).items():
        target = Decimal(item["target"])
        result = _dec(item["result"])
        targets.append(
            TargetChoice(
                indicator_id=indicator_id,
                content_title=item["content_title"] or "",
                name=item["name"],
                unit=item["unit"] or "",
                target=target,
                result=result,
                shortfall=max(target - (result or Decimal(0)), Decimal(0)),
                proposed=services.proposed_target(item),
                carried=done_targets.get(indicator_id),
                in_program=indicator_id in matched,
            )
        )
    return directions, targets
