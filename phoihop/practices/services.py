"""Writes of good-practice models (mô hình): register, edit, evaluate, move along their
status, record replications, trash. Each is atomic, checks permissions through
phoihop.practices.policies and writes audit events.

Decisions written down here:
- A model is registered by a focal point of its owner organization or by the
  secretariat; its committee is the owner's.
- Judging is the secretariat's: evaluations, "effective" and "recommended". A model
  becomes effective only when its latest evaluation scores at least EFFECTIVE_SCORE
  (the latest, because a newer evaluation supersedes an older, better one).
- A replication is recorded by the secretariat or by a focal point of the organization
  that replicates the model, and only for a model recommended for replication (or
  already replicated); the first one moves it from recommended to replicated.
- Any model may be stopped (by the secretariat or the owner's focal point), and a
  stopped one resumes as a pilot: it has to earn its status again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.core import audit, permissions
from phoihop.core import services as core_services
from phoihop.core.models import User
from phoihop.core.workflow import Transitions
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Organization
from phoihop.practices.choices import PracticeStatus
from phoihop.practices.models import Evaluation, Practice, Replication

EFFECTIVE_SCORE = Decimal(70)

S = PracticeStatus
TRANSITIONS = Transitions(
    {
        S.PILOT: {S.EFFECTIVE, S.STOPPED},
        S.EFFECTIVE: {S.RECOMMENDED, S.STOPPED},
        S.RECOMMENDED: {S.REPLICATED, S.STOPPED},
        S.REPLICATED: {S.STOPPED},
        S.STOPPED: {S.PILOT},
    },
    # Lazy labels: the message names the statuses in the reader's language.
    labels=cast(dict[str, str], dict(PracticeStatus.choices)),
)
REPLICABLE = frozenset({S.RECOMMENDED, S.REPLICATED})

PRACTICE_FIELDS = frozenset({"title", "description", "started_on", "content"})
REPLICATION_FIELDS = frozenset({"since", "results"})


def _only(data: dict[str, Any], allowed: Iterable[str]) -> None:
    refused = sorted({name.removesuffix("_id") for name in data} - set(allowed))
    if refused:
        raise ValidationError(
            _("These fields cannot be changed here: {fields}.").format(fields=", ".join(refused))
        )


def _locked(practice: Practice) -> Practice:
    """The practice, re-read and locked for the rest of the transaction, so that two
    status changes at once cannot both start from the same status."""
    return Practice.all_objects.select_for_update().get(pk=practice.pk)


def _alive(practice: Practice) -> None:
    if practice.is_trashed:
        raise ValidationError(_("The model is in the trash: restore it first."))


def _may_register_for(actor: User, owner: Organization) -> bool:
    scope = permissions.get_scope(actor)
    committee = owner.committee_id
    return (
        scope.is_admin
        or committee in scope.committees_with(permissions.SECRETARIAT)
        or (
            committee in scope.committees_with(permissions.FOCAL)
            and owner.pk in scope.orgs_for(committee, permissions.FOCAL)
        )
    )


def _move(*, actor: User, practice: Practice, target: str, action: str, note: str = "") -> Practice:
    TRANSITIONS.check(practice.status, target)
    before = audit.snapshot(practice, m2m=False)
    practice.status = target
    practice.full_clean()
    practice.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        obj=practice,
        before=before,
        after=audit.snapshot(practice, m2m=False),
        note=note,
    )
    return practice


# -- registering and editing ----------------------------------------------------------------
@transaction.atomic
def practice_register(
    *,
    actor: User,
    owner: Organization,
    title: str,
    started_on: datetime.date,
    description: str = "",
    content: Any = None,
    localities: Iterable[AdminUnit] = (),
) -> Practice:
    if not _may_register_for(actor, owner):
        raise PermissionDenied
    if owner.is_trashed:
        raise ValidationError({"owner": _("The owner organization is in the trash.")})
    practice = Practice(
        committee_id=owner.committee_id,
        owner=owner,
        title=title,
        description=description,
        started_on=started_on,
        content=content,
    )
    return core_services.model_create(
        actor=actor, obj=practice, m2m={"localities": list(localities)}
    )


def practice_update(
    *,
    actor: User,
    practice: Practice,
    data: dict[str, Any],
    localities: Iterable[AdminUnit] | None = None,
) -> Practice:
    """Edit the description of a model. Its owner changes only by the secretariat, and
    within the committee; its status only through the transitions below."""
    permissions.require(actor, permissions.CHANGE, practice)
    _alive(practice)
    allowed = set(PRACTICE_FIELDS)
    if "owner" in data or "owner_id" in data:
        permissions.require(actor, permissions.MANAGE, practice)
        allowed.add("owner")
    _only(data, allowed)
    m2m: dict[str, Iterable[Any]] | None = None
    if localities is not None:
        m2m = {"localities": list(localities)}
    return core_services.model_update(actor=actor, obj=practice, data=data, m2m=m2m)


# -- judging --------------------------------------------------------------------------------
@transaction.atomic
def practice_evaluate(
    *,
    actor: User,
    practice: Practice,
    criteria: str,
    score: Decimal | int | str,
    evaluator: str,
    evaluated_on: datetime.date,
    conclusion: str = "",
) -> Evaluation:
    """Record an evaluation (criteria, a score from 0 to 100, who evaluated, when, the
    conclusion). It changes no status: see practice_mark_effective."""
    permissions.require(actor, permissions.MANAGE, practice)
    _alive(practice)
    evaluation = Evaluation(
        practice=practice,
        criteria=criteria,
        score=Decimal(str(score)).quantize(Decimal("0.01")),
        evaluator=evaluator,
        evaluated_on=evaluated_on,
        conclusion=conclusion,
        recorded_by=actor,
    )
    return core_services.model_create(actor=actor, obj=evaluation)


def latest_evaluation(practice: Practice) -> Evaluation | None:
    return practice.evaluations.order_by("-evaluated_on", "-id").first()


@transaction.atomic
def practice_mark_effective(*, actor: User, practice: Practice) -> Practice:
    permissions.require(actor, permissions.MANAGE, practice)
    practice = _locked(practice)
    _alive(practice)
    TRANSITIONS.check(practice.status, S.EFFECTIVE)
    latest = latest_evaluation(practice)
    if latest is None or latest.score < EFFECTIVE_SCORE:
        raise ValidationError(
            _(
                "A model becomes effective when its latest evaluation scores at least "
                "{threshold}; evaluate it first."
            ).format(threshold=EFFECTIVE_SCORE)
        )
    return _move(
        actor=actor,
        practice=practice,
        target=S.EFFECTIVE,
        action="mark_effective",
        note=_("Evaluation of {date}: {score} points.").format(
            date=latest.evaluated_on.strftime("%d/%m/%Y"), score=latest.score
        ),
    )


@transaction.atomic
def practice_recommend(*, actor: User, practice: Practice) -> Practice:
    """Recommend an effective model for replication elsewhere (the secretariat)."""
    permissions.require(actor, permissions.MANAGE, practice)
    practice = _locked(practice)
    _alive(practice)
    return _move(actor=actor, practice=practice, target=S.RECOMMENDED, action="recommend")


# -- replication ----------------------------------------------------------------------------
def _may_record_replication(actor: User, practice: Practice, organization: Organization) -> bool:
    if permissions.can(actor, permissions.MANAGE, practice):
        return True
    scope = permissions.get_scope(actor)
    committee = organization.committee_id
    return committee in scope.committees_with(
        permissions.FOCAL
    ) and organization.pk in scope.orgs_for(committee, permissions.FOCAL)


@transaction.atomic
def practice_record_replication(
    *,
    actor: User,
    practice: Practice,
    locality: AdminUnit,
    organization: Organization,
    since: datetime.date,
    results: str = "",
) -> Replication:
    """Record that `organization` replicates the model in `locality` since a date; the
    first replication moves a recommended model to replicated."""
    if not permissions.can(actor, permissions.VIEW, practice):
        raise PermissionDenied
    if not _may_record_replication(actor, practice, organization):
        raise PermissionDenied
    practice = _locked(practice)
    _alive(practice)
    if practice.status not in REPLICABLE:
        message = _(
            "Only a model recommended for replication can be replicated; this one is “{status}”."
        )
        raise ValidationError(message.format(status=practice.get_status_display()))
    replication = core_services.model_create(
        actor=actor,
        obj=Replication(
            practice=practice,
            locality=locality,
            organization=organization,
            since=since,
            results=results,
        ),
    )
    if practice.status == S.RECOMMENDED:
        _move(
            actor=actor,
            practice=practice,
            target=S.REPLICATED,
            action="replicated",
            note=str(replication),
        )
    return replication


def replication_update(
    *, actor: User, replication: Replication, data: dict[str, Any]
) -> Replication:
    """Correct the start or add the results of a replication as they come in."""
    if not _may_record_replication(actor, replication.practice, replication.organization):
        raise PermissionDenied
    _only(data, REPLICATION_FIELDS)
    return core_services.model_update(actor=actor, obj=replication, data=data)


# -- stopping and resuming ------------------------------------------------------------------
@transaction.atomic
def practice_stop(*, actor: User, practice: Practice, reason: str = "") -> Practice:
    """The model is no longer run; `reason` goes into the history."""
    permissions.require(actor, permissions.CHANGE, practice)
    practice = _locked(practice)
    _alive(practice)
    return _move(actor=actor, practice=practice, target=S.STOPPED, action="stop", note=reason)


@transaction.atomic
def practice_resume(*, actor: User, practice: Practice) -> Practice:
    """A stopped model runs again, as a pilot."""
    permissions.require(actor, permissions.CHANGE, practice)
    practice = _locked(practice)
    _alive(practice)
    return _move(actor=actor, practice=practice, target=S.PILOT, action="resume")


# -- trash ----------------------------------------------------------------------------------
def practice_trash(*, actor: User, practice: Practice) -> Practice:
    permissions.require(actor, permissions.DELETE, practice)
    _alive(practice)
    return core_services.trash(actor=actor, obj=practice)


def practice_restore(*, actor: User, practice: Practice) -> Practice:
    permissions.require(actor, permissions.MANAGE, practice)
    if not practice.is_trashed:
        raise ValidationError(_("The model is not in the trash."))
    return core_services.restore(actor=actor, obj=practice)
