"""Tables of the orgs pages, and the list helpers the other apps' pages use too:
sorting and pagination from the query string, and CSV/XLSX exports of the whole
filtered list (django-tables2 with tablib)."""

from __future__ import annotations

import datetime
from typing import Any

import django_tables2 as tables
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from phoihop.core import spreadsheet
from phoihop.orgs.models import Person

PER_PAGE = 25
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def configure(request: HttpRequest, table: tables.Table, per_page: int = PER_PAGE) -> tables.Table:
    """Sort by `?sort=` and paginate by `?page=` (an out-of-range page shows the last)."""
    tables.RequestConfig(request, paginate={"per_page": per_page, "silent": True}).configure(table)
    return table


def export_response(request: HttpRequest, table: tables.Table, name: str) -> HttpResponse | None:
    """The whole (filtered, sorted) list as a file when `?export=csv|xlsx`; else None."""
    fmt = request.GET.get("export", "")
    if fmt not in EXPORT_FORMATS:
        return None
    tables.RequestConfig(request, paginate=False).configure(table)
    stamp = timezone.localdate().strftime("%Y%m%d")
    exporter = TableExport(fmt, table, exclude_columns=("actions",))
    # Written by core.spreadsheet, not tablib: a name typed as "=HYPERLINK(…)" stays text.
    content = spreadsheet.dataset_export(exporter.dataset, fmt)
    if fmt == "csv":
        # Excel reads a CSV as UTF-8 (Vietnamese intact) only when it starts with a BOM.
        content = "\ufeff" + str(content)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


def date_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return ""


class DateColumn(tables.Column):
    """dd/mm/yyyy on the page and in exports."""

    def render(self, value: Any) -> str:
        return date_text(value)

    def value(self, value: Any) -> str:
        return date_text(value)


class PeopleTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Full name"), linkify=False)
    organization = tables.Column(verbose_name=_("Organization"), order_by=("organization__name",))
    phone = tables.Column(verbose_name=_("Phone"))
    email = tables.Column(verbose_name=_("Email"))
    username = tables.Column(
        verbose_name=_("Account"), accessor="user__username", order_by=("user__username",)
    )
    roles = tables.Column(verbose_name=_("Roles"), accessor="pk", orderable=False)
    last_login = DateColumn(
        verbose_name=_("Last sign-in"), accessor="user__last_login", order_by=("user__last_login",)
    )
    state = tables.Column(verbose_name=_("Password"), accessor="pk", orderable=False)
    actions = tables.Column(
        verbose_name="", accessor="pk", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = Person
        fields = ("full_name", "organization", "phone", "email")
        sequence = ("full_name", "organization", "phone", "email", "username", "roles")
        order_by = ("full_name",)
        empty_text = _("No one matches.")

    def render_email(self, value: str) -> str:
        return value

    def render_roles(self, record: Person) -> str:
        user = record.user
        if user is None:
            return ""
        labels = sorted({str(a.get_role_display()) for a in user.role_assignments.all()})
        return ", ".join(labels)

    def value_roles(self, record: Person) -> str:
        return self.render_roles(record)

    def render_state(self, record: Person) -> str:
        user = record.user
        if user is None:
            return str(_("no account"))
        if not user.is_active:
            return str(_("inactive"))
        if user.must_change_password:
            return str(_("one-time password, not changed yet"))
        return str(_("own password"))

    def value_state(self, record: Person) -> str:
        return self.render_state(record)

    def render_actions(self, record: Person) -> str:
        if record.user_id is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("orgs:password_reset", args=[record.user_id]),
            _("Reset password"),
        )
