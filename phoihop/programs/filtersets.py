"""Filters of the program lists."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.text import fold
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Program


class ProgramFilter(filters.FilterSet):
    q = filters.CharFilter(label=pgettext_lazy("search box", "Title"), method="search")
    year = filters.NumberFilter(label=_("Year"))
    status = filters.ChoiceFilter(
        label=_("Status"), choices=ProgramStatus.choices, empty_label=_("all")
    )

    class Meta:
        model = Program
        fields = ("q", "year", "status")

    def search(self, qs: QuerySet[Program], name: str, value: str) -> QuerySet[Program]:
        words = fold(value).split()
        if not words:
            return qs
        # Titles are short and programs few: fold in Python, accent-insensitively.
        rows = qs.select_related(None).values_list("pk", "title")
        ids = [pk for pk, title in rows if all(w in fold(title) for w in words)]
        return qs.filter(pk__in=ids)
