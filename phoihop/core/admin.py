from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from phoihop.core import permissions
from phoihop.core.admin_base import ReadOnlyAdmin, ServiceModelAdmin
from phoihop.core.models import Abbreviation, AuditEvent, Notification, SiteFlag, User

admin.site.site_header = _("PhốiHợp administration")
admin.site.site_title = "PhốiHợp"
admin.site.index_title = _("Data of the coordination program")


@admin.register(User)
class UserAdmin(ServiceModelAdmin, DjangoUserAdmin):
    status_fields = ()
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "must_change_password",
    )
    list_filter = ("is_active", "is_staff", "must_change_password")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("PhốiHợp"), {"fields": ("phone", "must_change_password")}),
    )
    # What only a system administrator may touch: superuser and staff flags, Django's
    # own permissions (unused: roles are orgs.RoleAssignment rows) and the password
    # form (the secretariat resets passwords through orgs.services.user_reset_password).
    admin_only_fields = (
        "is_superuser",
        "is_staff",
        "user_permissions",
        "groups",
        "password",
        "last_login",
        "date_joined",
    )

    def _is_admin(self, request: HttpRequest) -> bool:
        return permissions.get_scope(request.user).is_admin

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if self._is_admin(request) else fields + self.admin_only_fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Accounts are created with a role (orgs.services.user_create), so that the
        # secretariat can see them; the bare add form is for system admins.
        return super().has_add_permission(request) and self._is_admin(request)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:  # noqa: A002
        if not self._is_admin(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    status_fields = ()
    list_display = ("at", "actor", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor__username", "request_id")
    date_hierarchy = "at"
    list_select_related = ("actor", "content_type")


@admin.register(SiteFlag)
class SiteFlagAdmin(ReadOnlyAdmin):
    """Installation facts (demo loaded, first run done): shown to system admins only."""

    status_fields = ()
    list_display = ("key",)


@admin.register(Abbreviation)
class AbbreviationAdmin(ServiceModelAdmin):
    status_fields = ()
    list_display = ("short", "expansion", "english")
    search_fields = ("short", "expansion", "folded")
    readonly_fields = ("folded",)


# Groups are not used: roles are orgs.RoleAssignment rows with committees and dates.
admin.site.unregister(Group)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """In-app notifications, read only (written by the services, read on /app/notifications/)."""

    status_fields = ()
    list_display = ("created_at", "recipient", "kind", "text", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
