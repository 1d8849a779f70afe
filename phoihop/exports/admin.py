"""Import jobs in the admin: read-only (they change only through the import service)."""

from django.contrib import admin

from phoihop.core.admin_base import ReadOnlyAdmin
from phoihop.exports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    status_fields = ()
    list_display = ("created_at", "program", "organization", "status", "total_rows")
    list_filter = ("status",)
    list_select_related = ("program", "organization")
