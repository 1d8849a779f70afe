"""Admin screens of geography: units and successions are read-only (they come from the
`vietnam-provinces` package through `phoihop load_geo`); area classifications are kept
through the services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from phoihop.core.admin_base import ReadOnlyAdmin, ServiceModelAdmin
from phoihop.core.models import User
from phoihop.core.text import fold
from phoihop.geo import services
from phoihop.geo.choices import Level
from phoihop.geo.models import AdminUnit, AdminUnitSuccession, AreaClassification


def _actor(request: HttpRequest) -> User:
    # The admin lets only signed-in staff this far (core.admin_base.admin_allowed).
    return cast(User, request.user)


def folded_search(
    queryset: models.QuerySet, term: str, *, folded_field: str, code_field: str
) -> models.QuerySet:
    """Every word of the term in the folded name (no tones, đ = d), or the exact code."""
    words = fold(term).split()
    if not words:
        return queryset
    if len(words) == 1 and words[0].isdigit():
        return queryset.filter(
            models.Q(**{code_field: int(words[0])})
            | models.Q(**{f"{folded_field}__contains": words[0]})
        )
    for word in words:
        queryset = queryset.filter(**{f"{folded_field}__contains": word})
    return queryset


class ProvinceFilter(admin.SimpleListFilter):
    """The 97 provinces of both schemes (a plain related filter would list 14,000 units)."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        provinces = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("scheme", "folded_name")
        return [(str(p.pk), f"{p.name} ({p.get_scheme_display()})") for p in provinces]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(province_id=int(value))
        return queryset


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin):
    status_fields = ()
    list_display = ("name", "code", "level", "scheme", "division_type", "parent", "valid_to")
    list_filter = ("scheme", "level", ProvinceFilter)
    search_fields = ("name", "folded_name", "code")
    search_help_text = _("Name with or without tones, or the official code.")
    list_select_related = ("parent",)
    show_full_result_count = False
    fields = (
        "name",
        "code",
        "scheme",
        "level",
        "division_type",
        "codename",
        "parent",
        "province",
        "valid_from",
        "valid_to",
    )

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        # Also serves the autocomplete of area classifications.
        return folded_search(
            queryset, search_term, folded_field="folded_name", code_field="code"
        ), False


@admin.register(AdminUnitSuccession)
class AdminUnitSuccessionAdmin(ReadOnlyAdmin):
    status_fields = ()
    list_display = ("old", "new", "is_partial", "effective")
    list_filter = ("is_partial", "old__level")
    search_fields = ("old__name", "old__folded_name", "new__name", "new__folded_name")
    search_help_text = _("Name of the old or the new unit, with or without tones.")
    list_select_related = ("old", "new")
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        old = folded_search(
            queryset, search_term, folded_field="old__folded_name", code_field="old__code"
        )
        new = folded_search(
            queryset, search_term, folded_field="new__folded_name", code_field="new__code"
        )
        return queryset.filter(pk__in=old.values("pk")) | queryset.filter(
            pk__in=new.values("pk")
        ), False


@admin.register(AreaClassification)
class AreaClassificationAdmin(ServiceModelAdmin):
    status_fields = ()
    list_display = ("unit", "kind", "valid_from", "valid_to", "source")
    list_filter = ("kind",)
    search_fields = ("unit__name", "unit__folded_name", "source")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    fields = ("unit", "kind", "valid_from", "valid_to", "source")

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        return folded_search(
            queryset, search_term, folded_field="unit__folded_name", code_field="unit__code"
        ), False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A period's commune, kind and start are what it is; a wrong one is deleted.
        fixed = ("unit", "kind", "valid_from") if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def save_via_service(
        self, *, request: HttpRequest, obj: AreaClassification, form: Any, change: bool
    ) -> None:
        if change:
            stored = AreaClassification.objects.get(pk=obj.pk)
            saved = services.area_classification_update(
                actor=_actor(request),
                classification=stored,
                valid_to=obj.valid_to,
                source=obj.source,
            )
        else:
            saved = services.area_classification_set(
                actor=_actor(request),
                unit=obj.unit,
                kind=obj.kind,
                valid_from=obj.valid_from,
                valid_to=obj.valid_to,
                source=obj.source,
            )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The services wrote the audit event already; ServiceModelAdmin would add another.
        admin.ModelAdmin.save_related(self, request, form, formsets, change)

    def delete_via_service(self, *, request: HttpRequest, obj: AreaClassification) -> None:
        services.area_classification_delete(actor=_actor(request), classification=obj)
