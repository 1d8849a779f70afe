"""Who may see and act on activity reports.

- focal point: every report of its own organizations (and those crediting them), the
  committee's approved reports; edits, submits and deletes its organization's drafts
  and returned reports;
- secretariat: everything of its committee; approves and returns submitted reports;
- leader: the committee's approved reports;
- a content's lead organization approves too where the program says so;
- the approver of a report is never its author;
- a successor committee's members read a predecessor's approved reports.
"""

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


def _own_orgs(scope: p.Scope) -> Q:
    q = Q(pk__in=[])
    for committee in scope.committees_with(p.FOCAL):
        orgs = scope.orgs_in(committee)
        q |= Q(committee_id=committee) & (
            Q(organization_id__in=orgs) | Q(credits__organization_id__in=orgs)
        )
    return q


def _reporting_orgs(scope: p.Scope) -> Q:
    q = Q(pk__in=[])
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(committee_id=committee, organization_id__in=scope.orgs_in(committee))
    return q


def activity_filter(scope: p.Scope, action: str) -> Q | None:
    """The condition for `action`, or None for everything (admins viewing)."""
    if scope.is_anonymous:
        return Q(pk__in=[])
    secretariat = scope.committees_with(p.SECRETARIAT)
    if action == p.VIEW:
        if scope.is_admin:
            return None
        approved_readable = Q(
            status=ActivityStatus.APPROVED,
            committee_id__in=scope.readable_committees,
        )
        return Q(committee_id__in=secretariat) | approved_readable | _own_orgs(scope)
    if action in (p.CHANGE, p.SUBMIT, p.DELETE):
        mine = _reporting_orgs(scope) & Q(status__in=EDITABLE)
        if action == p.DELETE:
            return mine | Q(committee_id__in=secretariat, status__in=EDITABLE)
        return mine
    if action == p.APPROVE:
        lead_orgs = Q(pk__in=[])
        for committee in scope.committees_with(p.FOCAL):
            lead_orgs |= Q(
                committee_id=committee,
                program__lead_may_approve=True,
                content__lead_id__in=scope.orgs_in(committee),
            )
        allowed = Q(committee_id__in=secretariat) | lead_orgs
        if scope.is_admin:
            allowed = Q()
        return (
            Q(status=ActivityStatus.SUBMITTED)
            & allowed
            & ~Q(created_by_id=scope.user_id)
            & ~Q(submitted_by_id=scope.user_id)
        )
    return Q(pk__in=[])


@p.register_policy(Activity)
def activity_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    condition = activity_filter(scope, action)
    if condition is None:
        return qs
    return qs.filter(condition).distinct()


def _part_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Parts of a report follow the report: viewing it shows them, editing it edits them."""
    wanted = p.VIEW if action == p.VIEW else p.CHANGE
    visible = activity_policy(Activity.all_objects.all(), scope, wanted)
    return qs.filter(activity__in=visible.values("pk"))


for _model in (Participation, IndicatorValue, Funding, Attachment, Comment):
    p.register_policy(_model)(_part_policy)


@p.register_policy(Credit)
def credit_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """A credited organization's focal point confirms its own credit."""
    if action != "confirm":
        return _part_policy(qs, scope, action)
    q = Q(pk__in=[])
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(activity__committee_id=committee, organization_id__in=scope.orgs_in(committee))
    return qs.filter(q, confirmed_at__isnull=True)


@p.register_policy(NilReport)
def nil_report_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    if scope.is_admin:
        return qs
    if action == p.VIEW:
        return qs.filter(committee_id__in=scope.readable_committees)
    q = Q(committee_id__in=scope.committees_with(p.SECRETARIAT))
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(committee_id=committee, organization_id__in=scope.orgs_in(committee))
    return qs.filter(q)
