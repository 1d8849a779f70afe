"""Reading the workbook's rows and validating them all, in one pass.

`read_rows` reads the three data sheets (calamine, or openpyxl read-only for a workbook
with formulas or error cells: 50,000 rows fit in a few hundred megabytes at most).
`validate` checks every row with the same rules the activity services apply to one
report — known content, commune, target group and indicator; dates that exist, in
order, inside the program and while the commune existed; whole non-negative counts and
amounts; a denominator exactly for ratio indicators — and turns the good rows into the
services' input. Each problem names the sheet, row, column, the value found and the
form expected.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import uuid as uuidlib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree import ElementTree

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from python_calamine import CalamineError, CalamineWorkbook

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity, Credit, Funding, IndicatorValue, Participation
from phoihop.core.text import fold, normalize
from phoihop.exports.checks import MAX_ROWS, FileRefused
from phoihop.exports.workbook import (
    ACTIVITIES,
    COLUMNS,
    DATA_SHEETS,
    FUNDING_COLUMNS,
    NO,
    PARTICIPANTS,
    VALUES,
    YES,
    Lookups,
    column_index,
    is_ratio,
)

MAX_TITLE = 300
MAX_COUNT = 2_000_000_000
MAX_AMOUNT = 10**15
EDITABLE = (ActivityStatus.DRAFT, ActivityStatus.RETURNED)


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: int
    value: Any
    expected: str

    @property
    def message(self) -> str:
        column = COLUMNS[self.sheet][self.column - 1]
        letter = _letter(self.column)
        found = "" if self.value is None else str(self.value)
        return _(
            "Sheet “{sheet}”, row {row}, column {letter} ({header}): found “{found}”; {expected}"
        ).format(
            sheet=self.sheet,
            row=self.row,
            letter=letter,
            header=column.header,
            found=found[:80],
            expected=self.expected,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": _letter(self.column),
            "value": "" if self.value is None else str(self.value)[:200],
            "message": self.message,
        }


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


@dataclass
class Row:
    sheet: str
    number: int
    values: list[Any]

    def get(self, key: str) -> Any:
        index = column_index(self.sheet, key) - 1
        return self.values[index] if index < len(self.values) else None


@dataclass
class Sheets:
    rows: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    @property
    def total_reports(self) -> int:
        return len(self.rows.get(ACTIVITIES, []))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Workbooks written before the co-organizers column hold the status in its place.
LEGACY_STATUS = column_index(ACTIVITIES, "co_organizations") - 1


def _without_co_organizers(header: tuple[Any, ...]) -> bool:
    """A header row of the layout without the co-organizers column (status in M)."""
    if len(header) <= LEGACY_STATUS or not isinstance(header[LEGACY_STATUS], str):
        return False
    status = next(c for c in COLUMNS[ACTIVITIES] if c.key == "status").header
    found = fold(header[LEGACY_STATUS])
    labels = set()
    for language in ("vi", "en"):
        with translation.override(language):
            labels.add(fold(str(status)))
    return found in labels


# Told (rows done, rows in all) every STEP rows of a long pass: the job's progress bar.
Progress = Callable[[int, int], None]
STEP = 500


def _sheet_size(wb: Any, ws: Any) -> int:
    """Rows the sheet holds, for the bar only: its dimension, or when it gives none (as
    openpyxl's streaming writer leaves it) the row elements counted in its XML, which
    costs a decompression (a few percent of a read), not a parse."""
    try:
        if ws.max_row:
            return int(ws.max_row)
        count, tail = 0, b""
        with wb._archive.open(ws._worksheet_path) as xml:
            while chunk := xml.read(1 << 20):
                data = tail + chunk
                count += data.count(b"<row ") + data.count(b"<row>")
                tail = data[-4:]  # a tag cut between two reads is found in the next
        return count
    except (AttributeError, KeyError, OSError, TypeError, ValueError):
        return 0


def read_rows(fileobj: IO[bytes], progress: Progress | None = None) -> Sheets:
    """The non-empty rows of the data sheets, as values (formulas kept as their text).
    `progress` is told the rows read, of the rows the sheets' dimensions announce.

    calamine reads the sheets (in Rust, some fifteen times openpyxl's streaming parse)
    unless a data sheet holds a formula or an error cell: calamine gives their cached
    values where the checks must see the formula or the error, so openpyxl reads those
    workbooks. Both give the same values (`_from_calamine`; tests compare them)."""
    source = _calamine_source(fileobj)
    if source is not None:
        return _collect(source, progress)
    return read_rows_openpyxl(fileobj, progress)


def read_rows_openpyxl(fileobj: IO[bytes], progress: Progress | None = None) -> Sheets:
    """`read_rows` by openpyxl alone (formulas and error cells as written)."""
    fileobj.seek(0)
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(
            _("The workbook is damaged and cannot be read; save it again from Excel.")
        ) from exc
    try:
        return _collect(
            {
                name: (
                    _sheet_size(wb, wb[name]),
                    wb[name].iter_rows(min_row=1, max_col=len(COLUMNS[name]), values_only=True),
                )
                for name in DATA_SHEETS
            },
            progress,
        )
    finally:
        wb.close()


Source = dict[str, tuple[int, Iterable[Sequence[Any]]]]  # sheet -> (rows announced, rows)


def _collect(source: Source, progress: Progress | None) -> Sheets:
    sheets = Sheets()
    announced = sum(size for size, _rows in source.values())
    read = 0
    for name in DATA_SHEETS:
        width = len(COLUMNS[name])
        rows: list[Row] = []
        legacy = False
        for number, values in enumerate(source[name][1], start=1):
            read += 1
            if progress is not None and read % STEP == 0:
                progress(read, max(announced, read))
            if number == 1:
                legacy = name == ACTIVITIES and _without_co_organizers(tuple(values))
                continue
            cells = list(values) + [None] * (width - len(values))
            if legacy:  # the status where the co-organizers are now
                cells.insert(LEGACY_STATUS, None)
                cells.pop()
            if name == ACTIVITIES:
                # A template's blank row carries only its key.
                if all(_blank(v) for v in cells[1 : width - 1]):
                    continue
            elif all(_blank(v) for v in cells):
                continue
            rows.append(Row(name, number, cells))
            if len(rows) > MAX_ROWS:
                raise FileRefused(
                    _("Sheet “{sheet}” has more than {limit} rows; split the workbook.").format(
                        sheet=name, limit=MAX_ROWS
                    )
                )
        sheets.rows[name] = rows
    if progress is not None:
        progress(read, read)
    return sheets


# A cell's formula (<f>…</f>, <f t="shared" …/>) or an error value (t="e").
_NOT_FOR_CALAMINE = (b"<f>", b"<f ", b"<f/>", b't="e"')


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML's path in the archive, from the workbook's relationships."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - checked by checks.check_archive
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{pkg}Relationship")}
    paths = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel}id"), "")
        paths[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        )
    return paths


def _calamine_safe(archive: zipfile.ZipFile, path: str) -> bool:
    """No formula and no error cell in the sheet's XML (a scan of the bytes, not a parse)."""
    tail = b""
    with archive.open(path) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            if any(mark in data for mark in _NOT_FOR_CALAMINE):
                return False
            tail = data[-8:]
    return True


def _calamine_source(fileobj: IO[bytes]) -> Source | None:
    """The data sheets' rows as calamine reads them, or None for openpyxl to read."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            paths = _sheet_paths(archive)
            if not all(
                name in paths and _calamine_safe(archive, paths[name]) for name in DATA_SHEETS
            ):
                return None
        fileobj.seek(0)
        wb = CalamineWorkbook.from_filelike(fileobj)
        try:
            found = {
                name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in DATA_SHEETS
            }
        finally:
            wb.close()
    except (CalamineError, zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return None  # openpyxl reads it, and words what is wrong
    return {
        name: (len(rows), _from_calamine(rows, len(COLUMNS[name]))) for name, rows in found.items()
    }


def _from_calamine(rows: list[list[Any]], width: int) -> Iterable[list[Any]]:
    for row in rows:
        yield [_as_openpyxl(value) for value in row[:width]]


def _as_openpyxl(value: Any) -> Any:
    """A cell as openpyxl gives it: empty None, a whole number an int (calamine's numbers
    are all float; Excel writes whole numbers below 10^15 without a point or exponent,
    which openpyxl reads as int), a date cell a datetime at midnight."""
    if value == "":
        return None
    if type(value) is float and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if type(value) is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - as openpyxl
    return value


# -- values ------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")


class Bad(Exception):  # noqa: N818 - one cell's problem, caught by the validator
    def __init__(self, expected: Any) -> None:
        super().__init__(expected)
        self.expected = str(expected)


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%d/%m/%Y")
    return normalize(str(value))


# Worded only when a cell is wrong: translating per cell would cost more than the check.
_DATE_EXPECTED = gettext_lazy("a date written dd/mm/yyyy, such as 27/03/2023.")
_WHOLE_EXPECTED = gettext_lazy("a whole number, zero or more.")
_DECIMAL_EXPECTED = gettext_lazy(
    "a number, zero or more, with at most two decimals (such as 12,5)."
)


def as_date(value: Any) -> datetime.date:
    expected = _DATE_EXPECTED
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        match = _DATE_TEXT.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
        elif iso := _ISO_DATE.match(value):
            year, month, day = (int(g) for g in iso.groups())
        else:
            raise Bad(expected)
        try:
            return datetime.date(year, month, day)
        except ValueError as exc:
            raise Bad(_("a date that exists in the calendar (dd/mm/yyyy).")) from exc
    raise Bad(expected)


def as_whole(value: Any, *, limit: int = MAX_COUNT) -> int:
    expected = _WHOLE_EXPECTED
    number: int | None = None
    if isinstance(value, bool):
        raise Bad(expected)
    if isinstance(value, int):
        number = value
    elif isinstance(value, (float, Decimal)) and value == int(value):
        number = int(value)
    elif isinstance(value, str):
        text = normalize(value)
        if text.isdigit():
            number = int(text)
        elif _GROUPED.match(text):
            number = int(re.sub(r"[.,\s]", "", text))
        elif text.startswith("-") and text[1:].strip().isdigit():
            number = -int(text[1:].strip())
    if number is None:
        raise Bad(expected)
    if number < 0:
        raise Bad(_("zero or more (a negative number is not allowed)."))
    if number > limit:
        raise Bad(
            _("a number no larger than {limit}.").format(limit=f"{limit:,}".replace(",", "."))
        )
    return number


def as_decimal(value: Any) -> Decimal:
    expected = _DECIMAL_EXPECTED
    if isinstance(value, bool):
        raise Bad(expected)
    try:
        if isinstance(value, (int, Decimal)):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str):
            text = normalize(value).replace(" ", "")
            if "," in text and "." not in text:
                text = text.replace(",", ".")
            number = Decimal(text)
        else:
            raise Bad(expected)
    except InvalidOperation as exc:
        raise Bad(expected) from exc
    if not number.is_finite() or number < 0:
        raise Bad(expected)
    if number != number.quantize(Decimal("0.01")) or abs(number) >= Decimal(10) ** 16:
        raise Bad(expected)
    return number.quantize(Decimal("0.01"))


def as_flag(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = fold(as_text(value))
    if text in (fold(YES), "x", "yes", "1", "true"):
        return True
    if text in (fold(NO), "no", "0", "false"):
        return False
    raise Bad(_("“{yes}” or “{no}”.").format(yes=YES, no=NO))


# -- validation --------------------------------------------------------------------------


@dataclass
class Report:
    """One activity row, with its parts, ready for the services."""

    key: uuidlib.UUID
    key_given: bool
    number: int
    fields: dict[str, Any]
    funding: dict[str, int]
    participants: dict[int, int] = field(default_factory=dict)
    values: dict[int, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    participant_rows: dict[int, int] = field(default_factory=dict)  # group id -> row
    value_rows: dict[int, int] = field(default_factory=dict)  # indicator id -> row
    co_organizations: list[Any] = field(default_factory=list)
    existing: Activity | None = None
    stored: tuple[Any, ...] | None = None  # stored_state of `existing`


@dataclass
class Outcome:
    reports: list[Report]
    errors: list[CellError]


class _Errors:
    def __init__(self) -> None:
        self.items: list[CellError] = []

    def add(self, row: Row, key: str, expected: str) -> None:
        self.items.append(
            CellError(row.sheet, row.number, column_index(row.sheet, key), row.get(key), expected)
        )


def _cell(errors: _Errors, row: Row, key: str, convert: Any, *, required: bool = False) -> Any:
    value = row.get(key)
    if _is_formula(value):
        errors.add(row, key, _("a value, not a formula: paste the values only."))
        return None
    if _blank(value):
        if required:
            errors.add(row, key, _("a value: this cell is required."))
        return None
    try:
        return convert(value)
    except Bad as exc:
        errors.add(row, key, exc.expected)
        return None


def _choice(choices: Any, what: Any) -> Any:
    def convert(value: Any) -> Any:
        found = choices.match(as_text(value))
        if found is None:
            raise Bad(_("one of the {what} in the drop-down list.").format(what=what))
        return found

    return convert


def _key(value: Any) -> uuidlib.UUID:
    try:
        return uuidlib.UUID(as_text(value))
    except ValueError as exc:
        raise Bad(_("the row key as written in the template (do not edit it).")) from exc


def _text(limit: int, *, lines: bool = False) -> Any:
    def convert(value: Any) -> str:
        text = unicodedata.normalize("NFC", str(value)).strip() if lines else as_text(value)
        if len(text) > limit:
            raise Bad(_("at most {limit} characters.").format(limit=limit))
        return text

    return convert


def _organizations(look: Lookups) -> Any:
    def convert(value: Any) -> list[Any]:
        text = as_text(value)
        whole = look.organizations.match(text)
        if whole is not None:  # a name that itself holds the separator
            return [whole]
        found: dict[int, Any] = {}
        for piece in re.split(r"[;\n]", text):
            if not piece.strip():
                continue
            org = look.organizations.match(piece)
            if org is None:
                raise Bad(
                    _(
                        "organizations from the list of the committee's organizations, "
                        "separated by “;” (“{name}” is not one of them)."
                    ).format(name=normalize(piece)[:80])
                )
            found[org.pk] = org
        return list(found.values())

    return convert


def _check_activity(row: Row, look: Lookups, errors: _Errors) -> Report | None:
    start = len(errors.items)
    key = _cell(errors, row, "key", _key)
    content = _cell(
        errors, row, "content", _choice(look.contents, gettext_lazy("contents")), required=True
    )
    title = _cell(errors, row, "title", _text(MAX_TITLE), required=True)
    start_date = _cell(errors, row, "start_date", as_date, required=True)
    end_date = _cell(errors, row, "end_date", as_date, required=True)
    locality = _cell(
        errors, row, "locality", _choice(look.communes, gettext_lazy("communes")), required=True
    )
    funding = {}
    for column, source in FUNDING_COLUMNS.items():
        amount = _cell(errors, row, column, lambda v: as_whole(v, limit=MAX_AMOUNT))
        if amount:
            funding[str(source)] = amount
    hidden = _cell(errors, row, "not_for_publication", as_flag)
    narrative = _cell(errors, row, "narrative", _text(20_000, lines=True))
    co_organizations = _cell(errors, row, "co_organizations", _organizations(look))
    program = look.program
    for name, day in (("start_date", start_date), ("end_date", end_date)):
        if day is not None and not (program.period_start <= day <= program.period_end):
            period = _("a date inside the program's period ({start} – {end}).").format(
                start=program.period_start.strftime("%d/%m/%Y"),
                end=program.period_end.strftime("%d/%m/%Y"),
            )
            errors.add(row, name, period)
    if start_date and end_date and end_date < start_date:
        errors.add(row, "end_date", _("a date on or after the start date."))
    if (
        locality is not None
        and start_date is not None
        and (
            (locality.valid_from and start_date < locality.valid_from)
            or (locality.valid_to and start_date > locality.valid_to)
        )
    ):
        errors.add(
            row,
            "locality",
            _("a commune that existed on {date}.").format(date=start_date.strftime("%d/%m/%Y")),
        )
    if len(errors.items) > start:
        return None
    return Report(
        key=key or uuidlib.uuid4(),
        key_given=key is not None,
        number=row.number,
        fields={
            "content": content,
            "title": title,
            "start_date": start_date,
            "end_date": end_date,
            "locality": locality,
            "narrative": narrative or "",
            "not_for_publication": bool(hidden),
        },
        funding=funding,
        co_organizations=co_organizations or [],
    )


def _check_participant(row: Row, look: Lookups, report: Report | None, errors: _Errors) -> None:
    group = _cell(
        errors,
        row,
        "target_group",
        _choice(look.groups, gettext_lazy("target groups")),
        required=True,
    )
    count = _cell(errors, row, "count", as_whole, required=True)
    if report is None or group is None or count is None:
        return
    allowed = look.content_groups.get(report.fields["content"].pk, set())
    if allowed and group.pk not in allowed:
        errors.add(row, "target_group", _("a target group of the activity's content."))
    elif group.pk in report.participants:
        errors.add(
            row,
            "target_group",
            _("a group not already given for this activity (see row {row}).").format(
                row=report.participant_rows[group.pk]
            ),
        )
    else:
        report.participant_rows[group.pk] = row.number
        if count:
            report.participants[group.pk] = count


def _value_problem(
    indicator: Any, report: Report, row: Row, denominator: Decimal | None
) -> tuple[str, str] | None:
    """(column, form expected) of what is wrong with an indicator's row, if anything."""
    if indicator.pk in report.values:
        return "indicator", _(
            "an indicator not already given for this activity (see row {row})."
        ).format(row=report.value_rows[indicator.pk])
    ratio = is_ratio(indicator)
    if ratio and (denominator is None or denominator <= 0):
        return "denominator", _("a denominator greater than zero (ratio indicator).")
    if not ratio and denominator is not None:
        return "denominator", _("an empty cell: only ratio indicators take one.")
    return None


def _check_value(row: Row, look: Lookups, report: Report | None, errors: _Errors) -> None:
    indicator = _cell(
        errors,
        row,
        "indicator",
        _choice(look.indicators, gettext_lazy("indicators")),
        required=True,
    )
    value = _cell(errors, row, "value", as_decimal, required=True)
    denominator = _cell(errors, row, "denominator", as_decimal)
    if report is None or indicator is None:
        return
    if indicator.content_id != report.fields["content"].pk:
        errors.add(row, "indicator", _("an indicator of the activity's content."))
        return
    problem = _value_problem(indicator, report, row, denominator)
    if problem:
        errors.add(row, *problem)
        return
    if value is None:
        return
    report.value_rows[indicator.pk] = row.number
    report.values[indicator.pk] = (value, denominator)


def _parts_key(row: Row, errors: _Errors, by_key: dict[uuidlib.UUID, Report | None]) -> Any:
    key = _cell(errors, row, "key", _key, required=True)
    if key is None:
        return None, False
    if key not in by_key:
        errors.add(
            row,
            "key",
            _("the row key of an activity on the sheet “{sheet}”.").format(sheet=ACTIVITIES),
        )
        return None, False
    return by_key[key], True


def validate(sheets: Sheets, look: Lookups, progress: Progress | None = None) -> Outcome:
    """Every row checked; the reports with their parts, and every problem found.
    `progress` is told the rows checked, of all the rows read."""
    errors = _Errors()
    total, done = sheets.total, 0

    def tell() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % STEP == 0:
            progress(done, total)

    by_key: dict[uuidlib.UUID, Report | None] = {}
    key_rows: dict[uuidlib.UUID, int] = {}
    reports: list[Report] = []
    for row in sheets.rows.get(ACTIVITIES, []):
        tell()
        report = _check_activity(row, look, errors)
        key = report.key if report is not None else _quiet_key(row.get("key"))
        if key is not None and key in key_rows:
            errors.add(
                row,
                "key",
                _("a key used on one row only (it is also on row {row}).").format(
                    row=key_rows[key]
                ),
            )
            by_key[key] = None
            continue
        if key is not None:
            key_rows[key] = row.number
            by_key[key] = report
        if report is not None:
            reports.append(report)
    for row in sheets.rows.get(PARTICIPANTS, []):
        tell()
        report, _known = _parts_key(row, errors, by_key)
        _check_participant(row, look, report, errors)
    for row in sheets.rows.get(VALUES, []):
        tell()
        report, _known = _parts_key(row, errors, by_key)
        _check_value(row, look, report, errors)
    _match_existing(reports, look, errors, sheets)
    if progress is not None:
        progress(total, total)
    return Outcome(reports=reports, errors=errors.items)


def _quiet_key(value: Any) -> uuidlib.UUID | None:
    try:
        return uuidlib.UUID(as_text(value)) if not _blank(value) else None
    except ValueError:
        return None


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


def stored_states(activities: list[Activity]) -> dict[int, tuple[Any, ...]]:
    """What a workbook row says about each stored report, to tell unchanged rows apart
    (a few queries a chunk of reports)."""
    funding: dict[int, dict[str, int]] = {a.pk: {} for a in activities}
    people: dict[int, dict[int, int]] = {a.pk: {} for a in activities}
    values: dict[int, dict[int, tuple[Any, Any]]] = {a.pk: {} for a in activities}
    credited: dict[int, set[int]] = {a.pk: set() for a in activities}
    for chunk in _chunks([a.pk for a in activities]):
        for pk, source, amount in Funding.objects.filter(activity_id__in=chunk).values_list(
            "activity_id", "source", "amount"
        ):
            funding[pk][source] = amount
        for pk, group, count in Participation.objects.filter(activity_id__in=chunk).values_list(
            "activity_id", "target_group_id", "count"
        ):
            people[pk][group] = count
        for pk, indicator, value, denominator in IndicatorValue.objects.filter(
            activity_id__in=chunk
        ).values_list("activity_id", "indicator_id", "value", "denominator"):
            values[pk][indicator] = (value, denominator)
        for pk, org in Credit.objects.filter(activity_id__in=chunk).values_list(
            "activity_id", "organization_id"
        ):
            credited[pk].add(org)
    return {
        a.pk: (
            a.content_id,
            a.title,
            a.start_date,
            a.end_date,
            a.locality_id,
            a.narrative,
            a.not_for_publication,
            funding[a.pk],
            people[a.pk],
            values[a.pk],
            credited[a.pk] - {a.organization_id},
        )
        for a in activities
    }


def row_state(report: Report) -> tuple[Any, ...]:
    f = report.fields
    return (
        f["content"].pk,
        f["title"],
        f["start_date"],
        f["end_date"],
        f["locality"].pk,
        f["narrative"],
        f["not_for_publication"],
        report.funding,
        report.participants,
        report.values,
        {o.pk for o in report.co_organizations} - {report.existing.organization_id}
        if report.existing is not None
        else {o.pk for o in report.co_organizations},
    )


def unchanged(report: Report) -> bool:
    return report.stored is not None and row_state(report) == report.stored


def _match_existing(reports: list[Report], look: Lookups, errors: _Errors, sheets: Sheets) -> None:
    """Keys of stored reports: the same program and organization, and still editable
    if the row changes anything."""
    rows = {row.number: row for row in sheets.rows.get(ACTIVITIES, [])}
    given = [r for r in reports if r.key_given]
    for chunk in _chunks(given):
        found = {
            a.uuid: a
            for a in Activity.all_objects.filter(uuid__in=[r.key for r in chunk]).select_related(
                "program"
            )
        }
        mine = [
            a
            for a in found.values()
            if a.program_id == look.program.pk
            and a.organization_id == look.organization.pk
            and a.deleted_at is None
        ]
        states = stored_states(mine)
        for report in chunk:
            activity = found.get(report.key)
            if activity is None:
                continue
            row = rows[report.number]
            if (
                activity.program_id != look.program.pk
                or activity.organization_id != look.organization.pk
                or activity.deleted_at is not None
            ):
                errors.add(
                    row,
                    "key",
                    _("a key of this program's and organization's reports (this one is not)."),
                )
                continue
            report.existing = activity
            report.stored = states[activity.pk]
            if activity.status not in EDITABLE and not unchanged(report):
                errors.add(
                    row,
                    "key",
                    _(
                        "no change to a report that is “{status}”: start a revision in the "
                        "application, or leave the row as it was."
                    ).format(status=activity.get_status_display()),
                )
