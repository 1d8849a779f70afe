"""Pages of the secretariat for people and accounts: the list, onboarding from a sheet
(accounts with one-time passwords) and password resets. Rules live in orgs.services."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from phoihop.core import permissions, spreadsheet
from phoihop.core.models import User
from phoihop.orgs import services
from phoihop.orgs.filtersets import PeopleFilter
from phoihop.orgs.forms import PeopleImportForm
from phoihop.orgs.models import Committee, Organization, RoleAssignment
from phoihop.orgs.selectors import people_for
from phoihop.orgs.tables import PeopleTable, configure, export_response

SHEET_SALT = "phoihop.orgs.onboarding-sheet"
SHEET_MAX_AGE = 12 * 3600


def managed_committees(user: Any) -> Any:
    """The committees whose people the user manages (403 when none)."""
    scope = permissions.get_scope(user)
    qs = (
        Committee.objects.all()
        if scope.is_admin
        else Committee.objects.filter(pk__in=scope.committees_with(permissions.SECRETARIAT))
    )
    if not scope.is_admin and not qs.exists():
        raise PermissionDenied
    return qs.order_by("name")


@login_required
def people(request: HttpRequest) -> HttpResponse:
    committees = managed_committees(request.user)
    base = (
        people_for(request.user)
        .filter(committee__in=committees)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__role_assignments",
                queryset=RoleAssignment.objects.valid_on(timezone.localdate()),
            )
        )
    )
    organizations = Organization.objects.filter(committee__in=committees).order_by("name")
    filterset = PeopleFilter(request.GET or None, queryset=base, organizations=organizations)
    table = PeopleTable(filterset.qs)
    exported = export_response(request, table, "nguoi-dung")
    if exported is not None:
        return exported
    configure(request, table)
    return render(
        request,
        "orgs/people.html",
        {"title": _("People and accounts"), "filter": filterset, "table": table},
    )


def _sheet_rows(done: list[services.Onboarded]) -> list[list[str]]:
    return [
        [
            item.person.full_name,
            item.person.organization.name if item.person.organization else "",
            item.person.phone,
            item.person.email,
            item.user.username,
            item.password,
        ]
        for item in done
    ]


def _sheet_headings() -> list[str]:
    return [
        _("Full name"),
        _("Organization"),
        _("Phone"),
        _("Email"),
        _("Account"),
        _("One-time password"),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    committees = managed_committees(request.user)
    form = PeopleImportForm(request.POST or None, request.FILES or None, committees=committees)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            done = services.people_onboard(
                actor=request.user,  # type: ignore[arg-type]
                committee=form.cleaned_data["committee"],
                rows=form.cleaned_data["sheet"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            rows = _sheet_rows(done)
            # The passwords are shown once and never stored: the download button posts
            # them back, signed, to be written into the sheet.
            payload = signing.dumps(rows, salt=SHEET_SALT, compress=True)
            response = render(
                request,
                "orgs/people_import_done.html",
                {
                    "title": _("Accounts created"),
                    "rows": rows,
                    "headings": _sheet_headings(),
                    "payload": payload,
                },
            )
            response["Cache-Control"] = "no-store"  # the passwords are shown this once
            return response
    return render(
        request,
        "orgs/people_import.html",
        {"title": _("Add people from a sheet"), "form": form, "problems": problems},
    )


@login_required
@require_POST
def people_import_sheet(request: HttpRequest) -> HttpResponse:
    """The sheet of accounts and one-time passwords to hand out (.xlsx or .csv)."""
    managed_committees(request.user)
    try:
        rows = signing.loads(
            request.POST.get("payload", ""), salt=SHEET_SALT, max_age=SHEET_MAX_AGE
        )
    except signing.BadSignature as exc:
        raise PermissionDenied from exc
    fmt = request.POST.get("format", "xlsx")
    stamp = timezone.localdate().strftime("%Y%m%d")
    headings = _sheet_headings()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headings)
        # Names and organizations come from the uploaded sheet: a "=…" stays text.
        writer.writerows([spreadsheet.csv_value(v) for v in row] for row in rows)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="tai-khoan-{stamp}.csv"'
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Accounts")[:31]
        sheet.append(headings)
        for row in rows:
            sheet.append(row)
            spreadsheet.xlsx_text_cells(sheet[sheet.max_row])
        for column, width in zip("ABCDEF", (28, 36, 14, 28, 14, 18), strict=True):
            sheet.column_dimensions[column].width = width
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="tai-khoan-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def people_template(request: HttpRequest) -> HttpResponse:
    """An empty sheet with the headings the upload expects."""
    managed_committees(request.user)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Tổ chức", "Điện thoại", "Email"])
    sheet.append(["Nguyễn Văn An", "Hội Chữ thập đỏ tỉnh", "0912345678", "an@example.org"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-nguoi.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Give an account a new one-time password, shown once (no email needed)."""
    account = permissions.get_for_action(
        User.objects.all(), request.user, permissions.CHANGE, pk=pk
    )
    context: dict[str, Any] = {"title": _("Reset the password"), "account": account}
    if request.method == "POST":
        try:
            context["password"] = services.user_reset_password(
                actor=request.user,  # type: ignore[arg-type]
                user=account,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    response = render(request, "orgs/password_reset.html", context)
    response["Cache-Control"] = "no-store"
    return response
