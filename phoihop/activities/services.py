"""Writes of activity reports: create, edit, submit, approve or return, revise, credits,
attachments, nil reports, comments, trash.

Every service is keyword-only, takes the acting user, runs in one transaction, checks
permissions through the policies (phoihop.activities.policies) and writes audit events.

Decisions written down here (and in docs/ by the app's owner):
- Participants: a content that lists target groups accepts only those; a content that
  lists none accepts any group of the catalogue. Zero counts and zero amounts are not
  stored (they mean "none"); a value of zero for an indicator is stored.
- Reports are written by the focal points of the reporting organization, under a
  content its organization (or an organization above it) leads or co-operates on.
- Program status: drafts may be written while the program is being signed or is in
  force; submission (and nil reports, and revisions) only while it is in force; approval
  and return also while it is under review.
- A nil report is refused when the organization has a report that is not a draft
  (submitted, returned, approved or superseded) overlapping the period.
- Status changes and edits bump `version`; credit, attachment and comment changes do
  not, so that uploading a photo never conflicts with the form it was taken from.
- A revision copies the report with its parts, including credit confirmations (the
  co-organizers took part in the same activity) and attachments (sharing the files);
  comments stay with the revision they were written on.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from phoihop.activities import events, files
from phoihop.activities.choices import ActivityStatus, FundingSource
from phoihop.activities.models import (
    Activity,
    Attachment,
    Comment,
    Credit,
    Funding,
    IndicatorValue,
    NilReport,
    Participation,
)
from phoihop.activities.policies import CONFIRM, EDITABLE, REVISE
from phoihop.core import audit, clock, permissions
from phoihop.core import services as core_services
from phoihop.core.bulk import insert_rows
from phoihop.core.models import User
from phoihop.core.workflow import Transitions
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Organization
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Indicator, Program, ProgramContent, TargetGroup

S = ActivityStatus

TRANSITIONS = Transitions(
    {
        S.DRAFT: {S.SUBMITTED},
        S.RETURNED: {S.SUBMITTED},
        S.SUBMITTED: {S.APPROVED, S.RETURNED},
        S.APPROVED: {S.SUPERSEDED},
    },
    # Lazy labels, translated when a refusal is worded (in the user's language).
    labels=cast("dict[str, str]", dict(S.choices)),
)

# Program statuses in which each kind of write is open.
DRAFTING = frozenset({ProgramStatus.SIGNING, ProgramStatus.IN_FORCE})
SUBMITTING = frozenset({ProgramStatus.IN_FORCE})
DECIDING = frozenset({ProgramStatus.IN_FORCE, ProgramStatus.IN_REVIEW})

# Fields activity_update may change, besides the parts.
UPDATABLE_FIELDS = frozenset(
    {"title", "start_date", "end_date", "locality", "narrative", "not_for_publication", "content"}
)
PARTS = frozenset({"participants", "values", "funding", "co_organizations"})


ValueInput = Decimal | int | str | tuple[Any, Any] | list[Any]


class ActivityConflict(ValidationError):  # noqa: N818 - the name the API promises
    """Someone changed the report since the caller read it.

    `current` holds the server's values (fields and parts, as in the audit trail) and
    `current_version` the version to send with the next attempt, so a form can show
    what changed and let the person apply their edits again."""

    def __init__(self, activity: Activity, current: dict[str, Any]) -> None:
        super().__init__(
            _(
                "Someone else changed this report while you were editing it (it is now at "
                "version {version}). Review the current values and apply your changes again."
            ).format(version=activity.version),
            code="conflict",
        )
        self.current = current
        self.current_version = activity.version


# -- helpers -----------------------------------------------------------------------------


def _pk(value: Model | int | str) -> int:
    """The id of an object or of an id given as text; 0 (no row) when it is not one, so
    the caller reports it as unknown rather than failing."""
    if isinstance(value, Model):
        return int(value.pk)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _snapshot(activity: Activity) -> dict[str, Any]:
    """The report with its parts, as JSON: what an update changed is all in one event."""
    data = audit.snapshot(activity)
    data["participants"] = {
        str(group): count
        for group, count in Participation.objects.filter(activity=activity)
        .order_by("target_group_id")
        .values_list("target_group_id", "count")
    }
    data["values"] = {
        str(indicator): [str(value), None if denominator is None else str(denominator)]
        for indicator, value, denominator in IndicatorValue.objects.filter(activity=activity)
        .order_by("indicator_id")
        .values_list("indicator_id", "value", "denominator")
    }
    data["funding"] = dict(
        Funding.objects.filter(activity=activity).order_by("source").values_list("source", "amount")
    )
    data["credits"] = {
        str(org): confirmed is not None
        for org, confirmed in Credit.objects.filter(activity=activity)
        .order_by("organization_id")
        .values_list("organization_id", "confirmed_at")
    }
    return data


def _lock(activity: Activity) -> Activity:
    """The current row, locked until the end of the transaction. Only the report's own
    row is locked (`of=("self",)`: PostgreSQL would lock the joined rows too); the
    joins save the queries that validating it would make."""
    return (
        Activity.all_objects.select_for_update(of=("self",))
        .select_related("program", "content", "organization", "locality")
        .get(pk=activity.pk)
    )


def _sync(target: Activity, source: Activity) -> None:
    """Give the caller's object the saved values, so it never carries a stale version
    (copied from the locked row just saved, rather than read again)."""
    if target is source:
        return
    for field in Activity._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    for name in ("program", "content", "organization", "locality"):
        if cast(Any, Activity._meta.get_field(name)).is_cached(source):
            setattr(target, name, getattr(source, name))


def _require_visible(actor: Any, activity: Activity) -> None:
    if not permissions.can(actor, permissions.VIEW, activity):
        raise PermissionDenied


def _require_alive(activity: Activity) -> None:
    if activity.is_trashed:
        raise ValidationError(_("The report is in the trash; restore it first."), code="trashed")


def _require_editable(actor: Any, activity: Activity) -> None:
    if activity.status not in EDITABLE:
        if activity.status in (S.APPROVED, S.SUPERSEDED):
            message = _("An approved report is locked; start a revision to change it.")
        else:
            message = _(
                "The report has been submitted and waits for a decision; it can be edited "
                "again if it is returned."
            )
        raise ValidationError(message, code="locked")
    permissions.require(actor, permissions.CHANGE, activity)


def _program_allows(program: Program, allowed: frozenset[str], what: str) -> None:
    if program.status not in allowed:
        raise ValidationError(
            what.format(program=program.title, status=program.get_status_display()),
            code="program_status",
        )


def _drafting_message() -> str:
    return _(
        "Reports can be written only while the program “{program}” is being signed or is in "
        "force; it is now “{status}”."
    )


def _submitting_message() -> str:
    return _(
        "Reports can be submitted only while the program “{program}” is in force; it is now "
        "“{status}”."
    )


def _deciding_message() -> str:
    return _(
        "Reports of the program “{program}” can be approved or returned only while it is in "
        "force or under review; it is now “{status}”."
    )


def _is_focal_for(actor: Any, committee_id: int, organization_id: int) -> bool:
    scope = permissions.get_scope(actor)
    return committee_id in scope.committees_with(
        permissions.FOCAL
    ) and organization_id in scope.orgs_for(committee_id, permissions.FOCAL)


def _takes_part(content: ProgramContent, organization: Organization) -> bool:
    """The organization, or one it is a branch of, leads or co-operates on the content."""
    members = {content.lead_id, *content.co_organizations.values_list("pk", flat=True)}
    seen: set[int] = set()
    org: Organization | None = organization
    while org is not None and org.pk not in seen:
        if org.pk in members:
            return True
        seen.add(org.pk)
        org = org.parent
    return False


def _whole(value: Any) -> int | None:
    """A whole number, or None if the value is not one (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, (bool, float)):
        return None  # floats are inexact; forms and imports give strings or Decimals
    try:
        return Decimal(str(value).strip()) if isinstance(value, (int, str)) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@dataclass
class _Parts:
    participations: list[Participation] | None = None
    values: list[IndicatorValue] | None = None
    funding: list[Funding] | None = None
    co_organizations: list[Organization] | None = None


