"""Tables of reports (django-tables2): sorting, paging and the CSV/XLSX export share the
columns. Rendered by our own small templates: activities/_table.html (headers with their
sort links, pager) and each table's `rows_template`, a plain loop over `page_rows()`,
the page's cells as text, in the columns' order. django-tables2's own cell rendering
(a bound cell per value, each resolving its accessor and inspecting its render method's
signature) cost about a third of the list's time; the template's own filters per cell
(dates, the status label's lazy translation, the link's `{% url %}`) most of the rest."""

from __future__ import annotations

import datetime
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tables2.paginators import LazyPaginator

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity

DAY = "%d/%m/%Y"  # the columns' format "d/m/Y"


def _day(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime(DAY)


class ReportPaginator(LazyPaginator):
    """Pages without counting: a page reads one row more than it shows to know whether
    another follows, so a list of 200,000 reports never runs COUNT(*) over them."""

    lazy = True


class ActivityTable(tables.Table):
    title = tables.Column(
        verbose_name=pgettext_lazy("activity", "Title"),
        linkify=("activities:detail", [tables.A("pk")]),
    )
    organization = tables.Column(verbose_name=_("Organization"), order_by=("organization__name",))
    content = tables.Column(verbose_name=_("Content"), order_by=("content__order", "content_id"))
    # The id breaks ties between reports of one day (stable pages); the index
    # act_start_date_idx (within one committee act_committee_start_idx) serves this
    # order, so a page reads 50 rows, not all of them.
    start_date = tables.DateColumn(
        verbose_name=_("Date"), format="d/m/Y", order_by=("start_date", "id")
    )
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

    # Writes the cells of `Meta.sequence`, in that order.
    rows_template = "activities/_activity_rows.html"

    def paginate(self, paginator_class: Any = ReportPaginator, *args: Any, **kwargs: Any) -> None:
        super().paginate(paginator_class, *args, **kwargs)

    def page_rows(self) -> list[dict[str, Any]]:
        """The cells of the page's rows (all rows if not paged), by column name: text the
        template escapes, the participants a number it localizes, `url` the title's link."""
        statuses = {value: str(label) for value, label in ActivityStatus.choices}
        # One reverse() for the page, not one a row: the detail URL of pk 0, its pk cut off.
        detail = reverse("activities:detail", args=[0]).removesuffix("0/")
        return [self.cells(row.record, statuses, detail) for row in self.paginated_rows]

    def cells(self, record: Activity, statuses: dict[str, str], detail: str) -> dict[str, Any]:
        return {
            "pk": record.pk,
            "url": f"{detail}{record.pk}/",
            "title": record.title or "—",
            "start_date": _day(record.start_date),
            "organization": str(record.organization),
            "content": str(record.content),
            "locality": str(record.locality),
            "status": statuses.get(record.status, record.status),
            "participants": getattr(record, "participant_total", None) or 0,
        }

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

    rows_template = "activities/_queue_rows.html"

    def cells(self, record: Activity, statuses: dict[str, str], detail: str) -> dict[str, Any]:
        return {
            **super().cells(record, statuses, detail),
            "submitted_at": _day(record.submitted_at),
        }


def export_dataset(table: ActivityTable, export_format: str) -> Any:
    """The table's rows (filtered and sorted as shown) as a tablib Dataset, read in one
    query of plain values: rendering thousands of rows cell by cell through the table
    is too slow for an export of a year's reports."""
    import tablib

    from phoihop.activities.choices import ActivityStatus

    qs = table.data.data.prefetch_related(None)  # ordered by RequestConfig
    statuses = dict(ActivityStatus.choices)
    columns = [
        ("title", table.columns["title"].header),
        ("start_date", table.columns["start_date"].header),
        ("end_date", _("End date")),
        ("organization__name", table.columns["organization"].header),
        ("content__title", table.columns["content"].header),
        ("locality__name", table.columns["locality"].header),
        ("status", table.columns["status"].header),
        ("participant_total", table.columns["participants"].header),
    ]
    dataset = tablib.Dataset(headers=[str(label) for __, label in columns])
    for row in qs.values_list(*[name for name, __ in columns]):
        values = list(row)
        for i in (1, 2):
            if export_format == "csv" and values[i] is not None:
                values[i] = values[i].strftime("%d/%m/%Y")
        values[6] = str(statuses.get(values[6], values[6]))
        values[7] = values[7] or 0
        dataset.append(values)
    return dataset
