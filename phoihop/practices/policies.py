"""Practices: the committee reads them; the owner organization's focal point and the
secretariat keep them."""

from django.db import models
from django.db.models import Q

from phoihop.core import permissions as p
from phoihop.practices.models import Evaluation, Practice, Replication


def _practice_filter(scope: p.Scope, action: str, prefix: str = "") -> Q | None:
    if scope.is_admin:
        return None
    if action == p.VIEW:
        return Q(**{f"{prefix}committee_id__in": scope.readable_committees})
    q = Q(**{f"{prefix}committee_id__in": scope.committees_with(p.SECRETARIAT)})
    if action == p.CHANGE:
        for committee in scope.committees_with(p.FOCAL):
            q |= Q(
                **{
                    f"{prefix}committee_id": committee,
                    f"{prefix}owner_id__in": scope.orgs_in(committee),
                }
            )
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
