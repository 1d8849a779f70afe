"""Writes for reviews: the review period and its status, the report's sections, the
directions for the next period, commendations and the review conference. Each service is
atomic, checks permissions itself and writes audit events in the same transaction.

Rules (why):
- A review is created for a program that has come into force (in force, under review or
  closed): a draft program has nothing to review yet.
- The report — period, sections, directions, commendations — changes only while the review
  is a draft. Finalizing freezes it; every commendation must be decided first, since the
  approved list goes into the report.
- Finalizing stamps `finalized_at` / `finalized_by` with core.clock and freezes the
  figures: `snapshot` is what the figures module gives for the period (figures_data),
  `snapshot_hash` the SHA-256 of its canonical JSON. The report of a finalized review is
  rendered from the snapshot only, so later edits to activities never change it;
  `selectors.review_differences` shows what a recomputation would change.
- Drafting (`review_draft_sections`) writes the narrative drafted from the figures into
  the sections, for the secretariat to edit; it never overwrites an edited section unless
  asked.
- Only a system administrator reopens a finalized review: the report was signed and sent,
  so reopening is a correction of the record, not routine editing. Reopening clears the
  stamps and the frozen figures (both kept in the audit event's "before").
- The conference is the event, not the report: it can be recorded and corrected in either
  status of the review.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from phoihop.core import audit, clock, permissions
from phoihop.core import services as core_services
from phoihop.core.models import User
from phoihop.core.workflow import Transitions
from phoihop.orgs.models import Organization, Person
from phoihop.programs.choices import Aggregation, ProgramStatus
from phoihop.programs.models import Indicator, Program, ProgramContent
from phoihop.reviews import events, figures_data, narrative, report
from phoihop.reviews.article import article_for
from phoihop.reviews.choices import (
    CommendationStatus,
    RecipientKind,
    ReviewStatus,
    SectionKey,
)
from phoihop.reviews.models import (
    CarriedItem,
    Commendation,
    Direction,
    ReviewConference,
    ReviewPeriod,
    ReviewSection,
)

R = ReviewStatus
C = CommendationStatus

TRANSITIONS = Transitions(
    {R.DRAFT: {R.FINALIZED}, R.FINALIZED: {R.DRAFT}},
    labels={s.value: cast(str, s.label) for s in ReviewStatus},
)
COMMENDATION_TRANSITIONS = Transitions(
    {C.PROPOSED: {C.APPROVED, C.REJECTED}, C.APPROVED: set(), C.REJECTED: set()},
    labels={s.value: cast(str, s.label) for s in CommendationStatus},
)

REVIEWABLE = frozenset({ProgramStatus.IN_FORCE, ProgramStatus.IN_REVIEW, ProgramStatus.CLOSED})
REVIEW_FIELDS = frozenset({"kind", "title", "period_start", "period_end"})
HEADER_FIELDS = frozenset(
    {
        "issuer_type",
        "parent_body",
        "issuing_body",
        "number",
        "place_name",
        "document_date",
        "signer_authority",
        "signer_position",
        "signer_rank",
        "signer_name",
        "recipients",
    }
)
CONFERENCE_FIELDS = frozenset(
    {"date", "place", "chair", "chair_name", "chair_title", "attendees", "notes"}
)
COMMENDATION_FIELDS = frozenset(
    {"recipient_kind", "organization", "person", "recipient_name", "form", "issuer", "reason"}
)
SECTION_ORDER = {key.value: index for index, key in enumerate(SectionKey, start=1)}


# -- helpers ---------------------------------------------------------------------------


def _check_fields(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        # A caller's mistake, not the user's: status, stamps and owners never pass here.
        raise ValueError(f"Fields that cannot be updated here: {sorted(unknown)}")


def _lock(review_id: int) -> ReviewPeriod:
    """The review row, fresh and locked, so parts and moves of one review are serialized."""
    return ReviewPeriod.objects.select_for_update().get(pk=review_id)


def _require_draft(review: ReviewPeriod) -> None:
    if review.status != R.DRAFT:
        raise ValidationError(
            _(
                "The review has been finalized, so its report cannot change. Ask a system "
                "administrator to reopen it if it must be corrected."
            ),
            code="not_draft",
        )


def _next_order(qs: models.QuerySet) -> int:
    last = qs.aggregate(m=models.Max("order"))["m"]
    return 1 if last is None else last + 1


def _move(
    review: ReviewPeriod, *, actor: User, target: str, action: str, extra: Mapping[str, Any]
) -> ReviewPeriod:
    TRANSITIONS.check(review.status, target)
    before = audit.snapshot(review)
    review.status = target
    for name, value in extra.items():
        setattr(review, name, value)
    review.full_clean()
    review.save()
    audit.record(
        actor=actor, action=action, obj=review, before=before, after=audit.snapshot(review)
    )
    return review


# -- the review ------------------------------------------------------------------------


def review_create(
    *,
    actor: User,
    program: Program,
    kind: str,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
) -> ReviewPeriod:
    """A draft review of `program` by its committee's secretariat."""
    permissions.require(actor, permissions.CHANGE, program)
    if program.status not in REVIEWABLE:
        raise ValidationError(
            {
                "program": _(
                    "Only a program that has come into force can be reviewed; this one is "
                    "“{status}”."
                ).format(status=program.get_status_display())
            },
            code="program_not_reviewable",
        )
    review = ReviewPeriod(
        program=program,
        committee_id=program.committee_id,
        kind=kind,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
    )
    return core_services.model_create(actor=actor, obj=review)