class _Cache:
    """What the checks of many reports share, read once per call instead of once per
    report: the same queries as the single services make, answered from memory."""

    def __init__(self, reports: Iterable[Mapping[str, Any]] = ()) -> None:
        reports = list(reports)
        self.allowed: dict[int, set[int]] = {}
        self.indicators: dict[int, dict[int, Indicator]] = {}
        self.takes_part: dict[tuple[int, int], bool] = {}
        self.groups: dict[int, TargetGroup] = TargetGroup.objects.in_bulk(
            {_pk(k) for r in reports for k in (r.get("participants") or {})}
        )
        self.organizations: dict[int, Organization] = Organization.objects.in_bulk(
            {_pk(o) for r in reports for o in (r.get("co_organizations") or ())}
        )
        contents = {r["content"].pk for r in reports if isinstance(r.get("content"), Model)}
        self.load_contents(contents)

    def load_contents(self, ids: Iterable[int]) -> None:
        wanted = set(ids) - set(self.allowed)
        if not wanted:
            return
        for pk in wanted:
            self.allowed[pk] = set()
            self.indicators[pk] = {}
        through = ProgramContent.target_groups.through
        for content_id, group_id in through.objects.filter(
            programcontent_id__in=wanted
        ).values_list("programcontent_id", "targetgroup_id"):
            self.allowed[content_id].add(group_id)
        for indicator in Indicator.objects.filter(content_id__in=wanted):
            self.indicators[indicator.content_id][indicator.pk] = indicator

    def allowed_groups(self, content: ProgramContent) -> set[int]:
        self.load_contents([content.pk])
        return self.allowed[content.pk]

    def indicators_of(self, content: ProgramContent) -> dict[int, Indicator]:
        self.load_contents([content.pk])
        return self.indicators[content.pk]

    def groups_in(self, ids: set[int]) -> dict[int, TargetGroup]:
        missing = ids - set(self.groups)
        if missing:
            self.groups.update(TargetGroup.objects.in_bulk(missing))
        return self.groups

    def organizations_in(self, ids: set[int]) -> dict[int, Organization]:
        missing = ids - set(self.organizations)
        if missing:
            self.organizations.update(Organization.objects.in_bulk(missing))
        return self.organizations

    def content_taken_part(self, content: ProgramContent, organization: Organization) -> bool:
        key = (content.pk, organization.pk)
        if key not in self.takes_part:
            self.takes_part[key] = _takes_part(content, organization)
        return self.takes_part[key]


def _participations(
    activity: Activity, participants: Mapping[Any, Any], cache: _Cache | None = None
) -> tuple[list[Participation], list[str]]:
    rows, problems = [], []
    if cache is not None:
        allowed = cache.allowed_groups(activity.content)
        groups = cache.groups_in({_pk(k) for k in participants})
    else:
        allowed = set(activity.content.target_groups.values_list("pk", flat=True))
        groups = TargetGroup.objects.in_bulk({_pk(k) for k in participants})
    seen: set[int] = set()
    for key, raw in participants.items():
        group = groups.get(_pk(key))
        count = _whole(raw)
        if group is None:
            problems.append(_("Unknown target group (id {id}).").format(id=_pk(key)))
        elif group.pk in seen:
            problems.append(_("“{group}” is given twice.").format(group=group.name))
        elif allowed and group.pk not in allowed:
            problems.append(
                _("“{group}” is not a target group of this content.").format(group=group.name)
            )
        elif count is None or count < 0:
            problems.append(
                _(
                    "The number of participants of “{group}” must be a whole number, zero or more."
                ).format(group=group.name)
            )
        elif count:
            rows.append(Participation(activity=activity, target_group=group, count=count))
        if group is not None:
            seen.add(group.pk)
    return rows, problems


def _plainly_allowed(row: IndicatorValue) -> bool:
    """IndicatorValue's check constraints (value ≥ 0, denominator empty or > 0) asked in
    Python. Validating a constraint costs a query; a row this passes would pass them, and
    a row it does not is validated (and worded) by Django as in the single services.
    The database enforces the constraints whatever this says."""
    try:
        return row.value >= 0 and (row.denominator is None or row.denominator > 0)
    except (TypeError, InvalidOperation):
        return False


def _indicator_values(
    activity: Activity, values: Mapping[Any, ValueInput], cache: _Cache | None = None
) -> tuple[list[IndicatorValue], list[str]]:
    rows, problems = [], []
    content = activity.content
    if cache is not None:
        indicators = cache.indicators_of(content)
    else:
        indicators = {i.pk: i for i in Indicator.objects.filter(content=content)}
    seen: set[int] = set()
    for key, raw in values.items():
        indicator = indicators.get(_pk(key))
        if indicator is None:
            problems.append(
                _("The indicator (id {id}) does not belong to the content “{content}”.").format(
                    id=_pk(key), content=content.title
                )
            )
            continue
        if indicator.pk in seen:
            problems.append(_("“{indicator}” is given twice.").format(indicator=indicator.name))
            continue
        seen.add(indicator.pk)
        raw_value, raw_denominator = raw if isinstance(raw, (tuple, list)) else (raw, None)
        value = _decimal(raw_value)
        denominator = None if raw_denominator in (None, "") else _decimal(raw_denominator)
        if value is None or (raw_denominator not in (None, "") and denominator is None):
            problems.append(
                _("The value of “{indicator}” must be a number.").format(indicator=indicator.name)
            )
            continue
        row = IndicatorValue(
            activity=activity, indicator=indicator, value=value, denominator=denominator
        )
        try:
            # One row per indicator is ensured above (`seen`), so no unique query; in a
            # bulk call, no constraint queries for a row plainly inside them.
            row.full_clean(
                exclude=["activity"],
                validate_unique=False,
                validate_constraints=cache is None or not _plainly_allowed(row),
            )
        except ValidationError as exc:
            problems.extend(
                _("“{indicator}”: {error}").format(indicator=indicator.name, error=m)
                for m in _messages(exc)
            )
            continue
        rows.append(row)
    return rows, problems


def _funding(activity: Activity, funding: Mapping[str, Any]) -> tuple[list[Funding], list[str]]:
    rows, problems = [], []
    labels = dict(FundingSource.choices)
    for source, raw in funding.items():
        amount = _whole(raw)
        if source not in labels:
            problems.append(_("Unknown funding source “{source}”.").format(source=source))
        elif amount is None or amount < 0:
            problems.append(
                _("The amount from “{source}” must be whole đồng, zero or more.").format(
                    source=labels[source]
                )
            )
        elif amount:
            rows.append(Funding(activity=activity, source=source, amount=amount))
    return rows, problems


def _co_organizers(
    activity: Activity, co_organizations: Iterable[Any], cache: _Cache | None = None
) -> tuple[list[Organization], list[str]]:
    orgs, problems = [], []
    wanted = {_pk(o) for o in co_organizations} - {activity.organization_id}
    found = cache.organizations_in(wanted) if cache else Organization.objects.in_bulk(wanted)
    for pk in sorted(wanted):
        org = found.get(pk)
        if org is None or org.committee_id != activity.committee_id:
            problems.append(
                _("The organization (id {id}) is not one of this committee's.").format(id=pk)
            )
        else:
            orgs.append(org)
    return orgs, problems


def _build_parts(
    activity: Activity,
    *,
    participants: Mapping[Any, Any] | None,
    values: Mapping[Any, ValueInput] | None,
    funding: Mapping[str, Any] | None,
    co_organizations: Iterable[Any] | None,
    cache: _Cache | None = None,
) -> tuple[_Parts, dict[str, list[str]]]:
    """Validate the parts given against the activity's content: unsaved rows and errors."""
    parts = _Parts()
    errors: dict[str, list[str]] = {}
    if participants is not None:
        parts.participations, errors["participants"] = _participations(
            activity, participants, cache
        )
    if values is not None:
        parts.values, errors["values"] = _indicator_values(activity, values, cache)
    if funding is not None:
        parts.funding, errors["funding"] = _funding(activity, funding)
    if co_organizations is not None:
        parts.co_organizations, errors["co_organizations"] = _co_organizers(
            activity, co_organizations, cache
        )
    return parts, {name: problems for name, problems in errors.items() if problems}


