"""The activity workbook: its layout, the lookup lists, and writing it.

The same layout is the blank template, the export of what an organization reported
(so a downloaded workbook can be edited and uploaded again) and the marked copy sent
back with errors. Sheets:

- "Hoạt động": one row per report, keyed by the report's id (column A);
- "Người tham gia": participants per target group (key, group, count);
- "Chỉ tiêu": indicator values (key, indicator, value, denominator);
- "Hướng dẫn": instructions;
- "Danh mục": the drop-down lists, hidden and protected.
"""

from __future__ import annotations

import datetime
import io
import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from phoihop.activities.choices import FundingSource
from phoihop.activities.models import Activity, Credit, Funding, IndicatorValue, Participation
from phoihop.core.spreadsheet import set_text
from phoihop.core.text import fold, normalize
from phoihop.geo.choices import Level
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Organization
from phoihop.programs.choices import Aggregation
from phoihop.programs.models import Indicator, Program, ProgramContent, TargetGroup

# Sheet names are part of the format: they stay Vietnamese whatever the UI language.
ACTIVITIES = "Hoạt động"
PARTICIPANTS = "Người tham gia"
VALUES = "Chỉ tiêu"
INSTRUCTIONS = "Hướng dẫn"
LOOKUP = "Danh mục"
DATA_SHEETS = (ACTIVITIES, PARTICIPANTS, VALUES)

YES, NO = "Có", "Không"
SEPARATOR = "; "  # between the co-organizing organizations of one cell
FUNDING_ORDER = (
    FundingSource.STATE,
    FundingSource.OWN,
    FundingSource.MOBILIZED,
    FundingSource.OTHER,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: Any
    width: int = 18


ACTIVITY_COLUMNS = (
    Column("key", gettext_lazy("Row key (do not change)"), 38),
    Column("content", gettext_lazy("Program content"), 45),
    Column("title", gettext_lazy("Activity"), 45),
    Column("start_date", gettext_lazy("From (dd/mm/yyyy)"), 14),
    Column("end_date", gettext_lazy("To (dd/mm/yyyy)"), 14),
    Column("locality", gettext_lazy("Commune"), 30),
    Column("funding_state", gettext_lazy("State budget (đồng)"), 18),
    Column("funding_own", gettext_lazy("Own funds (đồng)"), 18),
    Column("funding_mobilized", gettext_lazy("Mobilized funds (đồng)"), 18),
    Column("funding_other", gettext_lazy("Other funds (đồng)"), 18),
    Column("not_for_publication", gettext_lazy("Not for publication (Có/Không)"), 12),
    Column("narrative", gettext_lazy("Results"), 50),
    Column(
        "co_organizations",
        gettext_lazy("Co-organizing organizations (from the list, separated by “;”)"),
        40,
    ),
    Column("status", gettext_lazy("Status (for information)"), 14),
)
PARTICIPANT_COLUMNS = (
    Column("key", gettext_lazy("Row key of the activity"), 38),
    Column("target_group", gettext_lazy("Target group"), 35),
    Column("count", gettext_lazy("Participants (person-times)"), 14),
)
VALUE_COLUMNS = (
    Column("key", gettext_lazy("Row key of the activity"), 38),
    Column("indicator", gettext_lazy("Indicator"), 55),
    Column("value", gettext_lazy("Value"), 14),
    Column("denominator", gettext_lazy("Denominator (ratio indicators)"), 14),
)
COLUMNS = {ACTIVITIES: ACTIVITY_COLUMNS, PARTICIPANTS: PARTICIPANT_COLUMNS, VALUES: VALUE_COLUMNS}
FUNDING_COLUMNS = {f"funding_{source}": source for source in FUNDING_ORDER}

# Blank rows with ready-made keys in a new template; more rows may be added (a row
# without a key is a new report each time the workbook is uploaded).
BLANK_ROWS = 200


def column_index(sheet: str, key: str) -> int:
    """1-based column of `key` in `sheet`."""
    for index, column in enumerate(COLUMNS[sheet], start=1):
        if column.key == key:
            return index
    raise KeyError(key)


def column_letter(sheet: str, key: str) -> str:
    return get_column_letter(column_index(sheet, key))


# -- lookups -----------------------------------------------------------------------------


class Choices:
    """Labels of one drop-down list and the objects they stand for.

    A typed value matches its label once both are in composed Unicode with single
    spaces; failing that, a value that folds (no diacritics, đ as d) to exactly one
    label matches it — so "Hoà" and "Hòa", or text pasted in decomposed form, are
    understood. A folded value shared by two labels matches neither."""

    def __init__(self, items: Iterable[tuple[str, Any]]) -> None:
        self.by_label: dict[str, Any] = {}
        self.label_of: dict[Any, str] = {}
        folded: dict[str, str | None] = {}
        for raw, obj in items:
            label = normalize(raw)
            self.by_label[label] = obj
            self.label_of[obj.pk if hasattr(obj, "pk") else obj] = label
            key = fold(label)
            folded[key] = None if key in folded else label
        self.folded = folded

    @property
    def labels(self) -> list[str]:
        return list(self.by_label)

    def match(self, text: str) -> Any:
        text = normalize(text)
        if text in self.by_label:
            return self.by_label[text]
        label = self.folded.get(fold(text))
        return self.by_label[label] if label is not None else None


def _unique_labels(objs: list[Any], name: Any, detail: Any) -> list[tuple[str, Any]]:
    """Labels from `name(obj)`, with `detail(obj)` added where two would be the same."""
    counts: dict[str, int] = {}
    for obj in objs:
        counts[fold(name(obj))] = counts.get(fold(name(obj)), 0) + 1
    labels = []
    for obj in objs:
        label = name(obj)
        if counts[fold(label)] > 1:
            label = f"{label} – {detail(obj)}"
        labels.append((label, obj))
    return labels


def contents_of(program: Program, organization: Organization) -> list[ProgramContent]:
    """The program's contents the organization (or one it is a branch of) takes part in."""
    chain: list[int] = []
    org: Organization | None = organization
    while org is not None and org.pk not in chain:
        chain.append(org.pk)
        org = org.parent
    return list(
        ProgramContent.objects.filter(program=program)
        .filter(Q(lead_id__in=chain) | Q(co_organizations__in=chain))
        .distinct()
        .order_by("order", "pk")
        .prefetch_related("target_groups")
    )


@dataclass
class Lookups:
    program: Program
    organization: Organization
    contents: Choices
    communes: Choices
    groups: Choices
    indicators: Choices
    organizations: Choices = field(default_factory=lambda: Choices(()))
    content_list: list[ProgramContent] = field(default_factory=list)
    # content id -> ids of its target groups (empty = any group) and of its indicators
    content_groups: dict[int, set[int]] = field(default_factory=dict)
    indicator_objs: dict[int, Indicator] = field(default_factory=dict)


def communes_for(program: Program) -> list[AdminUnit]:
    """Communes of the committee's province that existed during the program."""
    province_id = program.committee.province_id
    return list(
        AdminUnit.objects.filter(level=Level.COMMUNE, province_id=province_id)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=program.period_end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=program.period_start))
        .select_related("parent")
        .order_by("name", "pk")
    )


