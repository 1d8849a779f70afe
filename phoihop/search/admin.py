"""The search index in the admin: read-only (`phoihop search_reindex` rebuilds it)."""

from django.contrib import admin

from phoihop.core.admin_base import AdministratorsOnlyAdmin
from phoihop.search.models import SearchEntry


@admin.register(SearchEntry)
class SearchEntryAdmin(AdministratorsOnlyAdmin):
    list_display = ("kind", "object_id", "title", "committee_id", "public_from")
    list_filter = ("kind",)
    search_fields = ("folded_title",)
