"""Forms of the orgs pages. Reading a sheet is here; what makes a line acceptable is in
orgs.services (people_onboard_check)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from phoihop.core.text import fold
from phoihop.orgs.choices import Role
from phoihop.orgs.models import Committee
from phoihop.orgs.services import PersonRow

MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_SHEET_ROWS = 3000

# Column headings accepted for each field (folded: no accents, lower case).
HEADINGS = {
    "full_name": {"ho va ten", "ho ten", "ten", "full name", "name"},
    "organization": {"to chuc", "don vi", "co quan", "organization", "organisation"},
    "phone": {"dien thoai", "so dien thoai", "sdt", "phone", "mobile"},
    "email": {"email", "e-mail", "thu dien tu"},
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    sheet = book.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _rows_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The CSV file is not in UTF-8; save it again as “CSV UTF-8”.")
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def read_people_sheet(upload: Any) -> list[PersonRow]:
    """The people of an uploaded .xlsx or .csv sheet, with their line numbers. The first
    line holds the headings (name, organization, phone, email, in any order)."""
    if upload.size > MAX_SHEET_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    data = upload.read()
    name = (upload.name or "").lower()
    if data.startswith(b"PK\x03\x04"):
        table = _rows_from_xlsx(data)
    elif name.endswith(".csv") or not name.endswith((".xlsx", ".xls")):
        table = _rows_from_csv(data)
    else:
        raise ValidationError(_("Only .xlsx and .csv files are accepted."))
    if not table:
        raise ValidationError(_("The sheet is empty."))
    header = [fold(h) for h in table[0]]
    columns: dict[str, int] = {}
    for field, names in HEADINGS.items():
        for index, heading in enumerate(header):
            if heading in names:
                columns[field] = index
                break
    missing = [f for f in ("full_name", "organization") if f not in columns]
    if missing:
        raise ValidationError(
            _(
                "The first line must hold the column headings: “Họ và tên”, “Tổ chức”, "
                "“Điện thoại”, “Email”."
            )
        )
    if len(table) - 1 > MAX_SHEET_ROWS:
        raise ValidationError(
            _("The sheet has more than {count} people; split it.").format(count=MAX_SHEET_ROWS)
        )

    def get(row: list[str], field: str) -> str:
        index = columns.get(field)
        value = row[index] if index is not None and index < len(row) else ""
        if field == "phone" and value.isdigit() and len(value) == 9:
            value = "0" + value  # typed as a number, Excel dropped the leading 0
        return value

    people = []
    for number, row in enumerate(table[1:], start=2):
        if not any(c for c in row):
            continue  # blank lines are skipped
        people.append(
            PersonRow(
                row=number,
                full_name=get(row, "full_name"),
                organization=get(row, "organization"),
                phone=get(row, "phone"),
                email=get(row, "email"),
            )
        )
    return people


class PeopleImportForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=Committee.objects.none(), label=_("Committee"))
    role = forms.ChoiceField(
        label=_("Role of the new accounts"),
        choices=[(Role.FOCAL, Role.FOCAL.label), (Role.LEADER, Role.LEADER.label)],
        initial=Role.FOCAL,
    )
    sheet = forms.FileField(
        label=_("Sheet of people (.xlsx or .csv)"),
        help_text=_(
            "First line: Họ và tên, Tổ chức, Điện thoại, Email. One person per line; the "
            "organization by its name or abbreviation."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["committee"]
        field.queryset = committees
        self.only_committee = committees.first() if committees.count() == 1 else None
        if self.only_committee is not None:
            field.initial = self.only_committee
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_committee(self) -> Committee:
        return self.cleaned_data.get("committee") or self.only_committee

    def clean_sheet(self) -> list[PersonRow]:
        return read_people_sheet(self.cleaned_data["sheet"])