def review_update(*, actor: User, review: ReviewPeriod, data: Mapping[str, Any]) -> ReviewPeriod:
    """Change a draft review's kind, title or period."""
    _check_fields(data, REVIEW_FIELDS | HEADER_FIELDS)
    permissions.require(actor, permissions.CHANGE, review)
    with transaction.atomic():
        fresh = _lock(review.pk)
        _require_draft(fresh)
        values = dict(data)
        for name, value in list(values.items()):
            if isinstance(value, str):
                values[name] = value.strip()
        return core_services.model_update(actor=actor, obj=fresh, data=values)


def review_finalize(*, actor: User, review: ReviewPeriod) -> ReviewPeriod:
    """Freeze the review: its figures are stored (`snapshot`, read from the figures
    module) with the SHA-256 of their canonical JSON (`snapshot_hash`)."""
    permissions.require(actor, permissions.CHANGE, review)
    with transaction.atomic():
        fresh = _lock(review.pk)
        if fresh.status != R.DRAFT:
            raise ValidationError(
                _("The review has already been finalized."), code="invalid_transition"
            )
        undecided = fresh.commendations.filter(status=C.PROPOSED).count()
        if undecided:
            raise ValidationError(
                _(
                    "{count} proposed commendation(s) are not decided yet: approve or reject "
                    "each before finalizing, since the approved list goes into the report."
                ).format(count=undecided),
                code="undecided_commendations",
            )
        # Freeze the figures: the report of a finalized review renders from these only.
        data = report.live_data(fresh)
        return _move(
            fresh,
            actor=actor,
            target=R.FINALIZED,
            action="finalize",
            extra={
                "finalized_at": clock.now(),
                "finalized_by": actor,
                "snapshot": data,
                "snapshot_hash": figures_data.content_hash(data),
            },
        )


def review_reopen(*, actor: User, review: ReviewPeriod) -> ReviewPeriod:
    """Back to draft, by a system administrator only (see the module docstring)."""
    if not permissions.get_scope(actor).is_admin:
        raise PermissionDenied
    with transaction.atomic():
        fresh = _lock(review.pk)
        if fresh.status != R.FINALIZED:
            raise ValidationError(
                _("Only a finalized review can be reopened; this one is still a draft."),
                code="invalid_transition",
            )
        return _move(
            fresh,
            actor=actor,
            target=R.DRAFT,
            action="reopen",
            extra={
                "finalized_at": None,
                "finalized_by": None,
                "snapshot": None,
                "snapshot_hash": "",
            },
        )


