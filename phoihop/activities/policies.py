"""Who may see and act on activity reports.

- focal point: every report of its own organizations (and those crediting them), the
  committee's approved reports; edits, submits and deletes its organization's drafts
  and returned reports; starts a revision of its organization's approved reports;
- secretariat: everything of its committee; approves and returns submitted reports;
  may delete any report of its committee that is not approved;
- leader: the committee's approved reports;
- a content's lead organization approves too where the program says so, and then sees
  the reports sent under that content (never the drafts);
- the approver of a report is never its author nor its submitter;
- a successor committee's members read a predecessor's approved reports.

Superseded revisions are readable wherever approved ones are: history keeps both.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from phoihop.activities.choices import ActivityStatus
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
from phoihop.core import permissions as p

EDITABLE = [ActivityStatus.DRAFT, ActivityStatus.RETURNED]
DECIDED = [ActivityStatus.APPROVED, ActivityStatus.SUPERSEDED]
NOT_APPROVED = [ActivityStatus.DRAFT, ActivityStatus.SUBMITTED, ActivityStatus.RETURNED]

# Actions of this app beyond core's.
REVISE = "revise"
CONFIRM = "confirm"

NOTHING = Q(pk__in=[])


def _credited(scope: p.Scope) -> Q:
    """Reports of the user's organizations, as reporter or as a credited co-organizer.

    A subquery rather than a join on credits, so the queryset needs no DISTINCT."""
    q = NOTHING
    for committee in scope.committees_with(p.FOCAL):
        orgs = scope.orgs_for(committee, p.FOCAL)
        q |= Q(committee_id=committee) & (
            Q(organization_id__in=orgs)
            | Q(pk__in=Credit.objects.filter(organization_id__in=orgs).values("activity_id"))
        )
    return q


def _reporting(scope: p.Scope) -> Q:
    q = NOTHING
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(committee_id=committee, organization_id__in=scope.orgs_for(committee, p.FOCAL))
    return q


def _leading(scope: p.Scope) -> Q:
    """Reports under contents the user's organizations lead, where the program lets
    lead organizations approve."""
    q = NOTHING
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(
            committee_id=committee,
            program__lead_may_approve=True,
            content__lead_id__in=scope.orgs_for(committee, p.FOCAL),
        )
    return q


def activity_filter(scope: p.Scope, action: str) -> Q | None:
    """The condition for `action`, or None for everything (admins viewing)."""
    if scope.is_anonymous:
        return NOTHING
    secretariat = scope.committees_with(p.SECRETARIAT)
    if action == p.VIEW:
        if scope.is_admin:
            return None
        decided = Q(status__in=DECIDED, committee_id__in=scope.readable_committees)
        # A lead organization that approves sees what is sent to it, never drafts.
        sent = _leading(scope) & ~Q(status=ActivityStatus.DRAFT)
        return Q(committee_id__in=secretariat) | decided | _credited(scope) | sent
    if action in (p.CHANGE, p.SUBMIT):
        return _reporting(scope) & Q(status__in=EDITABLE)
    if action == p.DELETE:
        return (_reporting(scope) & Q(status__in=EDITABLE)) | Q(
            committee_id__in=secretariat, status__in=NOT_APPROVED
        )
    if action == REVISE:
        return _reporting(scope) & Q(status=ActivityStatus.APPROVED)
    if action == p.APPROVE:
        allowed = Q() if scope.is_admin else Q(committee_id__in=secretariat) | _leading(scope)
        return (
            Q(status=ActivityStatus.SUBMITTED)
            & allowed
            & ~Q(created_by_id=scope.user_id)
            & (Q(submitted_by__isnull=True) | ~Q(submitted_by_id=scope.user_id))
        )
    return NOTHING


@p.register_policy(Activity)
def activity_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    condition = activity_filter(scope, action)
    if condition is None:
        return qs
    return qs.filter(condition)


def _part_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Parts of a report follow the report: viewing it shows them, editing it edits them."""
    wanted = p.VIEW if action == p.VIEW else p.CHANGE
    condition = activity_filter(scope, wanted)
    if condition is None:
        return qs
    return qs.filter(activity__in=Activity.all_objects.filter(condition).values("pk"))


for _model in (Participation, IndicatorValue, Funding, Attachment, Comment):
    p.register_policy(_model)(_part_policy)


@p.register_policy(Credit)
def credit_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """A credited organization's focal point confirms its own credit."""
    if action != CONFIRM:
        return _part_policy(qs, scope, action)
    q = NOTHING
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(
            activity__committee_id=committee, organization_id__in=scope.orgs_for(committee, p.FOCAL)
        )
    return qs.filter(q, confirmed_at__isnull=True)


@p.register_policy(NilReport)
def nil_report_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    if scope.is_admin:
        return qs
    if action == p.VIEW:
        return qs.filter(committee_id__in=scope.readable_committees)
    q = Q(committee_id__in=scope.committees_with(p.SECRETARIAT))
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(committee_id=committee, organization_id__in=scope.orgs_for(committee, p.FOCAL))
    return qs.filter(q)