def co_organizers_for(program: Program, organization: Organization) -> list[Organization]:
    """The organizations that may be credited with the organization's reports: the
    committee's others (as activity_create accepts them)."""
    return list(
        Organization.objects.filter(committee_id=program.committee_id)
        .exclude(pk=organization.pk)
        .select_related("parent")
        .order_by("name", "pk")
    )


def lookups(program: Program, organization: Organization) -> Lookups:
    contents = contents_of(program, organization)
    content_items = [(f"{c.order}. {c.title}", c) for c in contents]
    communes = _unique_labels(
        communes_for(program),
        lambda u: u.name,
        lambda u: u.parent.name if u.parent else str(u.code),
    )
    groups = list(TargetGroup.objects.order_by("order", "name"))
    indicators = list(
        Indicator.objects.filter(content__in=contents)
        .select_related("content")
        .order_by("content__order", "content_id", "order", "pk")
    )
    content_label = {c.pk: label for label, c in content_items}
    indicator_items = _unique_labels(
        indicators, lambda i: f"{i.name} ({i.unit})", lambda i: content_label[i.content_id]
    )
    return Lookups(
        program=program,
        organization=organization,
        contents=Choices(content_items),
        communes=Choices(communes),
        groups=Choices((g.name, g) for g in groups),
        indicators=Choices(indicator_items),
        organizations=Choices(
            _unique_labels(
                co_organizers_for(program, organization),
                lambda o: o.name,
                lambda o: o.parent.name if o.parent else str(o.pk),
            )
        ),
        content_list=contents,
        content_groups={c.pk: {g.pk for g in c.target_groups.all()} for c in contents},
        indicator_objs={i.pk: i for i in indicators},
    )


# -- rows of existing reports ------------------------------------------------------------


def _money(value: int | None) -> int | None:
    return value or None