def _save_parts(activity: Activity, parts: _Parts) -> None:
    """Replace each part that was given; leave the others as they are."""
    if parts.participations is not None:
        Participation.objects.filter(activity=activity).delete()
        Participation.objects.bulk_create(parts.participations)
    if parts.values is not None:
        IndicatorValue.objects.filter(activity=activity).delete()
        IndicatorValue.objects.bulk_create(parts.values)
    if parts.funding is not None:
        Funding.objects.filter(activity=activity).delete()
        Funding.objects.bulk_create(parts.funding)
    if parts.co_organizations is not None:
        wanted = {o.pk for o in parts.co_organizations}
        Credit.objects.filter(activity=activity).exclude(
            organization_id=activity.organization_id
        ).exclude(organization_id__in=wanted).delete()
        have = set(
            Credit.objects.filter(activity=activity).values_list("organization_id", flat=True)
        )
        Credit.objects.bulk_create(
            Credit(activity=activity, organization_id=pk) for pk in sorted(wanted - have)
        )


def _validate(activity: Activity, part_errors: dict[str, list[str]], **clean: Any) -> None:
    """The report's own checks and its parts' in one error, so a form shows them all."""
    errors: dict[str, list[str]] = {k: list(v) for k, v in part_errors.items()}
    try:
        activity.full_clean(**clean)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _for_retry(actor: Any, existing: Activity) -> Activity:
    """A retried create: the same author gets the report back unchanged."""
    if existing.created_by_id != getattr(actor, "pk", None):
        raise ValidationError(
            _("This report id is already used by another report; reload the form and try again."),
            code="uuid_taken",
        )
    _require_visible(actor, existing)
    return existing


def _as_uuid(value: Any) -> uuidlib.UUID:
    try:
        return value if isinstance(value, uuidlib.UUID) else uuidlib.UUID(str(value))
    except ValueError as exc:
        raise ValidationError(_("The report id is not valid."), code="invalid_uuid") from exc


