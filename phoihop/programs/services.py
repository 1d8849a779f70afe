"""Writes for programs: reference data, the program and its parts, signing, the status
machine, cloning and publishing. Each service is atomic, checks permissions itself and
writes audit events in the same transaction.

Editing rules (why the draft lock exists): once a program is sent for signing, its text —
parties, contents, indicators, targets, period — is what the parties sign, so it is fixed.
A few fields are not part of the signed text and stay editable afterwards:
- `Program.number` (the number/symbol is usually assigned when the program is issued) and
  `Program.deadline_days` (a working arrangement of the secretariat), until it is closed;
- `ProgramContent.lineage` and `Indicator.lineage` (links to last year's content or
  indicator, used only for year-over-year figures), in every status.
A program being signed can be reopened to draft; the signatures collected are then
cleared, since the parties signed a text that is about to change.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.core import audit, clock, permissions
from phoihop.core import services as core_services
from phoihop.core.models import User
from phoihop.core.workflow import Transitions
from phoihop.orgs.models import Committee, Organization, Person
from phoihop.orgs.selectors import successor_chain
from phoihop.programs.choices import Aggregation, Frequency, ProgramStatus
from phoihop.programs.models import (
    Indicator,
    LegalDocument,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)

S = ProgramStatus
CENT = Decimal("0.01")

TRANSITIONS = Transitions(
    {
        S.DRAFT: {S.SIGNING},
        S.SIGNING: {S.DRAFT, S.IN_FORCE},
        S.IN_FORCE: {S.IN_REVIEW},
        S.IN_REVIEW: {S.IN_FORCE, S.CLOSED},
        S.CLOSED: set(),
    },
    labels={status.value: cast(str, status.label) for status in ProgramStatus},
)

# Which service makes each allowed move (tests check this agrees with TRANSITIONS).
MOVES: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SIGNING): "program_send_for_signing",
    (S.SIGNING, S.DRAFT): "program_reopen",
    (S.SIGNING, S.IN_FORCE): "program_sign",
    (S.IN_FORCE, S.IN_REVIEW): "program_start_review",
    (S.IN_REVIEW, S.IN_FORCE): "program_resume",
    (S.IN_REVIEW, S.CLOSED): "program_close",
}

PROGRAM_FIELDS = frozenset(
    {
        "year",
        "title",
        "number",
        "period_start",
        "period_end",
        "reporting_frequency",
        "deadline_days",
        "lead_may_approve",
        "previous",
        "legal_basis",
    }
)
PROGRAM_FIELDS_AFTER_DRAFT = frozenset({"number", "deadline_days"})
CONTENT_FIELDS = frozenset(
    {
        "order",
        "title",
        "description",
        "lead",
        "co_organizations",
        "target_groups",
        "legal_basis",
        "starts_on",
        "ends_on",
        "lineage",
    }
)
INDICATOR_FIELDS = frozenset({"order", "name", "unit", "aggregation", "lineage"})
LINEAGE_ONLY = frozenset({"lineage"})
LEGAL_DOCUMENT_FIELDS = frozenset({"kind", "number", "date", "issuer", "title"})
TARGET_GROUP_FIELDS = frozenset({"code", "name", "order"})

_M2M = frozenset({"co_organizations", "target_groups", "legal_basis"})


# -- helpers ---------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return str(TRANSITIONS.labels.get(status, status))


def _check_fields(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        # A caller's mistake, not the user's: the status and dates set by the workflow
        # (status, signed_on, is_published, committee) never pass through an update.
        raise ValueError(f"Fields that cannot be updated here: {sorted(unknown)}")


def _split_m2m(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Iterable[Any]]]:
    plain = {k: v for k, v in data.items() if k not in _M2M}
    m2m: dict[str, Iterable[Any]] = {k: list(v) for k, v in data.items() if k in _M2M}
    return plain, m2m


def _require_committee_secretariat(actor: User, committee: Committee) -> None:
    scope = permissions.get_scope(actor)
    if not (scope.is_admin or committee.pk in scope.committees_with(permissions.SECRETARIAT)):
        raise PermissionDenied


def _require_reference_manager(actor: User) -> None:
    """Shared catalogues are kept by system admins and any committee's secretariat."""
    scope = permissions.get_scope(actor)
    if not (scope.is_admin or scope.committees_with(permissions.SECRETARIAT)):
        raise PermissionDenied


def _lock_program(program_id: int) -> Program:
    """The program row, fresh and locked: edits and moves of one program are serialized,
    so a content cannot change while the program is being sent for signing."""
    return Program.objects.select_for_update().get(pk=program_id)