def existing_rows(
    look: Lookups,
) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    """The organization's current reports of the program, as rows of the three sheets."""
    activities = list(
        Activity.objects.filter(program=look.program, organization=look.organization)
        .exclude(status="superseded")
        .select_related("content", "locality")
        .order_by("start_date", "pk")
    )
    ids = [a.pk for a in activities]
    funding: dict[int, dict[str, int]] = {}
    for activity_id, source, amount in Funding.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "source", "amount"
    ):
        funding.setdefault(activity_id, {})[source] = amount
    credited: dict[int, list[str]] = {}
    for activity_id, org_id, name in (
        Credit.objects.filter(activity_id__in=ids)
        .exclude(organization_id=look.organization.pk)
        .order_by("organization__name", "organization_id")
        .values_list("activity_id", "organization_id", "organization__name")
    ):
        credited.setdefault(activity_id, []).append(look.organizations.label_of.get(org_id, name))
    status_labels = dict(Activity._meta.get_field("status").choices or [])
    rows = []
    keys = {a.pk: str(a.uuid) for a in activities}
    for a in activities:
        money = funding.get(a.pk, {})
        rows.append(
            [
                keys[a.pk],
                look.contents.label_of.get(a.content_id, a.content.title),
                a.title,
                a.start_date,
                a.end_date,
                look.communes.label_of.get(a.locality_id, a.locality.name),
                *(_money(money.get(source)) for source in FUNDING_ORDER),
                YES if a.not_for_publication else NO,
                a.narrative,
                SEPARATOR.join(credited.get(a.pk, [])) or None,
                str(status_labels.get(a.status, a.status)),
            ]
        )
    participants = [
        [keys[activity_id], look.groups.label_of.get(group_id, str(group_id)), count]
        for activity_id, group_id, count in Participation.objects.filter(activity_id__in=ids)
        .order_by("activity__start_date", "activity_id", "target_group__order", "target_group_id")
        .values_list("activity_id", "target_group_id", "count")
    ]
    values = [
        [
            keys[activity_id],
            look.indicators.label_of.get(indicator_id, str(indicator_id)),
            value,
            denominator,
        ]
        for activity_id, indicator_id, value, denominator in IndicatorValue.objects.filter(
            activity_id__in=ids
        )
        .order_by("activity__start_date", "activity_id", "indicator__order", "indicator_id")
        .values_list("activity_id", "indicator_id", "value", "denominator")
    ]
    return rows, participants, values


# -- writing -----------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
DATE_FORMAT = "DD/MM/YYYY"


@dataclass
class Marks:
    """Cells to mark in a copy: (sheet, row, column) -> message."""

    cells: dict[tuple[str, int, int], str] = field(default_factory=dict)


def _list_range(column: int, count: int) -> str:
    letter = get_column_letter(column)
    return f"{quote_sheetname(LOOKUP)}!${letter}$2:${letter}${max(count, 1) + 1}"