# -- sections and directions ------------------------------------------------------------


def section_set(
    *,
    actor: User,
    review: ReviewPeriod,
    key: str,
    text: str,
    title: str | None = None,
    order: int | None = None,
) -> ReviewSection:
    """Create or update a section of a draft review's report. Without a title, a new
    section takes the standard heading of its key; without an order, its standard place."""
    permissions.require(actor, permissions.CHANGE, review)
    if key not in SECTION_ORDER:
        raise ValidationError({"key": _("Unknown report section: {key}.").format(key=key)})
    with transaction.atomic():
        fresh = _lock(review.pk)
        _require_draft(fresh)
        section = ReviewSection.objects.filter(review=fresh, key=key).first()
        if section is None:
            section = ReviewSection(
                review=fresh,
                key=key,
                title=(title or str(SectionKey(key).label)).strip(),
                text=text,
                order=order if order is not None else SECTION_ORDER[key],
            )
            return core_services.model_create(actor=actor, obj=section)
        data: dict[str, Any] = {"text": text}
        if title is not None:
            data["title"] = title.strip()
        if order is not None:
            data["order"] = order
        return core_services.model_update(actor=actor, obj=section, data=data)


def review_draft_sections(
    *, actor: User, review: ReviewPeriod, overwrite: bool = False
) -> list[ReviewSection]:
    """Write the narrative drafted from the figures into every section of a draft review.
    Sections the secretariat has already written are kept unless `overwrite`."""
    permissions.require(actor, permissions.CHANGE, review)
    with transaction.atomic():
        fresh = _lock(review.pk)
        _require_draft(fresh)
        drafted = report.drafted_sections(fresh)
        existing = {s.key: s for s in ReviewSection.objects.filter(review=fresh)}
        written = []
        for key, text in drafted.items():
            section = existing.get(key)
            if section is not None and section.text.strip() and not overwrite:
                continue
            written.append(section_set(actor=actor, review=fresh, key=key, text=text))
        return written


def direction_add(
    *, actor: User, review: ReviewPeriod, text: str, order: int | None = None
) -> Direction:
    """Add a direction for the next period to a draft review."""
    permissions.require(actor, permissions.CHANGE, review)
    with transaction.atomic():
        fresh = _lock(review.pk)
        _require_draft(fresh)
        direction = Direction(
            review=fresh,
            text=text.strip(),
            order=order if order is not None else _next_order(fresh.directions.all()),
        )
        return core_services.model_create(actor=actor, obj=direction)


def direction_update(*, actor: User, direction: Direction, data: Mapping[str, Any]) -> Direction:
    _check_fields(data, frozenset({"text", "order"}))
    permissions.require(actor, permissions.CHANGE, direction)
    with transaction.atomic():
        _require_draft(_lock(direction.review_id))
        fresh = Direction.objects.get(pk=direction.pk)
        return core_services.model_update(actor=actor, obj=fresh, data=dict(data))


def direction_remove(*, actor: User, direction: Direction) -> None:
    permissions.require(actor, permissions.DELETE, direction)
    with transaction.atomic():
        _require_draft(_lock(direction.review_id))
        core_services.model_delete(actor=actor, obj=Direction.objects.get(pk=direction.pk))


# -- commendations ---------------------------------------------------------------------


def commendation_propose(
    *,
    actor: User,
    review: ReviewPeriod,
    recipient_kind: str,
    form: str,
    issuer: str,
    reason: str,
    organization: Organization | None = None,
    person: Person | None = None,
    recipient_name: str = "",
) -> Commendation:
    """Propose a commendation of an organization (collective) or a person (individual,
    optionally with their organization) in a draft review."""
    permissions.require(actor, permissions.CHANGE, review)
    with transaction.atomic():
        fresh = _lock(review.pk)
        _require_draft(fresh)
        commendation = Commendation(
            review=fresh,
            recipient_kind=recipient_kind,
            organization=organization,
            person=person,
            recipient_name=recipient_name.strip(),
            form=form,
            issuer=issuer.strip(),
            reason=reason.strip(),
        )
        return core_services.model_create(actor=actor, obj=commendation)


