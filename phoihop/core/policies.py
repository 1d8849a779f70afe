"""Permission policies of core's own models (see core.permissions)."""

from django.db import models

from phoihop.core import permissions as p
from phoihop.core.models import Abbreviation, AuditEvent, Notification, SiteFlag


@p.register_policy(AuditEvent)
def audit_event_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Audit history is read by admins and by the secretariat of the committee; never written."""
    if action != p.VIEW:
        return qs.none()
    if scope.is_admin:
        return qs
    return qs.filter(committee_id__in=scope.committees_with(p.SECRETARIAT))


@p.register_policy(Abbreviation)
def abbreviation_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """The glossary is public reference data, kept by admins and the secretariat."""
    if action == p.VIEW:
        return qs
    if scope.is_admin or scope.committees_with(p.SECRETARIAT):
        return qs
    return qs.none()


@p.register_policy(SiteFlag)
def site_flag_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    return qs if scope.is_admin else qs.none()


@p.register_policy(Notification)
def notification_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Each person reads and marks their own notifications; admins see all of them."""
    if scope.is_anonymous:
        return qs.none()
    if action == p.VIEW and scope.is_admin:
        return qs
    if action in (p.VIEW, p.CHANGE):
        return qs.filter(recipient_id=scope.user_id)
    return qs.none()
