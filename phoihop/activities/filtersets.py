"""Filters of the report list (django-filter); querysets of the choices follow the user's
permissions, so a filter never lists what the user may not see. The select lists come
from a versioned cache (activities.cache) built through the same permissions."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from phoihop.activities import cache
from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity
from phoihop.core import permissions
from phoihop.core.text import fold
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ActivityStatus.choices, empty_label=_("All statuses")
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.none(), empty_label=_("All programs")
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        empty_label=_("All organizations"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="end_date", lookup_expr="gte", widget=DATE
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="start_date", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = Activity
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self._listed: cache.FilterChoices | None = None
        self.filters["program"].queryset = Program.objects.restrict(
            user, permissions.VIEW
        ).order_by("-year", "title")
        self.filters["organization"].queryset = Organization.objects.restrict(
            user, permissions.VIEW
        ).order_by("name")

    @property
    def form(self) -> forms.Form:
        """The filter form, its select lists from the cache of the user's choices (no
        query while the committees' programs and organizations stay as they are).
        Validation still goes through the querysets."""
        form = super().form
        if not getattr(form, "choices_listed", False):
            listed = self.listed
            for name, choices in (
                ("program", listed.programs),
                ("organization", listed.organizations),
            ):
                field = form.fields[name]
                field.widget.choices = [("", field.empty_label), *choices]
            form.choices_listed = True
        return form

    @property
    def listed(self) -> cache.FilterChoices:
        """The programs and organizations the user may pick (read once per filterset)."""
        if self._listed is None:
            self._listed = cache.filter_choices(self.user)
        return self._listed

    def unbound_html(self) -> SafeString:
        """The fields of the empty filter form (no filter chosen), as the list page shows
        them: rendered once per version of the choices and language, then served as is."""
        if self.is_bound:
            raise ValueError("Only the empty filter form is the same for every request.")
        return cache.rendered(
            self.listed,
            translation.get_language(),
            lambda: mark_safe(  # noqa: S308 - the templates' own (escaped) output
                "".join(render_to_string("core/_field.html", {"field": f}) for f in self.form)
            ),
        )

    def search(self, queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
        """Every word in the title or the narrative; the commune's name ignores tones."""
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(narrative__icontains=word)
                | Q(locality__folded_name__contains=fold(word))
            )
        return queryset