def _validation(formula: str, prompt_title: str, error: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error = error
    dv.errorTitle = prompt_title
    dv.showErrorMessage = True
    return dv


def _instructions(look: Lookups) -> list[list[str]]:
    program, org = look.program, look.organization
    period = f"{program.period_start:%d/%m/%Y} – {program.period_end:%d/%m/%Y}"
    lines = [
        _("HOW TO ENTER ACTIVITY REPORTS"),
        _("Program: {title} ({period})").format(title=program.title, period=period),
        _("Reporting organization: {name}").format(name=org.name),
        "",
        _(
            "1. Each row of the sheet “{sheet}” is one activity. Column A (row key) is filled "
            "in already; do not change or delete it: when the workbook is uploaded again, a "
            "row with a known key updates that report instead of adding a new one."
        ).format(sheet=ACTIVITIES),
        _(
            "2. To add activities, fill in the empty rows that already have a key. A row you "
            "add without a key is added as a new report each time the workbook is uploaded."
        ),
        _("3. Contents, communes, target groups and indicators: choose from the drop-down lists."),
        _("4. Dates as dd/mm/yyyy, inside the program's period ({period}).").format(period=period),
        _("5. Participants, values and amounts are numbers, zero or more; amounts in whole đồng."),
        _(
            "6. Sheet “{participants}”: one row per target group of an activity (with that "
            "activity's row key). Sheet “{values}”: one row per indicator; a ratio indicator "
            "also needs its denominator."
        ).format(participants=PARTICIPANTS, values=VALUES),
        _(
            "7. Co-organizing organizations (column “{column}”): names from the list of "
            "the committee's organizations (hidden sheet “{lookup}”), separated by “;”. "
            "Leave it empty when the organization held the activity alone."
        ).format(column=column_letter(ACTIVITIES, "co_organizations"), lookup=LOOKUP),
        _("8. Enter values only: no formulas, no merged cells, no hidden rows."),
        _(
            "9. Reports already submitted or approved cannot be changed through this workbook; "
            "start a revision in the application instead."
        ),
        _(
            "10. If something is wrong, you get back a copy of the workbook with each wrong cell "
            "in red and a note saying what to fix; fix them and upload again. While there are "
            "errors, no row is imported."
        ),
    ]
    return [[line] for line in lines]


def _header(ws: Any, columns: tuple[Column, ...]) -> None:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    ws.append(cells)


def _text_cell(ws: Any, value: Any) -> WriteOnlyCell:
    """A cell holding `value`; text stays text even when it starts with "=" (a title or
    name typed as `=HYPERLINK(…)` must not become a formula in someone's workbook)."""
    cell = WriteOnlyCell(ws)
    set_text(cell, value)
    return cell


def _row(ws: Any, sheet: str, number: int, values: list[Any], marks: Marks | None) -> list[Any]:
    cells = []
    for index, value in enumerate(values, start=1):
        cell = _text_cell(ws, value)
        if isinstance(value, (datetime.date, datetime.datetime)):
            cell.number_format = DATE_FORMAT
        message = marks.cells.get((sheet, number, index)) if marks else None
        if message:
            cell.fill = ERROR_FILL
            cell.comment = Comment(message, "PhốiHợp", width=300, height=120)
        cells.append(cell)
    return cells


def write_workbook(
    look: Lookups,
    sheets: dict[str, list[list[Any]]],
    *,
    marks: Marks | None = None,
    blank_rows: int = 0,
) -> bytes:
    """The workbook with `sheets` rows (without headers); `marks` colours and comments
    cells (sheet row numbers count the header as row 1)."""
    wb = Workbook(write_only=True)
    lists = [
        look.contents.labels,
        look.communes.labels,
        look.groups.labels,
        look.indicators.labels,
        [YES, NO],
        look.organizations.labels,
    ]
    rows = dict(sheets)
    activity_rows = list(rows.get(ACTIVITIES, []))
    activity_rows += [[str(uuidlib.uuid4())] for _ in range(blank_rows)]
    rows[ACTIVITIES] = activity_rows
    validations = {
        ACTIVITIES: [
            ("content", 1, _("Choose a content from the list.")),
            ("locality", 2, _("Choose a commune from the list.")),
            ("not_for_publication", 5, _("Choose Có or Không.")),
        ],
        PARTICIPANTS: [("target_group", 3, _("Choose a target group from the list."))],
        VALUES: [("indicator", 4, _("Choose an indicator from the list."))],
    }
    for sheet in DATA_SHEETS:
        ws = wb.create_sheet(sheet)
        ws.freeze_panes = "B2" if sheet == ACTIVITIES else "A2"
        for index, column in enumerate(COLUMNS[sheet], start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        last = max(len(rows.get(sheet, [])) + 1, 1000 if sheet != ACTIVITIES else 1) + 1
        last = max(last, len(rows.get(sheet, [])) + BLANK_ROWS + 1)
        for key, lookup_column, error in validations[sheet]:
            dv = _validation(
                _list_range(lookup_column, len(lists[lookup_column - 1])), LOOKUP, error
            )
            letter = column_letter(sheet, key)
            dv.add(f"{letter}2:{letter}{last}")
            ws.data_validations.dataValidation.append(dv)
        for key in ("start_date", "end_date"):
            if sheet == ACTIVITIES:
                dv = DataValidation(
                    type="date",
                    operator="between",
                    formula1=f"DATE({look.program.period_start:%Y,%-m,%-d})",
                    formula2=f"DATE({look.program.period_end:%Y,%-m,%-d})",
                    allow_blank=True,
                )
                dv.error = _("Enter a date inside the program's period.")
                dv.showErrorMessage = True
                letter = column_letter(sheet, key)
                dv.add(f"{letter}2:{letter}{last}")
                ws.data_validations.dataValidation.append(dv)
        _header(ws, COLUMNS[sheet])
        for number, values in enumerate(rows.get(sheet, []), start=2):
            ws.append(_row(ws, sheet, number, values, marks))
    guide = wb.create_sheet(INSTRUCTIONS)
    guide.column_dimensions["A"].width = 120
    for line in _instructions(look):
        guide.append([_text_cell(guide, value) for value in line])
    lookup = wb.create_sheet(LOOKUP)
    lookup.sheet_state = "hidden"
    lookup.protection.sheet = True
    lookup.append(
        [
            str(_("Content")),
            str(_("Commune")),
            str(_("Target group")),
            str(_("Indicator")),
            "",
            str(_("Co-organizing organization")),
        ]
    )
    longest = max(len(values) for values in lists)
    for index in range(longest):
        cells = [
            _text_cell(lookup, values[index] if index < len(values) else None) for values in lists
        ]
        lookup.append(cells)
    # The lookup sheet cannot be unhidden or renamed without unprotecting the workbook.
    wb.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_bytes(look: Lookups, *, blank_rows: int = BLANK_ROWS) -> bytes:
    activities, participants, values = existing_rows(look)
    return write_workbook(
        look,
        {ACTIVITIES: activities, PARTICIPANTS: participants, VALUES: values},
        blank_rows=blank_rows,
    )


def is_ratio(indicator: Indicator) -> bool:
    return indicator.aggregation == Aggregation.RATIO
