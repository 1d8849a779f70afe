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
from phoihop.reviews import figures_data, narrative, report
from phoihop.reviews.models import ReviewPeriod

# Weights of the suggestion score (each part is a percentage, 0–100).
WEIGHTS = {"completeness": Decimal("0.3"), "timeliness": Decimal("0.2"), "targets": Decimal("0.5")}
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


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def commendation_suggestions(
    review: ReviewPeriod, data: dict[str, Any] | None = None
) -> list[Suggestion]:
    """Organizations ranked for commendation from the figures: completeness (30 %),
    timeliness (20 %) and target achievement, capped at 100 % per indicator (50 %).
    Ties go to the organization with more activities. Practices replicated are not
    scored: the figures give them per committee, not per organization."""
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
        score = sum((WEIGHTS[k] * v for k, v in parts.items()), Decimal(0)).quantize(Decimal("0.1"))
        reasons = [f"{org['activities'] or 0} hoạt động"]
        if reporting is not None:
            reasons.append(f"gửi {narrative.vi_percent(reporting)} báo cáo định kỳ")
        if on_time is not None:
            reasons.append(f"{narrative.vi_percent(on_time)} đúng hạn")
        if org["targets"]:
            reasons.append(f"{org['targets_met']}/{org['targets']} chỉ tiêu đạt kế hoạch")
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
            )
        )
    ranked.sort(key=lambda s: (-s.score, -s.activities, s.name))
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
