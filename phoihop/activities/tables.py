"""Tables of reports (django-tables2): sorting, paging and the CSV/XLSX export share the
columns. Rendered by our own small template (activities/_table.html)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.activities.models import Activity


class ActivityTable(tables.Table):
    title = tables.Column(
        verbose_name=pgettext_lazy("activity", "Title"),
        linkify=("activities:detail", [tables.A("pk")]),
    )
    organization = tables.Column(verbose_name=_("Organization"), order_by=("organization__name",))
    content = tables.Column(verbose_name=_("Content"), order_by=("content__order", "content_id"))
    start_date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    locality = tables.Column(verbose_name=_("Commune"), order_by=("locality__folded_name",))
    status = tables.Column(verbose_name=_("Status"))
    participants = tables.Column(
        verbose_name=_("Participants"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "num"}},
    )

    class Meta:
        model = Activity
        fields = ("title", "organization", "content", "start_date", "locality", "status")
        sequence = (
            "title",
            "start_date",
            "organization",
            "content",
            "locality",
            "status",
            "participants",
        )
        template_name = "activities/_table.html"
        order_by = ("-start_date",)
        attrs = {"class": "table"}

    def render_participants(self, record: Activity) -> Any:
        return getattr(record, "participant_total", None) or 0

    def value_participants(self, record: Activity) -> Any:
        return getattr(record, "participant_total", None) or 0

    def value_title(self, value: str) -> str:
        return value


class QueueTable(ActivityTable):
    pick = tables.TemplateColumn(
        verbose_name=_("Choose"),
        orderable=False,
        exclude_from_export=True,
        template_code=(
            '<input type="checkbox" name="ids" value="{{ record.pk }}" form="bulk-form" '
            'id="pick-{{ record.pk }}" aria-label="{{ record.title }}">'
        ),
    )
    submitted_at = tables.DateTimeColumn(verbose_name=_("Submitted"), format="d/m/Y")

    class Meta(ActivityTable.Meta):
        sequence = (
            "pick",
            "title",
            "organization",
            "start_date",
            "submitted_at",
            "locality",
            "content",
            "status",
            "participants",
        )
        order_by = ("submitted_at",)
