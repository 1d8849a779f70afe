"""Import jobs: the uploader sees their own; the committee's secretariat sees all of
the committee's; nobody changes a job except through the import service."""

from django.db import models
from django.db.models import Q

from phoihop.core import permissions as p
from phoihop.exports.models import ImportJob


@p.register_policy(ImportJob)
def import_job_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    if scope.is_admin:
        return qs
    if scope.is_anonymous:
        return qs.none()
    own = Q(created_by_id=scope.user_id)
    if action == p.VIEW:
        return qs.filter(own | Q(committee_id__in=scope.committees_with(p.SECRETARIAT)))
    return qs.none()
