"""Who may see and change committees, organizations, people and roles."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

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
    """Admins manage everyone. The secretariat sees the accounts that ever held a role in
    its committee, and manages those that work for no other committee and are not
    administrators: otherwise one committee's secretariat could take over (by resetting
    a password) an account that acts for another. Everyone sees their own account."""
    if scope.is_admin:
        return qs
    if scope.is_anonymous:
        return qs.none()
    own = Q(pk=scope.user_id)
    mine = scope.committees_with(p.SECRETARIAT)
    if not mine:
        return qs.filter(own) if action == p.VIEW else qs.none()
    members = RoleAssignment.objects.filter(committee_id__in=mine).values("user_id")
    if action == p.VIEW:
        return qs.filter(Q(pk__in=members) | own)
    today = timezone.localdate()
    elsewhere = (
        RoleAssignment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(Q(role=p.ADMIN) | Q(committee__isnull=True) | ~Q(committee_id__in=mine))
        .values("user_id")
    )
    return qs.filter(pk__in=members, is_superuser=False).exclude(pk__in=elsewhere)
