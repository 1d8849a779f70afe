"""Filters of the practice lists."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.text import fold
from phoihop.orgs.models import Organization
from phoihop.practices.choices import PracticeStatus
from phoihop.practices.models import Practice


class PracticeFilter(filters.FilterSet):
    q = filters.CharFilter(label=pgettext_lazy("search box", "Model name"), method="search")
    status = filters.ChoiceFilter(
        label=_("Status"), choices=PracticeStatus.choices, empty_label=_("all")
    )
    owner = filters.ModelChoiceFilter(
        label=_("Owner organization"), queryset=Organization.objects.none()
    )
    started_from = filters.DateFilter(
        field_name="started_on", lookup_expr="gte", label=_("Started from")
    )

    class Meta:
        model = Practice
        fields = ("q", "status", "owner", "started_from")

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = organizations
        self.filters["owner"].field.empty_label = _("all")
        self.filters["started_from"].field.widget.input_type = "date"

    def search(self, qs: QuerySet[Practice], name: str, value: str) -> QuerySet[Practice]:
        folded = fold(value)
        return qs.filter(folded_title__contains=folded) if folded else qs
