"""Filters of the orgs lists."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.text import fold
from phoihop.orgs.models import Organization, Person

ACCOUNT_STATES = (
    ("none", _("no account")),
    ("one_time", _("one-time password, not changed yet")),
    ("own", _("own password")),
    ("inactive", _("inactive")),
)


class PeopleFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=pgettext_lazy("search box", "Name, phone, email or account"), method="search"
    )
    organization = filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    account = filters.ChoiceFilter(
        label=_("Account"), choices=ACCOUNT_STATES, method="by_account", empty_label=_("all")
    )

    class Meta:
        model = Person
        fields = ("q", "organization", "account")

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["organization"].queryset = organizations
        self.filters["organization"].field.empty_label = _("all")

    def search(self, qs: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(folded_name__contains=fold(value))
            | Q(phone__contains=value)
            | Q(email__icontains=value)
            | Q(user__username__icontains=value)
        )

    def by_account(self, qs: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        if value == "none":
            return qs.filter(user__isnull=True)
        if value == "inactive":
            return qs.filter(user__is_active=False)
        if value == "one_time":
            return qs.filter(user__is_active=True, user__must_change_password=True)
        if value == "own":
            return qs.filter(user__is_active=True, user__must_change_password=False)
        return qs
