from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from phoihop.core.admin_base import ReadOnlyAdmin, ServiceModelAdmin
from phoihop.core.models import Abbreviation, AuditEvent, SiteFlag, User

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
        *DjangoUserAdmin.fieldsets,
        (_("PhốiHợp"), {"fields": ("phone", "must_change_password")}),
    )


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