def commendation_update(
    *, actor: User, commendation: Commendation, data: Mapping[str, Any]
) -> Commendation:
    """Change a proposal that is not decided yet, in a draft review."""
    _check_fields(data, COMMENDATION_FIELDS)
    permissions.require(actor, permissions.CHANGE, commendation)
    with transaction.atomic():
        _require_draft(_lock(commendation.review_id))
        fresh = Commendation.objects.get(pk=commendation.pk)
        if fresh.status != C.PROPOSED:
            raise ValidationError(
                _("The commendation has been decided; only a proposal can be changed."),
                code="decided",
            )
        values = dict(data)
        if values.get("recipient_kind") == RecipientKind.COLLECTIVE and "person" not in values:
            values["person"] = None
        if {"organization", "person", "recipient_kind"} & set(values) and not values.get(
            "recipient_name"
        ):
            values["recipient_name"] = ""  # taken again from the new recipient
        return core_services.model_update(actor=actor, obj=fresh, data=values)


def _decide(
    *, actor: User, commendation: Commendation, target: str, action: str, note: str
) -> Commendation:
    permissions.require(actor, permissions.CHANGE, commendation)
    with transaction.atomic():
        _require_draft(_lock(commendation.review_id))
        fresh = Commendation.objects.get(pk=commendation.pk)
        if fresh.status != C.PROPOSED:
            raise ValidationError(
                _("The commendation has already been decided (“{status}”).").format(
                    status=fresh.get_status_display()
                ),
                code="invalid_transition",
            )
        COMMENDATION_TRANSITIONS.check(fresh.status, target)
        before = audit.snapshot(fresh)
        fresh.status = target
        fresh.decided_at = clock.now()
        fresh.decided_by = actor
        fresh.decision_note = note.strip()
        fresh.full_clean()
        fresh.save()
        audit.record(
            actor=actor, action=action, obj=fresh, before=before, after=audit.snapshot(fresh)
        )
        return fresh


def commendation_approve(
    *, actor: User, commendation: Commendation, note: str = ""
) -> Commendation:
    return _decide(
        actor=actor, commendation=commendation, target=C.APPROVED, action="approve", note=note
    )


def commendation_reject(*, actor: User, commendation: Commendation, reason: str) -> Commendation:
    """Reject a proposal, saying why (the reason is kept with the decision)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is rejected.")})
    return _decide(
        actor=actor, commendation=commendation, target=C.REJECTED, action="reject", note=reason
    )


# -- the conference --------------------------------------------------------------------


def _check_chair(review: ReviewPeriod, chair: Person | None) -> None:
    if chair is not None and (chair.committee_id != review.committee_id or chair.is_trashed):
        raise ValidationError({"chair": _("The chair must be a person of the review's committee.")})


def _check_programs(actor: User, review: ReviewPeriod, programs: list[Program]) -> None:
    for program in programs:
        if program.pk == review.program_id or program.committee_id != review.committee_id:
            raise ValidationError(
                {
                    "programs_signed": _(
                        "The programs signed at the conference must be other programs of the "
                        "review's committee."
                    )
                }
            )
        if not permissions.can(actor, permissions.VIEW, program):
            raise PermissionDenied


def _chair_defaults(values: dict[str, Any]) -> None:
    """Name and title as they were: taken from the person when not written out."""
    chair: Person | None = values.get("chair")
    if chair is None:
        return
    if not values.get("chair_name"):
        values["chair_name"] = chair.full_name
    if not values.get("chair_title"):
        values["chair_title"] = chair.title


def conference_record(
    *,
    actor: User,
    review: ReviewPeriod,
    date: datetime.date,
    place: str,
    chair: Person | None = None,
    chair_name: str = "",
    chair_title: str = "",
    attendees: str = "",
    programs_signed: Iterable[Program] = (),
    notes: str = "",
) -> ReviewConference:
    """Record the review's conference (one per review), in either status of the review."""
    permissions.require(actor, permissions.CHANGE, review)
    signed = list(programs_signed)
    with transaction.atomic():
        fresh = _lock(review.pk)
        if ReviewConference.objects.filter(review=fresh).exists():
            raise ValidationError(
                _("The conference of this review is already recorded; change it instead."),
                code="exists",
            )
        _check_chair(fresh, chair)
        _check_programs(actor, fresh, signed)
        values: dict[str, Any] = {
            "chair": chair,
            "chair_name": chair_name.strip(),
            "chair_title": chair_title.strip(),
        }
        _chair_defaults(values)
        conference = ReviewConference(
            review=fresh,
            date=date,
            place=place.strip(),
            attendees=attendees.strip(),
            notes=notes.strip(),
            **values,
        )
        conference = core_services.model_create(
            actor=actor, obj=conference, m2m={"programs_signed": signed}
        )
        _announce(conference, actor=actor)
        return conference


