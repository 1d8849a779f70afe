"""Who may see and change committees, organizations, people and roles."""

from django.db import models
from django.db.models import Q

from phoihop.core import permissions as p
from phoihop.core.models import User
from phoihop.orgs.models import (
    Committee,
    CommitteePosition,
    Organization,
    OrganizationParent,
    OrganizationSuccession,
    Person,
    RoleAssignment,
)

p.register_policy(Organization)(p.tenant_policy("committee"))
p.register_policy(Person)(p.tenant_policy("committee"))
p.register_policy(CommitteePosition)(p.tenant_policy("committee"))
p.register_policy(OrganizationParent)(p.tenant_policy("organization__committee"))
p.register_policy(OrganizationSuccession)(p.tenant_policy("successor__committee"))


@p.register_policy(Committee)
def committee_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    if scope.is_admin:
        return qs
    if action == p.VIEW:
        return qs.filter(pk__in=scope.readable_committees)
    return qs.filter(pk__in=scope.committees_with(p.SECRETARIAT))


@p.register_policy(RoleAssignment)
def role_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Users see their own roles; the secretariat manages its committee's (never admin roles)."""
    if scope.is_admin:
        return qs
    managed = Q(committee_id__in=scope.committees_with(p.SECRETARIAT)) & ~Q(role=p.ADMIN)
    if action == p.VIEW:
        return qs.filter(managed | Q(user_id=scope.user_id))
    return qs.filter(managed)


@p.register_policy(User)
def user_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Admins manage everyone; the secretariat manages the accounts of its committee."""
    if scope.is_admin:
        return qs
    if scope.is_anonymous:
        return qs.none()
    managed = Q(
        pk__in=RoleAssignment.objects.filter(
            committee_id__in=scope.committees_with(p.SECRETARIAT)
        ).values("user_id")
    ) & Q(is_superuser=False)
    if action == p.VIEW:
        return qs.filter(managed | Q(pk=scope.user_id)).distinct()
    return qs.filter(managed).distinct()