# -- reports -----------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: User,
    program: Program,
    content: ProgramContent,
    organization: Organization,
    title: str,
    start_date: Any,
    end_date: Any,
    locality: AdminUnit,
    uuid: uuidlib.UUID | str | None = None,
    narrative: str = "",
    not_for_publication: bool = False,
    participants: Mapping[TargetGroup | int, int] | None = None,
    values: Mapping[Indicator | int, ValueInput] | None = None,
    funding: Mapping[str, int] | None = None,
    co_organizations: Iterable[Organization | int] = (),
) -> Activity:
    """A new draft. With a client-generated `uuid` a retry returns the first report."""
    if uuid is not None:
        uuid = _as_uuid(uuid)
        existing = Activity.all_objects.filter(uuid=uuid).first()
        if existing is not None:
            return _for_retry(actor, existing)
    if not _is_focal_for(actor, program.committee_id, organization.pk):
        raise PermissionDenied
    _program_allows(program, DRAFTING, _drafting_message())

    activity = Activity(
        committee_id=program.committee_id,
        program=program,
        content=content,
        organization=organization,
        title=title,
        start_date=start_date,
        end_date=end_date,
        locality=locality,
        narrative=narrative,
        not_for_publication=not_for_publication,
        created_by=actor,
        status=S.DRAFT,
        version=1,
    )
    if uuid is not None:
        activity.uuid = uuid
    parts, errors = _build_parts(
        activity,
        participants=participants or {},
        values=values or {},
        funding=funding or {},
        co_organizations=co_organizations,
    )
    if (
        content.program_id == program.pk
        and organization.committee_id == program.committee_id
        and not _takes_part(content, organization)
    ):
        errors.setdefault("content", []).append(
            _(
                "“{organization}” neither leads nor co-operates on this content; choose a "
                "content of your organization."
            ).format(organization=organization.name)
        )
    # The uuid's uniqueness is settled by the insert below, which also catches a
    # concurrent retry of the same submission.
    # Constraints are left to the insert (see core.services.save_checked); it also
    # settles the uuid's uniqueness when a retry of the same submission races this one.
    _validate(activity, errors, exclude=["uuid"], validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        existing = Activity.all_objects.filter(uuid=activity.uuid).first()
        if existing is None:
            activity.validate_unique(exclude=["uuid"])
            activity.validate_constraints(exclude=["uuid"])
            raise
        return _for_retry(actor, existing)
    _save_parts(activity, parts)
    Credit.objects.create(
        activity=activity,
        organization=organization,
        confirmed_at=clock.now(),
        confirmed_by=actor,
    )
    audit.record(actor=actor, action="create", obj=activity, after=_snapshot(activity))
    return activity


@transaction.atomic
def activity_update(
    *, actor: User, activity: Activity, expected_version: int, **changes: Any
) -> Activity:
    """Edit a draft or returned report; parts given are replaced as a whole.

    Raises ActivityConflict when the report is no longer at `expected_version`."""
    unknown = set(changes) - UPDATABLE_FIELDS - PARTS
    if unknown:
        raise TypeError(f"activity_update() got unexpected fields: {sorted(unknown)}")
    current = _lock(activity)
    _require_visible(actor, current)
    _require_alive(current)
    if expected_version != current.version:
        raise ActivityConflict(current, _snapshot(current))
    _require_editable(actor, current)
    _program_allows(current.program, DRAFTING, _drafting_message())

    before = _snapshot(current)
    for name in UPDATABLE_FIELDS & set(changes):
        setattr(current, name, changes[name])
    part_input: dict[str, Any] = {name: changes.get(name) for name in PARTS}
    if "content" in changes:
        # Values and participants must fit the new content: check the ones kept too.
        if part_input["values"] is None:
            part_input["values"] = {
                i: (v, d)
                for i, v, d in IndicatorValue.objects.filter(activity=current).values_list(
                    "indicator_id", "value", "denominator"
                )
            }
        if part_input["participants"] is None:
            part_input["participants"] = dict(
                Participation.objects.filter(activity=current).values_list(
                    "target_group_id", "count"
                )
            )
    parts, errors = _build_parts(current, **part_input)
    if "content" in changes and not _takes_part(current.content, current.organization):
        errors.setdefault("content", []).append(
            _(
                "“{organization}” neither leads nor co-operates on this content; choose a "
                "content of your organization."
            ).format(organization=current.organization.name)
        )
    _validate(current, errors)
    current.version += 1
    current.save()
    _save_parts(current, parts)
    after = _snapshot(current)
    audit.record(actor=actor, action="update", obj=current, before=before, after=after)
    _sync(activity, current)
    return current


def _transition(
    current: Activity, target: str, **fields: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Move the locked row to `target`, bump its version, return the before/after values."""
    before = audit.snapshot(current)
    TRANSITIONS.check(current.status, target)
    current.status = target
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    core_services.save_checked(current, exclude=["uuid"])
    return before, audit.snapshot(current)


def _check_version(current: Activity, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != current.version:
        raise ActivityConflict(current, _snapshot(current))


@transaction.atomic
def activity_submit(
    *, actor: User, activity: Activity, expected_version: int | None = None
) -> Activity:
    current = _lock(activity)
    _require_visible(actor, current)
    _require_alive(current)
    _check_version(current, expected_version)
    TRANSITIONS.check(current.status, S.SUBMITTED)
    permissions.require(actor, permissions.SUBMIT, current)
    _program_allows(current.program, SUBMITTING, _submitting_message())
    before, after = _transition(current, S.SUBMITTED, submitted_at=clock.now(), submitted_by=actor)
    audit.record(actor=actor, action="submit", obj=current, before=before, after=after)
    _sync(activity, current)
    return current


def _notify(current: Activity, kind: str) -> None:
    """Tell the report's author and submitter of the decision, in the app, in the same
    transaction (a decision rolled back notifies nobody). Worded in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "returned":
            text = _("Your report “{title}” was returned: {reason}").format(
                title=current.title, reason=current.return_reason
            )
        else:
            text = _("Your report “{title}” was approved.").format(title=current.title)
    core_services.notification_create(
        recipients=[current.created_by_id, current.submitted_by_id],
        kind=kind,
        text=text,
        url=reverse("activities:detail", args=[current.pk]),
    )


def _check_decision(actor: Any, current: Activity, target: str) -> None:
    """Everything that must hold before `actor` approves or returns the report."""
    _require_visible(actor, current)
    _require_alive(current)
    TRANSITIONS.check(current.status, target)
    if getattr(actor, "pk", None) in (current.created_by_id, current.submitted_by_id):
        raise ValidationError(
            _("You wrote or submitted this report; someone else must decide on it."),
            code="own_report",
        )
    permissions.require(actor, permissions.APPROVE, current)
    _program_allows(current.program, DECIDING, _deciding_message())


def _approve(actor: User, current: Activity) -> list[tuple[str, Activity, dict, dict]]:
    """Approve the locked row; the series' approved revision, if any, is superseded first
    (the database allows one approved row per series at any moment)."""
    changes: list[tuple[str, Activity, dict, dict]] = []
    old = (
        Activity.all_objects.select_for_update()
        .filter(series=current.series, status=S.APPROVED)
        .exclude(pk=current.pk)
        .first()
    )
    if old is not None:
        before, after = _transition(old, S.SUPERSEDED)
        changes.append(("supersede", old, before, after))
        events.announce(events.SUPERSEDED, [old.pk])
    before, after = _transition(current, S.APPROVED, decided_at=clock.now(), decided_by=actor)
    changes.append(("approve", current, before, after))
    events.announce(events.APPROVED, [current.pk])
    _notify(current, "approved")
    return changes


@transaction.atomic
def activity_approve(
    *, actor: User, activity: Activity, expected_version: int | None = None
) -> Activity:
    current = _lock(activity)
    _check_version(current, expected_version)
    _check_decision(actor, current, S.APPROVED)
    for action, obj, before, after in _approve(actor, current):
        audit.record(actor=actor, action=action, obj=obj, before=before, after=after)
    _sync(activity, current)
    return current


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the report is returned, so its authors know what to fix.")},
            code="reason_required",
        )
    return reason


def _return(actor: User, current: Activity, reason: str) -> tuple[dict, dict]:
    before, after = _transition(
        current,
        S.RETURNED,
        decided_at=clock.now(),
        decided_by=actor,
        return_reason=reason,
    )
    events.announce(events.RETURNED, [current.pk])
    _notify(current, "returned")
    return before, after


@transaction.atomic
def activity_return(
    *, actor: User, activity: Activity, reason: str, expected_version: int | None = None
) -> Activity:
    reason = _clean_reason(reason)
    current = _lock(activity)
    _check_version(current, expected_version)
    _check_decision(actor, current, S.RETURNED)
    before, after = _return(actor, current, reason)
    audit.record(actor=actor, action="return", obj=current, before=before, after=after)
    _sync(activity, current)
    return current


def _lock_many(activities: Iterable[Activity | int]) -> list[Activity]:
    ids = sorted({_pk(a) for a in activities})
    if not ids:
        raise ValidationError(_("Choose at least one report."), code="empty")
    # A stable order of locks, so two bulk decisions cannot deadlock each other.
    locked = list(
        Activity.all_objects.select_for_update(of=("self",))
        .select_related("program", "content", "organization", "locality")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise ValidationError(
            _("Some of the chosen reports no longer exist; reload the list."), code="missing"
        )
    return locked


def _bulk(actor: User, locked: list[Activity], target: str) -> None:
    """Refuse the whole batch, naming every report that cannot be decided."""
    problems: list[str] = []
    for activity in locked:
        try:
            _check_decision(actor, activity, target)
        except ValidationError as exc:
            problems.extend(
                _("“{title}”: {error}").format(title=activity.title, error=m)
                for m in _messages(exc)
            )
        except PermissionDenied:
            problems.append(
                _("“{title}”: you may not decide on this report.").format(title=activity.title)
            )
    if problems:
        raise ValidationError(problems, code="bulk_refused")


@transaction.atomic
def activities_approve_many(*, actor: User, activities: Iterable[Activity | int]) -> list[Activity]:
    """Approve all or none: one refused report leaves every report as it was."""
    locked = _lock_many(activities)
    _bulk(actor, locked, S.APPROVED)
    by_action: dict[str, list[tuple[Model, dict | None, dict | None]]] = {}
    for activity in locked:
        for action, obj, before, after in _approve(actor, activity):
            by_action.setdefault(action, []).append((obj, before, after))
    for action, rows in by_action.items():
        audit.record_many(actor=actor, action=action, changes=rows)
    return locked


@transaction.atomic
def activities_return_many(
    *, actor: User, activities: Iterable[Activity | int], reason: str
) -> list[Activity]:
    """Return all or none, with the same reason."""
    reason = _clean_reason(reason)
    locked = _lock_many(activities)
    _bulk(actor, locked, S.RETURNED)
    rows: list[tuple[Model, dict | None, dict | None]] = []
    for activity in locked:
        before, after = _return(actor, activity, reason)
        rows.append((activity, before, after))
    audit.record_many(actor=actor, action="return", changes=rows)
    return locked


@transaction.atomic
def activity_revise(
    *, actor: User, activity: Activity, uuid: uuidlib.UUID | str | None = None
) -> Activity:
    """A new draft copying an approved report. The approved one keeps counting until the
    revision is approved; then it is superseded in the same transaction."""
    if uuid is not None:
        uuid = _as_uuid(uuid)
        existing = Activity.all_objects.filter(uuid=uuid).first()
        if existing is not None:
            if existing.revision_of_id != activity.pk:
                raise ValidationError(
                    _(
                        "This report id is already used by another report; reload the form and "
                        "try again."
                    ),
                    code="uuid_taken",
                )
            return _for_retry(actor, existing)
    current = _lock(activity)
    _require_visible(actor, current)
    _require_alive(current)
    if current.status != S.APPROVED:
        raise ValidationError(
            _("Only the approved report can be revised; this one is “{status}”.").format(
                status=current.get_status_display()
            ),
            code="not_approved",
        )
    permissions.require(actor, REVISE, current)
    _program_allows(current.program, SUBMITTING, _submitting_message())

    revision = Activity(
        committee_id=current.committee_id,
        series=current.series,
        revision_of=current,
        program_id=current.program_id,
        content_id=current.content_id,
        organization_id=current.organization_id,
        title=current.title,
        start_date=current.start_date,
        end_date=current.end_date,
        locality_id=current.locality_id,
        narrative=current.narrative,
        not_for_publication=current.not_for_publication,
        created_by=actor,
        status=S.DRAFT,
        version=1,
    )
    if uuid is not None:
        revision.uuid = uuid
    revision.full_clean()  # includes "one open revision per series"
    revision.save()
    Participation.objects.bulk_create(
        Participation(activity=revision, target_group_id=p.target_group_id, count=p.count)
        for p in current.participations.all()
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            activity=revision, indicator_id=v.indicator_id, value=v.value, denominator=v.denominator
        )
        for v in current.values.all()
    )
    Funding.objects.bulk_create(
        Funding(activity=revision, source=f.source, amount=f.amount) for f in current.funding.all()
    )
    Credit.objects.bulk_create(
        Credit(
            activity=revision,
            organization_id=c.organization_id,
            confirmed_at=c.confirmed_at,
            confirmed_by_id=c.confirmed_by_id,
        )
        for c in current.credits.all()
    )
    Attachment.objects.bulk_create(
        Attachment(
            activity=revision,
            kind=a.kind,
            file=a.file.name,
            caption=a.caption,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            uploaded_by_id=a.uploaded_by_id,
        )
        for a in current.attachments.all()
    )
    audit.record(
        actor=actor,
        action="revise",
        obj=revision,
        after=_snapshot(revision),
        note=f"revision_of={current.pk}",
    )
    return revision


# -- trash ---------------------------------------------------------------------------------


@transaction.atomic
def activity_trash(*, actor: User, activity: Activity) -> Activity:
    """Focal points delete their drafts and returned reports; the secretariat any report
    not approved. Approved reports stay: they are part of the figures and the history."""
    current = _lock(activity)
    _require_visible(actor, current)
    _require_alive(current)
    if current.status in (S.APPROVED, S.SUPERSEDED):
        raise ValidationError(
            _("An approved report cannot be deleted; it is part of the program's figures."),
            code="locked",
        )
    permissions.require(actor, permissions.DELETE, current)
    core_services.trash(actor=actor, obj=current)
    events.announce(events.TRASHED, [current.pk])
    _sync(activity, current)
    return current


@transaction.atomic
def activity_restore(*, actor: User, activity: Activity) -> Activity:
    current = _lock(activity)
    _require_visible(actor, current)
    if not current.is_trashed:
        raise ValidationError(_("The report is not in the trash."), code="not_trashed")
    permissions.require(actor, permissions.DELETE, current)
    core_services.restore(actor=actor, obj=current)
    events.announce(events.RESTORED, [current.pk])
    _sync(activity, current)
    return current


# -- credits ------------------------------------------------------------------------------


@transaction.atomic
def credit_confirm(*, actor: User, credit: Credit) -> Credit:
    """The credited organization's focal point confirms it took part."""
    current = Credit.objects.select_for_update().get(pk=credit.pk)
    if not permissions.can(actor, permissions.VIEW, current):
        raise PermissionDenied
    _require_alive(current.activity)
    if current.confirmed_at is not None:
        raise ValidationError(_("This credit is already confirmed."), code="confirmed")
    permissions.require(actor, CONFIRM, current)
    before = audit.snapshot(current)
    current.confirmed_at = clock.now()
    current.confirmed_by = actor
    core_services.save_checked(current)
    audit.record(
        actor=actor,
        action="credit_confirm",
        obj=current,
        before=before,
        after=audit.snapshot(current),
    )
    events.announce(
        events.CREDIT_CONFIRMED, [current.activity_id], organization_id=current.organization_id
    )
    if credit is not current:
        credit.refresh_from_db()
    return current


@transaction.atomic
def credit_add(*, actor: User, activity: Activity, organization: Organization) -> Credit:
    """Credit a co-organizer; it confirms the credit itself."""
    current = _lock(activity)
    _require_visible(actor, current)
    _require_alive(current)
    _require_editable(actor, current)
    if organization.committee_id != current.committee_id:
        raise ValidationError({"organization": _("The organization belongs to another committee.")})
    credit = Credit(activity=current, organization=organization)
    credit.full_clean()  # "already credited"
    credit.save()
    audit.record(actor=actor, action="credit_add", obj=credit, after=audit.snapshot(credit))
    events.announce(events.CREDIT_ADDED, [current.pk], organization_id=organization.pk)
    return credit


@transaction.atomic
def credit_remove(*, actor: User, credit: Credit) -> None:
    current = _lock(credit.activity)
    _require_visible(actor, current)
    _require_alive(current)
    _require_editable(actor, current)
    if credit.organization_id == current.organization_id:
        raise ValidationError(
            _("The reporting organization's own credit cannot be removed."), code="own_credit"
        )
    audit.record(actor=actor, action="credit_remove", obj=credit, before=audit.snapshot(credit))
    organization_id = credit.organization_id
    credit.delete()
    events.announce(events.CREDIT_REMOVED, [current.pk], organization_id=organization_id)


# -- attachments ----------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor: User, activity: Activity, file: File, caption: str = "") -> Attachment:
    """Attach a photo (re-encoded) or a document (checked by its content, kept as is)."""
    current = _lock(activity)
    _require_visible(actor, current)
    _require_alive(current)
    _require_editable(actor, current)
    size = getattr(file, "size", None)
    if size is not None and size > files.MAX_UPLOAD_BYTES:
        raise ValidationError(_too_big(size), code="too_big")
    file.seek(0)
    data = file.read(files.MAX_UPLOAD_BYTES + 1)
    if len(data) > files.MAX_UPLOAD_BYTES:
        raise ValidationError(_too_big(len(data)), code="too_big")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    sniffed = files.sniff(data)
    attachment = Attachment(
        activity=current,
        kind=sniffed.kind,
        caption=caption.strip(),
        original_name=PurePath(getattr(file, "name", "") or "").name[:255],
        content_type=sniffed.content_type,
        size=len(sniffed.data),
        uploaded_by=actor,
    )
    # Named by the server, with the extension of what the content is.
    attachment.file.save(
        f"{attachment.uuid}.{sniffed.extension}", ContentFile(sniffed.data), save=False
    )
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name or "")
        raise
    audit.record(
        actor=actor, action="attachment_add", obj=attachment, after=audit.snapshot(attachment)
    )
    return attachment