def _announce(conference: ReviewConference, *, actor: User) -> list[Any]:
    """Propose the conference's news article (the news app saves it as a draft)."""
    draft = article_for(conference, report.review_data(conference.review))
    return events.announce_conference_article(draft, actor=actor)


def conference_announce(*, actor: User, conference: ReviewConference) -> list[Any]:
    """Propose the article again (e.g. after correcting the conference); the editor gets
    a new draft."""
    permissions.require(actor, permissions.CHANGE, conference)
    with transaction.atomic():
        _lock(conference.review_id)
        fresh = ReviewConference.objects.get(pk=conference.pk)
        return _announce(fresh, actor=actor)


def conference_update(
    *,
    actor: User,
    conference: ReviewConference,
    data: Mapping[str, Any],
    programs_signed: Iterable[Program] | None = None,
) -> ReviewConference:
    """Correct the conference. A new chair brings their name and title unless given."""
    _check_fields(data, CONFERENCE_FIELDS)
    permissions.require(actor, permissions.CHANGE, conference)
    with transaction.atomic():
        review = _lock(conference.review_id)
        fresh = ReviewConference.objects.get(pk=conference.pk)
        values = dict(data)
        if "chair" in values:
            _check_chair(review, values["chair"])
            if values["chair"] != fresh.chair:
                values.setdefault("chair_name", "")
                values.setdefault("chair_title", "")
            _chair_defaults(values)
        m2m: dict[str, Iterable[Any]] = {}
        if programs_signed is not None:
            signed = list(programs_signed)
            _check_programs(actor, review, signed)
            m2m["programs_signed"] = signed
        return core_services.model_update(actor=actor, obj=fresh, data=values, m2m=m2m)


# -- carry-over ------------------------------------------------------------------------


def review_start_next_program(
    *, actor: User, review: ReviewPeriod, year: int | None = None, title: str | None = None
) -> Program:
    """Start the next program from the reviewed one (programs.services.program_clone):
    same parties, contents, indicators and targets, as a draft for the secretariat to
    adjust with the review's directions and unmet targets (selectors.carry_over)."""
    from phoihop.programs import services as program_services

    permissions.require(actor, permissions.VIEW, review)
    program = review.program
    return program_services.program_clone(
        actor=actor, source=program, year=year or program.year + 1, title=title
    )


def proposed_target(item: Mapping[str, Any]) -> Decimal:
    """The target offered for an unmet one: raised by the shortfall for indicators that
    add up (what was not done this year is added to next year's), kept otherwise."""
    target = Decimal(item["target"])
    if item.get("aggregation") != Aggregation.SUM:
        return target
    result = Decimal(item["result"]) if item["result"] is not None else Decimal(0)
    return target + max(target - result, Decimal(0))


def unmet_targets(review: ReviewPeriod) -> dict[int, Mapping[str, Any]]:
    """The review's unmet targets by the reviewed indicator's id (frozen figures for a
    finalized review)."""
    return {int(i["indicator_id"]): i for i in narrative.under_target(report.review_data(review))}


