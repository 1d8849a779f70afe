"""Practices: every member of the committee (and of its successors) reads them; the
owner organization's focal point and the secretariat keep them; only the secretariat
judges them (evaluations, effective, recommended) and restores them from the trash.

Actions:
- view: the committee's members, and successors' members read-only;
- change: edit, stop, resume: the secretariat, or a focal point of the owner;
- delete (to the trash): the secretariat, or a focal point of the owner while the
  model is still a pilot (once judged, it is part of the committee's record);
- manage: evaluate, mark effective, recommend, restore: the secretariat.
Evaluations and replications are read as their practice is and written by the
secretariat (a focal point records its own organization's replication through
practices.services, which checks that case itself).
"""

from django.db import models
from django.db.models import Q

from phoihop.core import permissions as p
from phoihop.practices.choices import PracticeStatus
from phoihop.practices.models import Evaluation, Practice, Replication


def _owner_focal(scope: p.Scope, prefix: str) -> Q:
    q = Q(pk__in=[])
    for committee in scope.committees_with(p.FOCAL):
        q |= Q(
            **{
                f"{prefix}committee_id": committee,
                f"{prefix}owner_id__in": scope.orgs_for(committee, p.FOCAL),
            }
        )
    return q


def _practice_filter(scope: p.Scope, action: str, prefix: str = "") -> Q | None:
    if scope.is_admin:
        return None
    if action == p.VIEW:
        return Q(**{f"{prefix}committee_id__in": scope.readable_committees})
    q = Q(**{f"{prefix}committee_id__in": scope.committees_with(p.SECRETARIAT)})
    if action == p.CHANGE:
        q |= _owner_focal(scope, prefix)
    elif action == p.DELETE:
        q |= _owner_focal(scope, prefix) & Q(**{f"{prefix}status": PracticeStatus.PILOT})
    return q


@p.register_policy(Practice)
def practice_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    condition = _practice_filter(scope, action)
    return qs if condition is None else qs.filter(condition)


@p.register_policy(Evaluation)
@p.register_policy(Replication)
def practice_part_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    condition = _practice_filter(scope, action if action == p.VIEW else p.MANAGE, "practice__")
    return qs if condition is None else qs.filter(condition)