def _too_big(size: int) -> str:
    return _("The file is {size} MB; the limit is {limit} MB.").format(
        size=f"{size / 1024 / 1024:.1f}".replace(".", ","),
        limit=files.MAX_UPLOAD_BYTES // 1024 // 1024,
    )


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    current = _lock(attachment.activity)
    _require_visible(actor, current)
    _require_alive(current)
    _require_editable(actor, current)
    audit.record(
        actor=actor, action="attachment_remove", obj=attachment, before=audit.snapshot(attachment)
    )
    name, storage = attachment.file.name or "", attachment.file.storage
    attachment.delete()

    def delete_file() -> None:
        # Revisions share files: delete only once no attachment row points at it.
        if not Attachment.objects.filter(file=name).exists():
            storage.delete(name)

    transaction.on_commit(delete_file)


# -- nil reports and comments -------------------------------------------------------------


def _may_report_for(actor: Any, committee_id: int, organization_id: int) -> bool:
    scope = permissions.get_scope(actor)
    return committee_id in scope.committees_with(permissions.SECRETARIAT) or _is_focal_for(
        actor, committee_id, organization_id
    )


@transaction.atomic
def nil_report_create(
    *,
    actor: User,
    program: Program,
    organization: Organization,
    period_start: Any,
    period_end: Any,
    note: str = "",
) -> NilReport:
    """Record that the organization had nothing to report for the period."""
    if not _may_report_for(actor, program.committee_id, organization.pk):
        raise PermissionDenied
    _program_allows(program, SUBMITTING, _submitting_message())
    report = NilReport(
        committee_id=program.committee_id,
        program=program,
        organization=organization,
        period_start=period_start,
        period_end=period_end,
        note=note.strip(),
        created_by=actor,
    )
    errors: dict[str, list[str]] = {}
    try:
        report.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if organization.committee_id != program.committee_id:
        errors["organization"] = [_("The organization belongs to another committee.")]
    if (
        period_start
        and period_end
        and not (program.contains(period_start) and program.contains(period_end))
    ):
        errors["period_start"] = [
            _("The period must lie inside the program's period ({start} – {end}).").format(
                start=program.period_start.strftime("%d/%m/%Y"),
                end=program.period_end.strftime("%d/%m/%Y"),
            )
        ]
    reported = (
        Activity.objects.filter(
            program=program,
            organization=organization,
            start_date__lte=period_end,
            end_date__gte=period_start,
        )
        .exclude(status=S.DRAFT)
        .first()
    )
    if reported is not None:
        errors["__all__"] = [
            _(
                "“{organization}” already reported “{title}” in this period, so it cannot "
                "report nothing for it."
            ).format(organization=organization.name, title=reported.title)
        ]
    if errors:
        raise ValidationError(errors)
    report.save()
    audit.record(actor=actor, action="create", obj=report, after=audit.snapshot(report))
    return report


@transaction.atomic
def nil_report_delete(*, actor: User, report: NilReport) -> None:
    """Withdraw a nil report entered by mistake."""
    permissions.require(actor, permissions.DELETE, report)
    core_services.model_delete(actor=actor, obj=report)


@transaction.atomic
def comment_add(*, actor: User, activity: Activity, text: str) -> Comment:
    """Anyone who sees the report may comment on it."""
    _require_visible(actor, activity)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    _require_alive(activity)
    comment = Comment(activity=activity, author=actor, text=(text or "").strip())
    if not comment.text:
        raise ValidationError({"text": _("Write the comment first.")}, code="blank")
    comment.full_clean()
    comment.save()
    audit.record(actor=actor, action="comment_add", obj=comment, after=audit.snapshot(comment))
    return comment


__all__ = [
    "TRANSITIONS",
    "ActivityConflict",
    "activities_approve_many",
    "activities_return_many",
    "activity_approve",
    "activity_create",
    "activity_restore",
    "activity_return",
    "activity_revise",
    "activity_submit",
    "activity_trash",
    "activity_update",
    "attachment_add",
    "attachment_remove",
    "comment_add",
    "credit_add",
    "credit_confirm",
    "credit_remove",
    "nil_report_create",
    "nil_report_delete",
]


# -- many new reports at once (the Excel import) -------------------------------------------


class ReportsRefused(ValidationError):  # noqa: N818 - a ValidationError, like the others
    """Some reports of an `activities_create_many` call were refused; nothing was written.
    `by_index` maps the position of each refused report to its error, worded exactly as
    `activity_create` words it."""

    def __init__(self, by_index: dict[int, ValidationError]) -> None:
        first = by_index[min(by_index)]
        super().__init__(first.error_dict if hasattr(first, "error_dict") else first.error_list)
        self.by_index = by_index