def _content_title(text: str) -> str:
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    limit = ProgramContent._meta.get_field("title").max_length or 400
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class CarryOverResult:
    contents: list[ProgramContent]
    targets: int
    skipped: int  # already carried before


def review_carry_over_apply(
    *,
    actor: User,
    review: ReviewPeriod,
    program: Program,
    directions: Iterable[int] = (),
    targets: Iterable[int] = (),
    lead: Organization | None = None,
    values: Mapping[int, Decimal | str] | None = None,
) -> CarryOverResult:
    """Carry the ticked directions and unmet targets of `review` into `program`, the next
    program started from the reviewed one (still a draft): each direction becomes a new
    content led by `lead`; each unmet target sets the overall target of the matching
    indicator (its lineage is the reviewed one) to `values[id]` or the proposed target.
    Items already carried into this program are skipped, so submitting twice adds
    nothing. All or nothing."""
    from phoihop.programs import services as program_services

    permissions.require(actor, permissions.CHANGE, review)
    if not permissions.can(actor, permissions.VIEW, program):
        raise PermissionDenied
    permissions.require(actor, permissions.CHANGE, program)
    if program.previous_id != review.program_id:
        raise ValidationError(
            _("Directions and targets can only be carried into a program started from this one."),
            code="not_next",
        )
    direction_ids = {int(i) for i in directions}
    target_ids = {int(i) for i in targets}
    values = values or {}
    with transaction.atomic():
        locked = _lock(review.pk)
        carried = CarriedItem.objects.filter(program=program)
        done_directions = set(
            carried.filter(direction__isnull=False).values_list("direction_id", flat=True)
        )
        done_targets = set(
            carried.filter(source_indicator__isnull=False).values_list(
                "source_indicator_id", flat=True
            )
        )
        chosen = list(locked.directions.filter(pk__in=direction_ids).order_by("order", "id"))
        if len(chosen) != len(direction_ids):
            raise ValidationError(
                _("Some of the directions ticked are not in this review; reload the page."),
                code="unknown_direction",
            )
        skipped = 0
        contents: list[ProgramContent] = []
        for direction in chosen:
            if direction.pk in done_directions:
                skipped += 1
                continue
            if lead is None:
                raise ValidationError(
                    {"lead": _("Choose the organization that leads the new contents.")},
                    code="no_lead",
                )
            content = program_services.content_create(
                actor=actor,
                program=program,
                title=_content_title(direction.text),
                description=direction.text.strip(),
                lead=lead,
            )
            contents.append(content)
            core_services.model_create(
                actor=actor,
                obj=CarriedItem(
                    review=locked, program=program, direction=direction, content=content
                ),
            )
        unmet = unmet_targets(locked) if target_ids else {}
        set_count = 0
        for indicator_id in sorted(target_ids):
            item = unmet.get(indicator_id)
            if item is None:
                raise ValidationError(
                    _("Some of the targets ticked were met or are not in this review."),
                    code="unknown_target",
                )
            if indicator_id in done_targets:
                skipped += 1
                continue
            match = (
                Indicator.objects.select_related("content")
                .filter(content__program=program, lineage_id=indicator_id)
                .order_by("pk")
                .first()
            )
            if match is None:
                raise ValidationError(
                    _(
                        "The indicator “{name}” is no longer in the new program: untick it "
                        "or add the indicator back first."
                    ).format(name=item["name"]),
                    code="no_indicator",
                )
            raw = values.get(indicator_id)
            try:
                value = proposed_target(item) if raw in (None, "") else Decimal(str(raw))
            except InvalidOperation:
                raise ValidationError(
                    _("Write the target for “{name}” as a number.").format(name=item["name"]),
                    code="bad_value",
                ) from None
            target = program_services.target_set(actor=actor, indicator=match, value=value)
            core_services.model_create(
                actor=actor,
                obj=CarriedItem(
                    review=locked,
                    program=program,
                    source_indicator_id=indicator_id,
                    value=target.value,
                ),
            )
            set_count += 1
        return CarryOverResult(contents=contents, targets=set_count, skipped=skipped)
