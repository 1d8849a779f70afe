"""Administrative units are shared reference data: everyone reads; admins write."""

from django.db import models

from phoihop.core import permissions as p
from phoihop.geo.models import AdminUnit, AdminUnitSuccession, AreaClassification


@p.register_policy(AdminUnit)
@p.register_policy(AdminUnitSuccession)
def unit_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    if action == p.VIEW or scope.is_admin:
        return qs
    return qs.none()


@p.register_policy(AreaClassification)
def area_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Classifications are kept by admins and by any committee's secretariat."""
    if action == p.VIEW or scope.is_admin or scope.committees_with(p.SECRETARIAT):
        return qs
    return qs.none()