def _require_draft(program: Program) -> None:
    if program.status == S.DRAFT:
        return
    if program.status == S.SIGNING:
        raise ValidationError(
            _(
                "The program is being signed, so its text cannot change. Reopen it for "
                "editing first (the signatures already collected will be cleared)."
            ),
            code="not_draft",
        )
    raise ValidationError(
        _("The program is “{status}”: only a draft program can be edited.").format(
            status=_status_label(program.status)
        ),
        code="not_draft",
    )


def _require_not_closed(program: Program) -> None:
    if program.status == S.CLOSED:
        raise ValidationError(
            _("The program is closed: nothing in it can change any more."), code="closed"
        )


def _check_edit(
    program: Program, data: Mapping[str, Any], after_draft: frozenset[str], *, closed_too: bool
) -> None:
    """Draft programs take every field; later, only the fields outside the signed text
    (`after_draft`), and after closing only if `closed_too`."""
    if program.status == S.DRAFT or not data:
        return
    if set(data) <= after_draft:
        if not closed_too:
            _require_not_closed(program)
        return
    _require_draft(program)


def _check_organizations(
    program: Program, *, lead: Organization | None, co_organizations: Iterable[Organization]
) -> None:
    errors: dict[str, list[str]] = {}
    co = list(co_organizations)
    if any(org.committee_id != program.committee_id or org.is_trashed for org in co):
        errors.setdefault("co_organizations", []).append(
            _("Co-operating organizations must belong to the program's committee.")
        )
    if lead is not None and any(org.pk == lead.pk for org in co):
        errors.setdefault("co_organizations", []).append(
            _("The lead organization cannot also be a co-operating organization.")
        )
    if lead is not None and lead.is_trashed:
        errors.setdefault("lead", []).append(_("This organization has been deleted."))
    if errors:
        raise ValidationError(errors)


def _check_lineage(obj: ProgramContent | Indicator, lineage: Any, year: int) -> None:
    if lineage is None:
        return
    if type(lineage) is not type(obj):
        raise ValueError("lineage must be of the same model")
    source_year = (
        lineage.program.year
        if isinstance(lineage, ProgramContent)
        else lineage.content.program.year
    )
    if source_year >= year:
        raise ValidationError(
            {
                "lineage": _(
                    "The earlier content or indicator must come from an earlier year's program."
                )
            }
        )


def _protected() -> ValidationError:
    return ValidationError(
        _("Reports already refer to this item, so it cannot be deleted."), code="protected"
    )


# -- reference data --------------------------------------------------------------------


def legal_document_create(
    *,
    actor: User,
    kind: str,
    number: str,
    date: datetime.date,
    issuer: str,
    title: str,
) -> LegalDocument:
    _require_reference_manager(actor)
    doc = LegalDocument(kind=kind, number=number.strip(), date=date, issuer=issuer, title=title)
    return core_services.model_create(actor=actor, obj=doc)


def legal_document_update(
    *, actor: User, document: LegalDocument, data: Mapping[str, Any]
) -> LegalDocument:
    _check_fields(data, LEGAL_DOCUMENT_FIELDS)
    permissions.require(actor, permissions.CHANGE, document)
    with transaction.atomic():
        fresh = LegalDocument.objects.select_for_update().get(pk=document.pk)
        return core_services.model_update(actor=actor, obj=fresh, data=dict(data))


@transaction.atomic
def legal_document_delete(*, actor: User, document: LegalDocument) -> None:
    permissions.require(actor, permissions.DELETE, document)
    if document.programs.exists() or document.contents.exists():
        raise ValidationError(
            _("Programs cite this document as their legal basis, so it cannot be deleted."),
            code="in_use",
        )
    core_services.model_delete(actor=actor, obj=document)


def target_group_create(*, actor: User, code: str, name: str, order: int = 0) -> TargetGroup:
    _require_reference_manager(actor)
    return core_services.model_create(
        actor=actor, obj=TargetGroup(code=code, name=name.strip(), order=order)
    )


def target_group_update(*, actor: User, group: TargetGroup, data: Mapping[str, Any]) -> TargetGroup:
    _check_fields(data, TARGET_GROUP_FIELDS)
    permissions.require(actor, permissions.CHANGE, group)
    with transaction.atomic():
        fresh = TargetGroup.objects.select_for_update().get(pk=group.pk)
        return core_services.model_update(actor=actor, obj=fresh, data=dict(data))