CHUNK = 500  # ids per query (SQLite allows a few thousand parameters at most)

# Told how many reports of a bulk call are done, after each chunk of them: the Excel
# import's progress bar, kept outside the database so it is read while the write runs.
Progress = Callable[[int], None]


def _tell(progress: Progress | None, done: int, total: int) -> None:
    """Call `progress` at the end of each chunk of reports and at the last one."""
    if progress is not None and ((done and done % CHUNK == 0) or done == total):
        progress(done)


def _chunked(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _snapshots(activities: list[Activity]) -> dict[int, dict[str, Any]]:
    """`_snapshot` of many reports, in four queries a chunk instead of four per report."""
    parts: dict[int, dict[str, Any]] = {
        a.pk: {"participants": {}, "values": {}, "funding": {}, "credits": {}} for a in activities
    }
    for ids in _chunked(list(parts)):
        for pk, group, count in (
            Participation.objects.filter(activity_id__in=ids)
            .order_by("activity_id", "target_group_id")
            .values_list("activity_id", "target_group_id", "count")
        ):
            parts[pk]["participants"][str(group)] = count
        for pk, indicator, value, denominator in (
            IndicatorValue.objects.filter(activity_id__in=ids)
            .order_by("activity_id", "indicator_id")
            .values_list("activity_id", "indicator_id", "value", "denominator")
        ):
            parts[pk]["values"][str(indicator)] = [
                str(value),
                None if denominator is None else str(denominator),
            ]
        for pk, source, amount in (
            Funding.objects.filter(activity_id__in=ids)
            .order_by("activity_id", "source")
            .values_list("activity_id", "source", "amount")
        ):
            parts[pk]["funding"][source] = amount
        for pk, org, confirmed in (
            Credit.objects.filter(activity_id__in=ids)
            .order_by("activity_id", "organization_id")
            .values_list("activity_id", "organization_id", "confirmed_at")
        ):
            parts[pk]["credits"][str(org)] = confirmed is not None
    return {a.pk: {**audit.snapshot(a), **parts[a.pk]} for a in activities}


CENTS = Decimal("0.01")


def _written_snapshots(
    activities: list[Activity], rows: dict[type[Model], list[Model]]
) -> dict[int, dict[str, Any]]:
    """`_snapshots` of reports just inserted, from the rows written rather than read
    back: the same dicts in the same order (decimals as the database returns them)."""
    parts: dict[int, dict[str, list[tuple[Any, Any]]]] = {
        a.pk: {"participants": [], "values": [], "funding": [], "credits": []} for a in activities
    }
    for p in cast("list[Participation]", rows[Participation]):
        parts[p.activity_id]["participants"].append((p.target_group_id, p.count))
    for v in cast("list[IndicatorValue]", rows[IndicatorValue]):
        value = [
            str(Decimal(v.value).quantize(CENTS)),
            None if v.denominator is None else str(Decimal(v.denominator).quantize(CENTS)),
        ]
        parts[v.activity_id]["values"].append((v.indicator_id, value))
    for f in cast("list[Funding]", rows[Funding]):
        parts[f.activity_id]["funding"].append((f.source, f.amount))
    for c in cast("list[Credit]", rows[Credit]):
        parts[c.activity_id]["credits"].append((c.organization_id, c.confirmed_at is not None))
    snapshots = {}
    for a in activities:
        mine = parts[a.pk]
        snapshots[a.pk] = {
            **audit.snapshot(a),
            "participants": {str(k): v for k, v in sorted(mine["participants"])},
            "values": {str(k): v for k, v in sorted(mine["values"], key=lambda i: i[0])},
            "funding": dict(sorted(mine["funding"])),
            "credits": {str(k): v for k, v in sorted(mine["credits"])},
        }
    return snapshots


def _validate_fast(activity: Activity, errors: dict[str, list[str]], **clean: Any) -> None:
    """`_validate` without the checks that need a query per report (uniqueness and the
    database constraints); when anything else is wrong the report is checked again in
    full, so a refusal is worded exactly as the single service words it. A report that
    passes here and breaks a constraint is refused by the write, and worded then."""
    try:
        _validate(activity, errors, validate_unique=False, validate_constraints=False)
    except ValidationError:
        _validate(activity, errors, **clean)  # raises, with every message
        raise


def _new_draft(
    actor: User,
    program: Program,
    organization: Organization,
    report: Mapping[str, Any],
    cache: _Cache,
) -> tuple[Activity, _Parts]:
    """activity_create's checks of one report, answered from `cache`."""
    content: ProgramContent = report["content"]
    activity = Activity(
        # The committee as a loaded object: its existence is not asked again per report.
        committee=program.committee,
        program=program,
        content=content,
        organization=organization,
        title=report["title"],
        start_date=report["start_date"],
        end_date=report["end_date"],
        locality=report["locality"],
        narrative=report.get("narrative", ""),
        not_for_publication=report.get("not_for_publication", False),
        created_by=actor,
        status=S.DRAFT,
        version=1,
    )
    parts, errors = _build_parts(
        activity,
        participants=report.get("participants") or {},
        values=report.get("values") or {},
        funding=report.get("funding") or {},
        co_organizations=report.get("co_organizations", ()),
        cache=cache,
    )
    if (
        content.program_id == program.pk
        and organization.committee_id == program.committee_id
        and not cache.content_taken_part(content, organization)
    ):
        errors.setdefault("content", []).append(
            _(
                "“{organization}” neither leads nor co-operates on this content; "
                "choose a content of your organization."
            ).format(organization=organization.name)
        )
    _validate(activity, errors, exclude=["uuid"], validate_constraints=False, validate_unique=False)
    return activity, parts


def _insert_drafts(
    actor: User,
    organization: Organization,
    new: list[tuple[Activity, _Parts]],
    progress: Progress | None = None,
) -> list[Activity]:
    """Insert checked drafts with their parts and the reporter's confirmed credit, and
    write one audit event each, as activity_create does, in a few queries a chunk of
    reports (`progress` is told the reports written after each chunk)."""
    # Constraints are left to the inserts, as in activity_create (the caller words a
    # refusal); a uuid taken meanwhile by a concurrent writer fails the whole call.
    inserted: list[Activity] = []
    now = clock.now()
    for chunk in _chunked(new):
        activities = [a for a, _p in chunk]
        insert_rows(Activity, activities, ids=True, batch_size=CHUNK)
        rows: dict[type[Model], list[Model]] = {
            Participation: [],
            IndicatorValue: [],
            Funding: [],
            Credit: [],
        }
        for activity, parts in chunk:
            given: list[tuple[type[Model], list[Any] | None]] = [
                (Participation, parts.participations),
                (IndicatorValue, parts.values),
                (Funding, parts.funding),
            ]
            for model, items in given:
                for row in items or ():
                    row.activity_id = activity.pk
                    rows[model].append(row)
            rows[Credit].extend(
                Credit(activity=activity, organization_id=o.pk)
                for o in parts.co_organizations or ()
            )
            rows[Credit].append(
                Credit(
                    activity=activity,
                    organization=organization,
                    confirmed_at=now,
                    confirmed_by=actor,
                )
            )
        for model, written in rows.items():
            insert_rows(model, written)
        snapshots = _written_snapshots(activities, rows)
        audit.record_many(
            actor=actor, action="create", changes=[(a, None, snapshots[a.pk]) for a in activities]
        )
        events.announce_created([a.pk for a in activities], inserted=activities)
        inserted.extend(activities)
        if progress is not None:
            progress(len(inserted))
    return inserted


def _keys(
    reports: list[Mapping[str, Any]], refused: dict[int, ValidationError]
) -> tuple[dict[int, uuidlib.UUID], dict[uuidlib.UUID, Activity]]:
    """The uuids given (by position; invalid ones go to `refused`) and the stored
    reports that already have one of them."""
    keys: dict[int, uuidlib.UUID] = {}
    for i, report in enumerate(reports):
        if report.get("uuid") is not None:
            try:
                keys[i] = _as_uuid(report["uuid"])
            except ValidationError as exc:
                refused[i] = exc
    stored: dict[uuidlib.UUID, Activity] = {}
    for wanted in _chunked(list(set(keys.values()))):
        stored.update((a.uuid, a) for a in Activity.all_objects.filter(uuid__in=wanted))
    return keys, stored


def _insert_or_word(
    actor: User,
    organization: Organization,
    new: list[tuple[int, Activity, _Parts]],
    progress: Progress | None = None,
) -> list[Activity]:
    """Insert; when the database refuses a constraint, word it as activity_create does
    (constraints are checked only then)."""
    try:
        with transaction.atomic():
            return _insert_drafts(actor, organization, [(a, p) for _i, a, p in new], progress)
    except IntegrityError:
        refused: dict[int, ValidationError] = {}
        for i, activity, _p in new:
            try:
                activity.validate_unique(exclude=["uuid"])
                activity.validate_constraints(exclude=["uuid"])
            except ValidationError as exc:
                refused[i] = exc
        if refused:
            raise ReportsRefused(refused) from None
        raise


@dataclass
class CheckedDrafts:
    """New reports checked by `activities_check_many`, ready for `activities_insert_checked`."""

    actor: User
    program: Program
    organization: Organization
    count: int
    new: list[tuple[int, Activity, _Parts]]
    results: list[Activity | None]
    keys: dict[int, uuidlib.UUID]
    first_of: dict[uuidlib.UUID, int]


def _require_drafting(actor: User, program: Program, organization: Organization) -> None:
    if not _is_focal_for(actor, program.committee_id, organization.pk):
        raise PermissionDenied
    _program_allows(program, DRAFTING, _drafting_message())


def activities_check_many(
    *,
    actor: User,
    program: Program,
    organization: Organization,
    reports: list[Mapping[str, Any]],
    progress: Progress | None = None,
) -> CheckedDrafts:
    """Every check of `activities_create_many`, writing nothing: it may run outside the
    write transaction (on SQLite that transaction holds the database's only write lock),
    the inserts then take a short one in `activities_insert_checked`. Raises as
    `activities_create_many` does."""
    _require_drafting(actor, program, organization)
    results: list[Activity | None] = [None] * len(reports)
    refused: dict[int, ValidationError] = {}
    keys, stored = _keys(reports, refused)
    cache = _Cache(reports)
    first_of: dict[uuidlib.UUID, int] = {}
    new: list[tuple[int, Activity, _Parts]] = []
    for i, report in enumerate(reports):
        _tell(progress, i, len(reports))
        key = keys.get(i)
        if i in refused or (key is not None and key in first_of):
            continue  # a repeat of an earlier report of this call is filled in below
        try:
            if key is not None and key in stored:
                results[i] = _for_retry(actor, stored[key])
                continue
            activity, parts = _new_draft(actor, program, organization, report, cache)
        except ValidationError as exc:
            refused[i] = exc
            continue
        if key is not None:
            activity.uuid = key
            first_of[key] = i
        new.append((i, activity, parts))
    _tell(progress, len(reports), len(reports))
    if refused:
        raise ReportsRefused(refused)
    return CheckedDrafts(actor, program, organization, len(reports), new, results, keys, first_of)


@transaction.atomic
def activities_insert_checked(
    checked: CheckedDrafts, *, progress: Progress | None = None
) -> list[Activity]:
    """Write reports checked by `activities_check_many`. What may have changed since is
    asked again (the actor's role, the program's status); a key stored meanwhile, or a
    content or commune deleted meanwhile, is refused by the database and nothing is
    written. `progress` is told the new reports written (with their parts, audit events
    and search entries) after each chunk."""
    program = checked.program
    status = (
        Program.all_objects.filter(pk=program.pk)
        .values_list("status", flat=True)
        .order_by()
        .first()
    )
    if status is not None:
        program.status = status
    _require_drafting(checked.actor, program, checked.organization)
    results = list(checked.results)
    inserted = _insert_or_word(checked.actor, checked.organization, checked.new, progress)
    for (i, _a, _p), activity in zip(checked.new, inserted, strict=True):
        results[i] = activity
    for i, key in checked.keys.items():
        if results[i] is None:  # a repeat: the report given first under the same uuid
            results[i] = results[checked.first_of[key]]
    return cast("list[Activity]", results)


@transaction.atomic
def activities_create_many(
    *,
    actor: User,
    program: Program,
    organization: Organization,
    reports: list[Mapping[str, Any]],
) -> list[Activity]:
    """New drafts of one organization under one program, written in a few queries: the
    same rules, parts, credit and audit events as `activity_create` called once per
    report (each mapping holds that function's keyword arguments besides actor, program
    and organization). Reports whose `uuid` is already stored (or given earlier in the
    list) come back as `activity_create`'s retry does. Returns one activity per report,
    in order. Raises ReportsRefused (nothing written) when any report is refused."""
    checked = activities_check_many(
        actor=actor, program=program, organization=organization, reports=reports
    )
    return activities_insert_checked(checked)


# -- many stored reports changed at once (the Excel import's re-upload) ----------------------


class ReportsDenied(PermissionDenied):
    """Some reports of an `activities_update_many` call may not be changed by the actor
    (as `activity_update` would refuse each); `indexes` are their positions."""

    def __init__(self, indexes: list[int]) -> None:
        super().__init__()
        self.indexes = indexes


@dataclass
class Change:
    """One report to change: `activity_update`'s arguments besides the actor."""

    activity: Activity
    expected_version: int
    changes: dict[str, Any]


@dataclass
class CheckedChanges:
    """Changes checked by `activities_check_updates`, for `activities_apply_checked`."""

    actor: User
    changes: list[Change]
    current: list[Activity]  # the rows as checked, with the changes applied
    parts: list[_Parts]
    versions: list[tuple[int, Any, str]]  # (version, deleted_at, status) when checked


def _allowed_ids(actor: User, action: str, activities: list[Activity]) -> set[int]:
    """`permissions.can(actor, action, a)` for many reports, a query a chunk."""
    allowed: set[int] = set()
    for ids in _chunked([a.pk for a in activities]):
        allowed.update(
            permissions.restrict(Activity.all_objects.filter(pk__in=ids), actor, action)
            .values_list("pk", flat=True)
            .order_by()
        )
    return allowed


def _stored_parts(ids: list[int]) -> dict[int, tuple[dict[int, Any], dict[int, int]]]:
    """(values, participants) stored for each report, as activity_update reads them."""
    found: dict[int, tuple[dict[int, Any], dict[int, int]]] = {pk: ({}, {}) for pk in ids}
    for chunk in _chunked(ids):
        for pk, i, v, d in IndicatorValue.objects.filter(activity_id__in=chunk).values_list(
            "activity_id", "indicator_id", "value", "denominator"
        ):
            found[pk][0][i] = (v, d)
        for pk, g, c in Participation.objects.filter(activity_id__in=chunk).values_list(
            "activity_id", "target_group_id", "count"
        ):
            found[pk][1][g] = c
    return found


def _check_change(
    actor: User,
    current: Activity,
    change: Change,
    *,
    visible: bool,
    may_change: bool,
    stored: tuple[dict[int, Any], dict[int, int]] | None,
    cache: _Cache,
) -> _Parts:
    """activity_update's checks, in its order, of one locked-or-read row."""
    if not visible:
        raise PermissionDenied
    _require_alive(current)
    if change.expected_version != current.version:
        raise ActivityConflict(current, _snapshot(current))
    if current.status not in EDITABLE:
        _require_editable(actor, current)  # words the refusal
    if not may_change:
        raise PermissionDenied
    _program_allows(current.program, DRAFTING, _drafting_message())
    changes = change.changes
    for name in UPDATABLE_FIELDS & set(changes):
        setattr(current, name, changes[name])
    part_input: dict[str, Any] = {name: changes.get(name) for name in PARTS}
    if "content" in changes and stored is not None:
        if part_input["values"] is None:
            part_input["values"] = stored[0]
        if part_input["participants"] is None:
            part_input["participants"] = stored[1]
    parts, errors = _build_parts(current, cache=cache, **part_input)
    if "content" in changes and not cache.content_taken_part(current.content, current.organization):
        errors.setdefault("content", []).append(
            _(
                "“{organization}” neither leads nor co-operates on this content; choose a "
                "content of your organization."
            ).format(organization=current.organization.name)
        )
    _validate_fast(current, errors)
    return parts


def _read_current(ids: list[int], *, lock: bool) -> dict[int, Activity]:
    rows: dict[int, Activity] = {}
    for chunk in _chunked(sorted(set(ids))):
        qs = Activity.all_objects.select_related("program", "content", "organization", "locality")
        if lock:
            # A stable order of locks, so two bulk writers cannot deadlock each other.
            qs = qs.select_for_update(of=("self",)).order_by("pk")
        rows.update((a.pk, a) for a in qs.filter(pk__in=chunk))
    return rows


def _check_changes(
    actor: User,
    changes: list[Change],
    current: dict[int, Activity],
    progress: Progress | None = None,
) -> tuple[list[_Parts | None], dict[int, ValidationError], list[int]]:
    for change in changes:
        unknown = set(change.changes) - UPDATABLE_FIELDS - PARTS
        if unknown:
            raise TypeError(f"activity_update() got unexpected fields: {sorted(unknown)}")
    if any(c.activity.pk not in current for c in changes):
        raise Activity.DoesNotExist  # as activity_update's lock of a missing report
    rows = [current[c.activity.pk] for c in changes]
    visible = _allowed_ids(actor, permissions.VIEW, rows)
    may_change = _allowed_ids(actor, permissions.CHANGE, rows)
    needing = [c.activity.pk for c in changes if "content" in c.changes]
    stored = _stored_parts(needing) if needing else {}
    cache = _Cache([{"content": current[c.activity.pk].content, **c.changes} for c in changes])
    cache.load_contents({row.content_id for row in rows})
    parts: list[_Parts | None] = []
    refused: dict[int, ValidationError] = {}
    denied: list[int] = []
    for i, (change, row) in enumerate(zip(changes, rows, strict=True)):
        _tell(progress, i, len(changes))
        try:
            parts.append(
                _check_change(
                    actor,
                    row,
                    change,
                    visible=row.pk in visible,
                    may_change=row.pk in may_change,
                    stored=stored.get(row.pk),
                    cache=cache,
                )
            )
        except ValidationError as exc:
            refused[i] = exc
            parts.append(None)
        except PermissionDenied:
            denied.append(i)
            parts.append(None)
    _tell(progress, len(changes), len(changes))
    return parts, refused, denied


def _raise_refusals(refused: dict[int, ValidationError], denied: list[int]) -> None:
    if denied:
        raise ReportsDenied(denied)
    if refused:
        raise ReportsRefused(refused)


def activities_check_updates(
    *, actor: User, changes: list[Change], progress: Progress | None = None
) -> CheckedChanges:
    """Every check of `activity_update` for many reports, writing nothing (see
    `activities_check_many`); `activities_apply_checked` writes them. Raises
    ReportsDenied when the actor may not change some, else ReportsRefused."""
    ids = [c.activity.pk for c in changes]
    if len(set(ids)) != len(ids):
        raise ValueError("a report is given twice")
    current = _read_current(ids, lock=False)
    parts, refused, denied = _check_changes(actor, changes, current, progress)
    _raise_refusals(refused, denied)
    rows = [current[pk] for pk in ids]
    return CheckedChanges(
        actor=actor,
        changes=changes,
        current=rows,
        parts=cast("list[_Parts]", parts),
        versions=[(a.version, a.deleted_at, a.status) for a in rows],
    )


def _save_parts_many(items: list[tuple[Activity, _Parts]]) -> None:
    """`_save_parts` of many reports: a delete a chunk and a part, then bulk inserts."""
    kinds: list[tuple[type[Model], str]] = [
        (Participation, "participations"),
        (IndicatorValue, "values"),
        (Funding, "funding"),
    ]
    for model, name in kinds:
        given = [(a, getattr(p, name)) for a, p in items if getattr(p, name) is not None]
        for chunk in _chunked([a.pk for a, _rows in given]):
            model._default_manager.filter(activity_id__in=chunk).delete()
        insert_rows(model, [row for _a, rows in given for row in rows])
    credited = [(a, p.co_organizations) for a, p in items if p.co_organizations is not None]
    have: dict[int, set[int]] = {a.pk: set() for a, _o in credited}
    for chunk in _chunked(list(have)):
        for activity_id, org_id in Credit.objects.filter(activity_id__in=chunk).values_list(
            "activity_id", "organization_id"
        ):
            have[activity_id].add(org_id)
    stale: list[tuple[int, int]] = []
    fresh: list[Credit] = []
    for activity, orgs in credited:
        wanted = {o.pk for o in orgs or ()}
        kept = have[activity.pk] - {activity.organization_id}
        stale.extend((activity.pk, org) for org in kept - wanted)
        fresh.extend(
            Credit(activity=activity, organization_id=pk)
            for pk in sorted(wanted - have[activity.pk])
        )
    for chunk in _chunked(stale):
        condition = Q()
        for activity_id, org_id in chunk:
            condition |= Q(activity_id=activity_id, organization_id=org_id)
        Credit.objects.filter(condition).delete()
    insert_rows(Credit, fresh)


UPDATE_COLUMNS = [
    "title",
    "start_date",
    "end_date",
    "locality",
    "narrative",
    "not_for_publication",
    "content",
    "version",
    "updated_at",
]


def _bulk_update_or_word(rows: list[Activity]) -> None:
    """Write the rows; a constraint the database refuses is worded as activity_update
    words it (with every other problem of that report)."""
    try:
        with transaction.atomic():
            Activity.all_objects.bulk_update(rows, UPDATE_COLUMNS, batch_size=CHUNK)
    except IntegrityError:
        refused: dict[int, ValidationError] = {}
        for i, row in enumerate(rows):
            try:
                _validate(row, {})
            except ValidationError as exc:
                refused[i] = exc
        if refused:
            raise ReportsRefused(refused) from None
        raise


@transaction.atomic
def activities_apply_checked(
    checked: CheckedChanges, *, progress: Progress | None = None
) -> list[Activity]:
    """Write changes checked by `activities_check_updates`: the rows are locked and, if
    any changed since they were checked, checked again (as activity_update would, so a
    concurrent edit is an ActivityConflict); then updated, parts replaced and an
    `update` audit event written for each, as activity_update does, a chunk of reports
    at a time (`progress` is told the reports written after each chunk)."""
    actor, changes = checked.actor, checked.changes
    ids = [c.activity.pk for c in changes]
    locked = _read_current(ids, lock=True)
    if any(pk not in locked for pk in ids):
        raise Activity.DoesNotExist
    rows, parts = list(checked.current), list(checked.parts)
    moved = [
        i
        for i, pk in enumerate(ids)
        if (locked[pk].version, locked[pk].deleted_at, locked[pk].status) != checked.versions[i]
        or locked[pk].program.status != rows[i].program.status
    ]
    if moved:
        again, refused, denied = _check_changes(actor, [changes[i] for i in moved], locked)
        _raise_refusals({moved[j]: e for j, e in refused.items()}, [moved[j] for j in denied])
        for j, i in enumerate(moved):
            rows[i], parts[i] = locked[ids[i]], cast("_Parts", again[j])
    updated_at = Activity._meta.get_field("updated_at")
    done = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        befores = _snapshots([locked[row.pk] for row in chunk])
        for row in chunk:
            row.version += 1
            updated_at.pre_save(row, add=False)
        try:
            _bulk_update_or_word(chunk)
        except ReportsRefused as exc:  # positions in the whole call, not in the chunk
            raise ReportsRefused({start + i: e for i, e in exc.by_index.items()}) from None
        _save_parts_many(list(zip(chunk, parts[start : start + CHUNK], strict=True)))
        afters = _snapshots(chunk)
        audit.record_many(
            actor=actor,
            action="update",
            changes=[(row, befores[row.pk], afters[row.pk]) for row in chunk],
        )
        # bulk_update sends no post_save: tell those who follow saves (the search index).
        events.announce_created([row.pk for row in chunk])
        done += len(chunk)
        if progress is not None:
            progress(done)
    for change, row in zip(changes, rows, strict=True):
        _sync(change.activity, row)
    return rows


@transaction.atomic
def activities_update_many(*, actor: User, changes: list[Change]) -> list[Activity]:
    """`activity_update` for many reports at once, all or nothing, in a few queries a
    chunk: the same checks and messages (ReportsRefused by position; ReportsDenied for
    reports the actor may not change), the same rows, parts and audit events."""
    return activities_apply_checked(activities_check_updates(actor=actor, changes=changes))
