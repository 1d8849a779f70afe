"""The rollup tables in the admin: read-only, for system administrators checking them
(`phoihop figures verify` is the way to compare them with the raw rows)."""

from django.contrib import admin

from phoihop.core.admin_base import AdministratorsOnlyAdmin
from phoihop.figures.models import (
    FigureCell,
    FigurePlace,
    FigureSpan,
    FigureSummary,
    ProgramRollup,
)


class _RollupAdmin(AdministratorsOnlyAdmin):
    list_select_related = ("program",)
    list_filter = ("program",)


admin.site.register(FigureCell, _RollupAdmin)
admin.site.register(FigureSummary, _RollupAdmin)
admin.site.register(FigurePlace, _RollupAdmin)
admin.site.register(FigureSpan, _RollupAdmin)


@admin.register(ProgramRollup)
class ProgramRollupAdmin(AdministratorsOnlyAdmin):
    list_display = ("program", "built_at", "updated_at")
    list_select_related = ("program",)