@transaction.atomic
def target_group_delete(*, actor: User, group: TargetGroup) -> None:
    permissions.require(actor, permissions.DELETE, group)
    if group.contents.exists():
        raise ValidationError(
            _("Program contents use this target group, so it cannot be deleted."), code="in_use"
        )
    try:
        with transaction.atomic():
            core_services.model_delete(actor=actor, obj=group)
    except ProtectedError as exc:
        raise _protected() from exc


# -- the program -----------------------------------------------------------------------


def calendar_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _shift_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _complete_period(
    year: int, start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The calendar year by default; with one end given, a year from (or up to) it."""
    if start is not None and end is not None:
        return start, end
    if start is not None:
        return start, _shift_years(start, 1) - datetime.timedelta(days=1)
    if end is not None:
        return _shift_years(end, -1) + datetime.timedelta(days=1), end
    return calendar_period(year)


def _check_previous(actor: User, previous: Program | None, year: int) -> None:
    if previous is None:
        return
    if not permissions.can(actor, permissions.VIEW, previous):
        raise PermissionDenied
    if previous.year >= year:
        raise ValidationError({"previous": _("The previous program must be of an earlier year.")})


def program_create(
    *,
    actor: User,
    committee: Committee,
    year: int,
    title: str,
    number: str = "",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    reporting_frequency: str = Frequency.QUARTER,
    deadline_days: int = 10,
    lead_may_approve: bool = False,
    previous: Program | None = None,
    legal_basis: Iterable[LegalDocument] = (),
) -> Program:
    """A new program in draft, for the calendar year unless another period is given."""
    _require_committee_secretariat(actor, committee)
    _check_previous(actor, previous, year)
    start, end = _complete_period(year, period_start, period_end)
    program = Program(
        committee=committee,
        year=year,
        title=title.strip(),
        number=number.strip(),
        period_start=start,
        period_end=end,
        reporting_frequency=reporting_frequency,
        deadline_days=deadline_days,
        lead_may_approve=lead_may_approve,
        previous=previous,
    )
    return core_services.model_create(
        actor=actor, obj=program, m2m={"legal_basis": list(legal_basis)}
    )


def program_update(*, actor: User, program: Program, data: Mapping[str, Any]) -> Program:
    """Change a draft program; later only its number and report deadline (see the module
    docstring). Changing the year of a calendar-year program moves its period along."""
    _check_fields(data, PROGRAM_FIELDS)
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        fresh = _lock_program(program.pk)
        _check_edit(fresh, data, PROGRAM_FIELDS_AFTER_DRAFT, closed_too=False)
        plain, m2m = _split_m2m(data)
        year = plain.get("year", fresh.year)
        if "previous" in plain:
            _check_previous(actor, plain["previous"], year)
        if (
            year != fresh.year
            and "period_start" not in plain
            and "period_end" not in plain
            and (fresh.period_start, fresh.period_end) == calendar_period(fresh.year)
        ):
            plain["period_start"], plain["period_end"] = calendar_period(year)
        _check_contents_fit(
            fresh,
            plain.get("period_start", fresh.period_start),
            plain.get("period_end", fresh.period_end),
        )
        return core_services.model_update(actor=actor, obj=fresh, data=plain, m2m=m2m)


def _check_contents_fit(program: Program, start: datetime.date, end: datetime.date) -> None:
    """A new period must still hold the dates of the program's contents."""
    outside = program.contents.filter(
        models.Q(starts_on__lt=start)
        | models.Q(starts_on__gt=end)
        | models.Q(ends_on__lt=start)
        | models.Q(ends_on__gt=end)
    )
    titles = list(outside.values_list("title", flat=True)[:5])
    if titles:
        raise ValidationError(
            _(
                "These contents have dates outside the new period: {titles}. Change their "
                "dates first."
            ).format(titles="; ".join(titles)),
            code="contents_outside_period",
        )


@transaction.atomic
def program_trash(*, actor: User, program: Program) -> Program:
    """Only a draft goes to the trash: a signed program is part of the record."""
    permissions.require(actor, permissions.DELETE, program)
    fresh = _lock_program(program.pk)
    if fresh.status != S.DRAFT:
        raise ValidationError(
            _("Only a draft program can be deleted; this one is “{status}”.").format(
                status=_status_label(fresh.status)
            ),
            code="not_draft",
        )
    return core_services.trash(actor=actor, obj=fresh)


@transaction.atomic
def program_restore(*, actor: User, program: Program) -> Program:
    """Bring a program back from the trash (refused if its year has been taken since)."""
    fresh = Program.all_objects.select_for_update().get(pk=program.pk)
    _require_committee_secretariat(actor, fresh.committee)
    return core_services.restore(actor=actor, obj=fresh)


# -- parties ---------------------------------------------------------------------------


def _check_party_organization(program: Program, organization: Organization) -> None:
    if organization.is_trashed:
        raise ValidationError({"organization": _("This organization has been deleted.")})
    if organization.valid_to is not None and organization.valid_to < program.period_start:
        raise ValidationError(
            {
                "organization": _(
                    "This organization ended on {date}, before the program's period; add "
                    "the organization that succeeded it instead."
                ).format(date=organization.valid_to.strftime("%d/%m/%Y"))
            }
        )


def party_add(
    *,
    actor: User,
    program: Program,
    organization: Organization,
    order: int | None = None,
    name_as_signed: str = "",
) -> ProgramParty:
    """Add a signing party (an organization of the program's committee) to a draft."""
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        fresh = _lock_program(program.pk)
        _require_draft(fresh)
        _check_party_organization(fresh, organization)
        if order is None:
            last = fresh.parties.aggregate(m=models.Max("order"))["m"]
            order = 1 if last is None else last + 1
        party = ProgramParty(
            program=fresh, organization=organization, order=order, name_as_signed=name_as_signed
        )
        return core_services.model_create(actor=actor, obj=party)


def party_update(*, actor: User, party: ProgramParty, data: Mapping[str, Any]) -> ProgramParty:
    _check_fields(data, frozenset({"order", "name_as_signed", "organization"}))
    permissions.require(actor, permissions.CHANGE, party)
    with transaction.atomic():
        program = _lock_program(party.program_id)
        _require_draft(program)
        fresh = ProgramParty.objects.get(pk=party.pk)
        if "organization" in data:
            _check_party_organization(program, data["organization"])
        return core_services.model_update(actor=actor, obj=fresh, data=dict(data))


def party_remove(*, actor: User, party: ProgramParty) -> None:
    permissions.require(actor, permissions.CHANGE, party)
    with transaction.atomic():
        _require_draft(_lock_program(party.program_id))
        core_services.model_delete(actor=actor, obj=ProgramParty.objects.get(pk=party.pk))


# -- contents, indicators, targets -----------------------------------------------------


def content_create(
    *,
    actor: User,
    program: Program,
    title: str,
    lead: Organization,
    order: int | None = None,
    description: str = "",
    co_organizations: Iterable[Organization] = (),
    target_groups: Iterable[TargetGroup] = (),
    legal_basis: Iterable[LegalDocument] = (),
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    lineage: ProgramContent | None = None,
) -> ProgramContent:
    permissions.require(actor, permissions.CHANGE, program)
    co = list(co_organizations)
    with transaction.atomic():
        fresh = _lock_program(program.pk)
        _require_draft(fresh)
        _check_organizations(fresh, lead=lead, co_organizations=co)
        content = ProgramContent(
            program=fresh,
            order=order if order is not None else _next_order(fresh.contents.all()),
            title=title.strip(),
            description=description,
            lead=lead,
            starts_on=starts_on,
            ends_on=ends_on,
            lineage=lineage,
        )
        _check_lineage(content, lineage, fresh.year)
        return core_services.model_create(
            actor=actor,
            obj=content,
            m2m={
                "co_organizations": co,
                "target_groups": list(target_groups),
                "legal_basis": list(legal_basis),
            },
        )


def _next_order(qs: models.QuerySet) -> int:
    last = qs.aggregate(m=models.Max("order"))["m"]
    return 1 if last is None else last + 1


def content_update(
    *, actor: User, content: ProgramContent, data: Mapping[str, Any]
) -> ProgramContent:
    _check_fields(data, CONTENT_FIELDS)
    permissions.require(actor, permissions.CHANGE, content)
    with transaction.atomic():
        program = _lock_program(content.program_id)
        _check_edit(program, data, LINEAGE_ONLY, closed_too=True)
        fresh = ProgramContent.objects.select_related("lead").get(pk=content.pk)
        plain, m2m = _split_m2m(data)
        if "lead" in plain or "co_organizations" in m2m:
            _check_organizations(
                program,
                lead=plain.get("lead", fresh.lead),
                co_organizations=m2m.get("co_organizations", fresh.co_organizations.all()),
            )
        if "lineage" in plain:
            _check_lineage(fresh, plain["lineage"], program.year)
        return core_services.model_update(actor=actor, obj=fresh, data=plain, m2m=m2m)


def content_delete(*, actor: User, content: ProgramContent) -> None:
    """Delete a content with its indicators and targets (each audited)."""
    permissions.require(actor, permissions.DELETE, content)
    try:
        with transaction.atomic():
            _require_draft(_lock_program(content.program_id))
            fresh = ProgramContent.objects.get(pk=content.pk)
            targets = list(Target.objects.filter(indicator__content=fresh))
            indicators = list(fresh.indicators.all())
            audit.record_many(
                actor=actor,
                action="delete",
                changes=[(obj, audit.snapshot(obj), None) for obj in [*targets, *indicators]],
            )
            core_services.model_delete(actor=actor, obj=fresh)
    except ProtectedError as exc:
        raise _protected() from exc


def indicator_create(
    *,
    actor: User,
    content: ProgramContent,
    name: str,
    unit: str,
    aggregation: str = Aggregation.SUM,
    order: int | None = None,
    lineage: Indicator | None = None,
) -> Indicator:
    permissions.require(actor, permissions.CHANGE, content)
    with transaction.atomic():
        program = _lock_program(content.program_id)
        _require_draft(program)
        indicator = Indicator(
            content=content,
            name=name.strip(),
            unit=unit,
            aggregation=aggregation,
            order=order if order is not None else _next_order(content.indicators.all()),
            lineage=lineage,
        )
        _check_lineage(indicator, lineage, program.year)
        return core_services.model_create(actor=actor, obj=indicator)


def indicator_update(*, actor: User, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    _check_fields(data, INDICATOR_FIELDS)
    permissions.require(actor, permissions.CHANGE, indicator)
    with transaction.atomic():
        program = _lock_program(indicator.content.program_id)
        _check_edit(program, data, LINEAGE_ONLY, closed_too=True)
        fresh = Indicator.objects.get(pk=indicator.pk)
        if "lineage" in data:
            _check_lineage(fresh, data["lineage"], program.year)
        return core_services.model_update(actor=actor, obj=fresh, data=dict(data))


def indicator_delete(*, actor: User, indicator: Indicator) -> None:
    permissions.require(actor, permissions.DELETE, indicator)
    try:
        with transaction.atomic():
            _require_draft(_lock_program(indicator.content.program_id))
            fresh = Indicator.objects.get(pk=indicator.pk)
            targets = list(fresh.targets.all())
            audit.record_many(
                actor=actor,
                action="delete",
                changes=[(obj, audit.snapshot(obj), None) for obj in targets],
            )
            core_services.model_delete(actor=actor, obj=fresh)
    except ProtectedError as exc:
        raise _protected() from exc


def target_set(
    *,
    actor: User,
    indicator: Indicator,
    value: Decimal | int | str,
    organization: Organization | None = None,
) -> Target:
    """Set the overall target (no organization) or one organization's target."""
    permissions.require(actor, permissions.CHANGE, indicator)
    amount = _as_amount(value)
    with transaction.atomic():
        program = _lock_program(indicator.content.program_id)
        _require_draft(program)
        if organization is not None and (
            organization.committee_id != program.committee_id or organization.is_trashed
        ):
            raise ValidationError(
                {"organization": _("The organization must belong to the program's committee.")}
            )
        existing = Target.objects.filter(indicator=indicator, organization=organization).first()
        if existing is None:
            return core_services.model_create(
                actor=actor,
                obj=Target(indicator=indicator, organization=organization, value=amount),
            )
        return core_services.model_update(actor=actor, obj=existing, data={"value": amount})


def _as_amount(value: Decimal | int | str) -> Decimal:
    """The value as stored (two decimals), so an unchanged target records no change;
    values that do not fit are left for validation to refuse."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    try:
        exact = amount.quantize(CENT, context=decimal.Context(traps=[decimal.Inexact]))
    except decimal.DecimalException:
        return amount
    return exact


def target_delete(*, actor: User, target: Target) -> None:
    permissions.require(actor, permissions.DELETE, target)
    with transaction.atomic():
        _require_draft(_lock_program(target.indicator.content.program_id))
        core_services.model_delete(actor=actor, obj=Target.objects.get(pk=target.pk))


# -- the status machine ----------------------------------------------------------------


def _move(
    *,
    actor: User,
    program: Program,
    source: str,
    target: str,
    action: str,
    refused: str,
    extra: Mapping[str, Any] | None = None,
) -> Program:
    """Move `program` from `source` to `target` (an allowed pair of TRANSITIONS), with
    `refused` (a message with {status}) when it is elsewhere."""
    if program.status != source:
        raise ValidationError(
            refused.format(status=_status_label(program.status)), code="invalid_transition"
        )
    TRANSITIONS.check(source, target)
    before = audit.snapshot(program, m2m=False)
    program.status = target
    for name, value in (extra or {}).items():
        setattr(program, name, value)
    program.full_clean()
    program.save()
    audit.record(
        actor=actor,
        action=action,
        obj=program,
        before=before,
        after=audit.snapshot(program, m2m=False),
    )
    return program


def missing_for_signing(program: Program) -> list[str]:
    """What the program lacks before it can be sent for signing (empty when ready)."""
    missing: list[str] = []
    parties = program.parties.count()
    if parties < 2:
        missing.append(
            _("The program needs at least two parties; it has {count}.").format(count=parties)
        )
    contents = program.contents.all()
    if not contents.exists():
        missing.append(_("The program has no content yet; add at least one."))
    elif not contents.filter(indicators__isnull=False).exists():
        missing.append(_("No content has an indicator yet; add at least one indicator."))
    return missing


def program_send_for_signing(*, actor: User, program: Program) -> Program:
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        fresh = _lock_program(program.pk)
        if fresh.status == S.DRAFT:
            missing = missing_for_signing(fresh)
            if missing:
                raise ValidationError(missing, code="incomplete")
        return _move(
            actor=actor,
            program=fresh,
            source=S.DRAFT,
            target=S.SIGNING,
            action="send_for_signing",
            refused=_("Only a draft program can be sent for signing; its status is “{status}”."),
        )


def program_reopen(*, actor: User, program: Program) -> Program:
    """Back to draft for changes; the signatures collected so far are cleared (audited)."""
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        fresh = _lock_program(program.pk)
        moved = _move(
            actor=actor,
            program=fresh,
            source=S.SIGNING,
            target=S.DRAFT,
            action="reopen",
            refused=_(
                "Only a program being signed can be reopened for editing; its status is “{status}”."
            ),
        )
        signatures = list(Signature.objects.filter(party__program=fresh).select_related("party"))
        if signatures:
            audit.record_many(
                actor=actor,
                action="delete",
                changes=[(sig, audit.snapshot(sig), None) for sig in signatures],
            )
            Signature.objects.filter(pk__in=[s.pk for s in signatures]).delete()
        return moved


def program_start_review(*, actor: User, program: Program) -> Program:
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        return _move(
            actor=actor,
            program=_lock_program(program.pk),
            source=S.IN_FORCE,
            target=S.IN_REVIEW,
            action="start_review",
            refused=_("Only a program in force can be put under review; its status is “{status}”."),
        )


def program_resume(*, actor: User, program: Program) -> Program:
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        return _move(
            actor=actor,
            program=_lock_program(program.pk),
            source=S.IN_REVIEW,
            target=S.IN_FORCE,
            action="resume",
            refused=_(
                "Only a program under review can be put back in force; its status is “{status}”."
            ),
        )


def program_close(*, actor: User, program: Program) -> Program:
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        return _move(
            actor=actor,
            program=_lock_program(program.pk),
            source=S.IN_REVIEW,
            target=S.CLOSED,
            action="close",
            refused=_("Only a program under review can be closed; its status is “{status}”."),
        )


# -- signing ---------------------------------------------------------------------------


def program_sign(
    *,
    actor: User,
    party: ProgramParty,
    signer_name: str,
    signer_title: str,
    signed_at: datetime.datetime,
    signer_person: Person | None = None,
    signed_copy: File | None = None,
) -> Signature:
    """Record a party's signature, by a leader signing for that organization or by the
    secretariat on the signer's behalf. The name and title are kept as written then. When
    the last party signs, the program comes into force on that day."""
    permissions.require(actor, permissions.SIGN, party)
    with transaction.atomic():
        program = _lock_program(party.program_id)
        not_signing = _(
            "Signatures are recorded only while the program is being signed; its status is "
            "“{status}”."
        )
        if program.status != S.SIGNING:
            raise ValidationError(
                not_signing.format(status=_status_label(program.status)),
                code="invalid_transition",
            )
        fresh = ProgramParty.objects.select_related("organization").get(pk=party.pk)
        if Signature.objects.filter(party=fresh).exists():
            raise ValidationError(
                _("{party} has already signed this program.").format(party=fresh),
                code="already_signed",
            )
        if signer_person is not None and signer_person.committee_id != program.committee_id:
            raise ValidationError(
                {"signer": _("The signer must be a person of the program's committee.")}
            )
        if timezone.is_naive(signed_at):
            signed_at = timezone.make_aware(signed_at)
        if signed_at > clock.now():
            raise ValidationError({"signed_at": _("The signing time cannot be in the future.")})
        signature = Signature(
            party=fresh,
            signer=signer_person,
            signer_name=signer_name.strip(),
            signer_title=signer_title.strip(),
            signed_at=signed_at,
            recorded_by=actor,
        )
        if signed_copy is not None:
            signature.signed_copy = signed_copy
        signature.full_clean()
        signature.save()
        audit.record(actor=actor, action="sign", obj=signature, after=audit.snapshot(signature))

        unsigned = program.parties.filter(signature__isnull=True).exists()
        if not unsigned:
            last = Signature.objects.filter(party__program=program).aggregate(
                m=models.Max("signed_at")
            )["m"]
            _move(
                actor=actor,
                program=program,
                source=S.SIGNING,
                target=S.IN_FORCE,
                action="in_force",
                refused=not_signing,
                extra={"signed_on": timezone.localdate(last)},
            )
        return signature


# -- publishing ------------------------------------------------------------------------

PUBLISHABLE = frozenset({S.IN_FORCE, S.IN_REVIEW, S.CLOSED})


def program_publish(*, actor: User, program: Program) -> Program:
    """Show the program's summary to the public (only once it is in force)."""
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        fresh = _lock_program(program.pk)
        if fresh.status not in PUBLISHABLE:
            raise ValidationError(
                _(
                    "Only a program in force (or later) can be published; its status is “{status}”."
                ).format(status=_status_label(fresh.status)),
                code="not_publishable",
            )
        if fresh.is_published:
            return fresh
        return core_services.model_update(
            actor=actor, obj=fresh, data={"is_published": True}, action="publish"
        )


def program_unpublish(*, actor: User, program: Program) -> Program:
    permissions.require(actor, permissions.CHANGE, program)
    with transaction.atomic():
        fresh = _lock_program(program.pk)
        if not fresh.is_published:
            return fresh
        return core_services.model_update(
            actor=actor, obj=fresh, data={"is_published": False}, action="unpublish"
        )


# -- cloning ---------------------------------------------------------------------------


class _OrgMap:
    """Maps the source's organizations to the ones the clone uses: the newest successor
    in the target committee, or the organization itself when it is still there and has
    not ended before the new period."""

    def __init__(self, committee: Committee, period_start: datetime.date) -> None:
        self.committee = committee
        self.period_start = period_start
        self.found: dict[int, Organization] = {}
        self.unmapped: dict[int, Organization] = {}

    def resolve(self, org: Organization) -> None:
        if org.pk in self.found or org.pk in self.unmapped:
            return
        for candidate in reversed([org, *successor_chain(org)]):
            if candidate.committee_id == self.committee.pk and not candidate.is_trashed:
                if candidate.valid_to is None or candidate.valid_to >= self.period_start:
                    self.found[org.pk] = candidate
                    return
                break
        self.unmapped[org.pk] = org

    def __getitem__(self, org: Organization) -> Organization:
        return self.found[org.pk]


def _default_clone_title(source: Program, year: int) -> str:
    if str(source.year) in source.title:
        return source.title.replace(str(source.year), str(year))
    return f"{source.title} – {year}"


def _saved[M: models.Model](obj: M) -> M:
    obj.full_clean()
    obj.save()
    return obj


def _merged_targets(indicator: Indicator, org_map: _OrgMap) -> dict[int | None, Decimal]:
    """Targets by (substituted) organization; merged organizations' targets are added up,
    or the largest kept when the indicator does not add up."""
    values: dict[int | None, Decimal] = {}
    for target in indicator.targets.all():
        key = org_map[target.organization].pk if target.organization is not None else None
        if key not in values:
            values[key] = target.value
        elif indicator.aggregation == Aggregation.SUM:
            values[key] += target.value
        else:
            values[key] = max(values[key], target.value)
    return values


def _clone_content(
    clone: Program, content: ProgramContent, org_map: _OrgMap, shift: int
) -> list[models.Model]:
    lead = org_map[content.lead]
    co_orgs = {org_map[o].pk: org_map[o] for o in content.co_organizations.all()}
    co_orgs.pop(lead.pk, None)
    new_content = _saved(
        ProgramContent(
            program=clone,
            order=content.order,
            title=content.title,
            description=content.description,
            lead=lead,
            starts_on=_shift_years(content.starts_on, shift) if content.starts_on else None,
            ends_on=_shift_years(content.ends_on, shift) if content.ends_on else None,
            lineage=content,
        )
    )
    new_content.co_organizations.set(co_orgs.values())
    new_content.target_groups.set(content.target_groups.all())
    new_content.legal_basis.set(content.legal_basis.all())
    created: list[models.Model] = [new_content]
    for indicator in content.indicators.all():
        new_indicator = _saved(
            Indicator(
                content=new_content,
                order=indicator.order,
                name=indicator.name,
                unit=indicator.unit,
                aggregation=indicator.aggregation,
                lineage=indicator,
            )
        )
        created.append(new_indicator)
        for org_id, value in _merged_targets(indicator, org_map).items():
            created.append(
                _saved(Target(indicator=new_indicator, organization_id=org_id, value=value))
            )
    return created


def program_clone(
    *,
    actor: User,
    source: Program,
    year: int,
    title: str | None = None,
    committee: Committee | None = None,
) -> Program:
    """Start a new year from `source`: a draft with its parties, contents (linked to the
    source ones), indicators (linked too), target groups, legal basis and targets, never
    its signatures. Organizations that have been succeeded are replaced by their newest
    successor in the target committee (`committee`: the source's by default, or one of
    its successors); parties merged into one appear once; targets of organizations merged
    into one are added up (the largest is kept for indicators that do not add up)."""
    if not permissions.can(actor, permissions.VIEW, source):
        raise PermissionDenied
    committee = committee or source.committee
    _require_committee_secretariat(actor, committee)
    if committee.pk != source.committee_id and committee.pk not in _successors_of(source.committee):
        raise ValidationError(
            {"committee": _("A program can be cloned only into its own committee or a successor.")}
        )
    shift = year - source.year
    start, end = _shift_years(source.period_start, shift), _shift_years(source.period_end, shift)
    org_map = _OrgMap(committee, start)

    parties = list(source.parties.select_related("organization").order_by("order", "id"))
    contents = list(
        source.contents.select_related("lead").prefetch_related(
            "co_organizations", "target_groups", "legal_basis", "indicators__targets__organization"
        )
    )
    for org in _organizations_named(parties, contents):
        org_map.resolve(org)
    if org_map.unmapped:
        raise ValidationError(
            _(
                "These organizations have ended or belong to another committee, and no "
                "successor of theirs in {committee} is recorded: {names}. Record their "
                "successions first."
            ).format(
                committee=committee,
                names="; ".join(sorted(str(o) for o in org_map.unmapped.values())),
            ),
            code="no_successor",
        )

    with transaction.atomic():
        clone = _saved(
            Program(
                committee=committee,
                year=year,
                title=(title or _default_clone_title(source, year)).strip(),
                period_start=start,
                period_end=end,
                reporting_frequency=source.reporting_frequency,
                deadline_days=source.deadline_days,
                lead_may_approve=source.lead_may_approve,
                previous=source,
            )
        )
        clone.legal_basis.set(source.legal_basis.all())
        audit.record(
            actor=actor,
            action="clone",
            obj=clone,
            after=audit.snapshot(clone),
            note=f"source={source.pk}",
        )
        created: list[models.Model] = []
        party_orgs: set[int] = set()
        for party in parties:
            org = org_map[party.organization]
            if org.pk not in party_orgs:  # parties merged into one sign once
                party_orgs.add(org.pk)
                created.append(
                    _saved(ProgramParty(program=clone, organization=org, order=party.order))
                )
        for content in contents:
            created.extend(_clone_content(clone, content, org_map, shift))
        audit.record_many(
            actor=actor,
            action="create",
            changes=[(obj, None, audit.snapshot(obj)) for obj in created],
        )
        return clone


def _organizations_named(
    parties: list[ProgramParty], contents: list[ProgramContent]
) -> list[Organization]:
    orgs = [party.organization for party in parties]
    for content in contents:
        orgs.append(content.lead)
        orgs.extend(content.co_organizations.all())
        for indicator in content.indicators.all():
            orgs.extend(t.organization for t in indicator.targets.all() if t.organization)
    return orgs


def _successors_of(committee: Committee) -> set[int]:
    found: set[int] = set()
    current = committee
    while current.successor_id is not None and current.successor_id not in found:
        found.add(current.successor_id)
        current = Committee.objects.get(pk=current.successor_id)
    return found
