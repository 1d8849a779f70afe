"""The figures of each page, read from `phoihop.figures` and laid out as tables and charts.

Nothing here adds up, divides or filters reports: every number is a field of a result of
the figures engine (shares and achievement rates included). This module only picks
which results a page shows, orders them, and puts them in rows, columns and charts.

The programs passed in were read through the programs selectors (so the user may see
them); `organizations` narrows a focal point's pages to their own organizations.

The dashboard's panels (tables, charts, the tables' rows as HTML) are a function of the
figures they show, so they are kept in the figures cache under the figures versions of
every program they read and the language (`_panels`): a repeated dashboard reads one
version query instead of building them, and the next read after any change to those
figures builds them again. The page itself is rendered on every request.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from phoihop.core import clock
from phoihop.dashboard import charts
from phoihop.dashboard.tabular import NUMBER, PERCENT, Column, DataTable, Link
from phoihop.figures import cache as figures_cache
from phoihop.figures import rollups
from phoihop.figures import selectors as figures
from phoihop.figures import types as ft
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program, ProgramContent

# Rows drawn in a chart, and shown in the table beside it (the export has them all).
CHART_ROWS = 15
PAGE_ROWS = 30
# Home page lists.
HOME_SLOTS = 8


@dataclass
class Block:
    """A chart with its table (and the table's export)."""

    table: DataTable
    chart: charts.Chart | None = None
    alt: str = ""
    approximate: bool = False
    empty: str = ""  # why there is no chart, when there is none

    @functools.cached_property
    def svg(self) -> str:
        # A data URI of ~100 KB, read twice per drawing of the page: encoded once.
        return self.chart.uri if self.chart is not None else ""

    @property
    def height(self) -> int:
        # The <img> is 640 wide in the markup; keep the drawing's proportions.
        if self.chart is None:
            return 0
        return round(640 * self.chart.height / self.chart.width)


@dataclass
class Board:
    totals: ft.Measures
    blocks: list[Block] = field(default_factory=list)
    approximate: bool = False
    scoped: bool = False
    reporting_rate: Decimal | None = None


# -- completeness ---------------------------------------------------------------------------


def completeness(
    user: Any, program: Program, *, organizations: Iterable[int] | None = None
) -> ft.Completeness:
    return figures.completeness(program, organizations=organizations)


@dataclass(frozen=True)
class SlotView:
    organization_id: int
    organization_name: str
    period: ft.ReportingPeriod
    status: str
    reports: int
    nil_report: bool


def _slots(result: ft.Completeness) -> list[SlotView]:
    return [
        SlotView(
            organization_id=org.organization_id,
            organization_name=org.organization_name,
            period=slot.period,
            status=slot.status,
            reports=slot.reports,
            nil_report=slot.nil_report,
        )
        for org in result.organizations
        for slot in org.slots
    ]


def deadlines_for(
    result: ft.Completeness | None, organizations: Iterable[Organization]
) -> list[SlotView]:
    """A focal point's deadlines: periods of their organizations still missing, and the
    current period whose deadline is ahead, soonest first."""
    if result is None:
        return []
    mine = {o.pk for o in organizations}
    shown = [
        s
        for s in _slots(result)
        if s.organization_id in mine
        and (s.status == ft.MISSING or (s.status == ft.NOT_DUE and s.period.start <= result.as_of))
    ]
    shown.sort(key=lambda s: (s.period.deadline, s.organization_name))
    return shown[:HOME_SLOTS]


def missing_and_late(result: ft.Completeness | None) -> dict[str, Any]:
    """The secretariat's home: counts of missing and late slots, the latest missing ones."""
    if result is None:
        return {"completeness": None}
    slots = _slots(result)
    missing = [s for s in slots if s.status == ft.MISSING]
    missing.sort(key=lambda s: (-s.period.deadline.toordinal(), s.organization_name))
    return {
        "completeness": result,
        "missing_count": len(missing),
        "late_count": sum(1 for s in slots if s.status == ft.RECEIVED_LATE),
        "missing_slots": missing[:HOME_SLOTS],
    }


@dataclass
class MatrixRow:
    name: str
    slots: tuple[ft.Slot, ...]
    expected: int
    received: int
    reporting_rate: Decimal | None
    on_time_rate: Decimal | None


@dataclass
class Matrix:
    as_of: datetime.date
    periods: tuple[ft.ReportingPeriod, ...]
    rows: list[MatrixRow]
    reporting_rate: Decimal | None
    on_time_rate: Decimal | None
    table: DataTable
    query: str = ""


_STATUS_WORDS = {
    ft.RECEIVED_ON_TIME: lambda: pgettext("completeness", "on time"),
    ft.RECEIVED_LATE: lambda: pgettext("completeness", "late"),
    ft.MISSING: lambda: pgettext("completeness", "missing"),
    ft.NOT_DUE: lambda: pgettext("completeness", "not due"),
}


def _slot_text(slot: ft.Slot) -> str:
    word = _STATUS_WORDS[slot.status]()
    if slot.nil_report and not slot.reports:
        return _("{status}: nil report").format(status=word)
    if slot.reports:
        return _("{status}: {count} reports").format(status=word, count=slot.reports)
    return word


def completeness_matrix(
    user: Any, program: Program, *, organizations: Iterable[int] | None = None
) -> Matrix:
    result = completeness(user, program, organizations=organizations)
    rows = [
        MatrixRow(
            name=org.organization_name,
            slots=org.slots,
            expected=org.expected,
            received=org.received,
            reporting_rate=org.reporting_rate,
            on_time_rate=org.on_time_rate,
        )
        for org in result.organizations
    ]
    columns = [Column(_("Organization"))]
    columns += [
        Column(
            _("{start}–{end} (due {deadline})").format(
                start=p.start.strftime("%d/%m/%Y"),
                end=p.end.strftime("%d/%m/%Y"),
                deadline=p.deadline.strftime("%d/%m/%Y"),
            )
        )
        for p in result.periods
    ]
    columns += [
        Column(_("Due periods"), NUMBER),
        Column(_("Received"), NUMBER),
        Column(_("Reporting rate (%)"), PERCENT),
        Column(_("On time (%)"), PERCENT),
    ]
    table = DataTable(
        key="completeness",
        title=_("Completeness of reporting"),
        columns=columns,
        rows=[
            [
                org.organization_name,
                *(_slot_text(s) for s in org.slots),
                org.expected,
                org.received,
                org.reporting_rate,
                org.on_time_rate,
            ]
            for org in result.organizations
        ],
    )
    return Matrix(
        as_of=result.as_of,
        periods=result.periods,
        rows=rows,
        reporting_rate=result.reporting_rate,
        on_time_rate=result.on_time_rate,
        table=table,
        query=f"committee={program.committee_id}&program={program.pk}",
    )


# -- totals and per organization -------------------------------------------------------------


def totals(user: Any, program: Program) -> ft.Measures:
    return figures.program_figures(program).total


@dataclass
class OrganizationPanel:
    organization: Organization
    contents: list[Any]
    stats: ft.Measures | None
    lines: list[ft.IndicatorLine]


def _lines_for_contents(
    lines: Iterable[ft.IndicatorLine], content_ids: set[int]
) -> list[ft.IndicatorLine]:
    return [line for line in lines if line.content_id in content_ids]


def focal_organizations(user: Any, program: Program | None, home: Any) -> list[OrganizationPanel]:
    """Each of a focal point's organizations: its contents and its progress on them."""
    panels = []
    for organization in home.organizations:
        contents = home.contents.get(organization.pk, [])
        stats, lines = None, []
        if program is not None:
            stats = figures.program_figures(program, organizations=[organization.pk]).total
            lines = _lines_for_contents(
                figures.indicator_summary(
                    program,
                    organizations=[organization.pk],
                    contents=[c.pk for c in contents],
                )
                if contents
                else (),
                {c.pk for c in contents},
            )
        panels.append(OrganizationPanel(organization, contents, stats, lines))
    return panels


# -- the dashboard -------------------------------------------------------------------------


def _progress(program: Program, orgs: list[int] | None, current_units: bool) -> Block:
    lines = figures.indicator_summary(program, organizations=orgs)
    table = DataTable(
        key="progress",
        title=_("Progress per content and indicator against target"),
        columns=[
            Column(_("Content")),
            Column(_("Indicator")),
            Column(pgettext("unit of measure", "Unit")),
            Column(_("Result"), NUMBER),
            Column(_("Target"), NUMBER),
            Column(_("Achieved (%)"), PERCENT),
            Column(_("Last year"), NUMBER),
        ],
        rows=[
            [
                line.content_title,
                line.indicator.name,
                line.indicator.unit,
                line.indicator.result,
                line.indicator.target,
                line.achievement,
                line.previous_result,
            ]
            for line in lines
        ],
        note=_("Achieved: result ÷ target. No target: shown as a dash, never as 0 %."),
    )
    with_target = [line for line in lines if line.achievement is not None][:CHART_ROWS]
    chart = None
    if with_target:
        chart = charts.progress_bars(
            [line.indicator.name for line in with_target],
            [float(line.achievement or 0) / 100 for line in with_target],
            ratio_label=_("Percent of target reached"),
        )
    return Block(
        table,
        chart,
        _("Bar chart: percent of target reached per indicator."),
        empty=_("No indicator has a target yet: nothing to draw."),
    )


def _by_organization(program: Program, orgs: list[int] | None, current_units: bool) -> Block:
    result = figures.program_figures(program, by=(ft.ORGANIZATION,), organizations=orgs)
    rows = sorted(result.rows, key=lambda r: -(r.measures.activities or 0))
    table = DataTable(
        key="organizations",
        title=_("By organization"),
        page_rows=PAGE_ROWS,
        columns=[
            Column(_("Organization")),
            Column(_("Activities"), NUMBER),
            Column(_("Participants (person-times)"), NUMBER),
            Column(_("Funding (đồng)"), NUMBER),
        ],
        rows=[
            [
                Link(
                    r.labels[0],
                    reverse("dashboard:organization", args=[r.key[0]]) + f"?program={program.pk}",
                )
                if r.key[0] is not None
                else r.labels[0],
                r.measures.activities,
                r.measures.participants,
                r.measures.funding,
            ]
            for r in rows
        ],
        note=_(
            "A co-organized activity counts for each credited organization: the rows add up "
            "to more than the total ({count} activities)."
        ).format(count=result.total.activities or 0),
    )
    chart = None
    if rows:
        shown = rows[:CHART_ROWS]
        chart = charts.bars(
            [r.labels[0] for r in shown],
            {_("Activities"): [r.measures.activities or 0 for r in shown]},
            value_label=_("Activities"),
        )
    return Block(table, chart, _("Bar chart: activities per organization."))


def _by_locality(program: Program, orgs: list[int] | None, current_units: bool) -> Block:
    dimension = ft.COMMUNE
    result = figures.program_figures(
        program, by=(dimension,), organizations=orgs, current_units=current_units
    )
    rows = sorted(result.rows, key=lambda r: -(r.measures.activities or 0))
    approximate = pgettext("figure", "approximate")
    table = DataTable(
        key="localities",
        page_rows=PAGE_ROWS,
        title=_("By locality (commune)") + (" — " + _("current units") if current_units else ""),
        columns=[
            Column(_("Commune")),
            Column(_("Activities"), NUMBER),
            Column(_("Participants (person-times)"), NUMBER),
            Column(_("Note")),
        ],
        rows=[
            [
                r.labels[0] or _("Not recorded at commune level"),
                r.measures.activities,
                r.measures.participants,
                approximate if r.measures.approximate else "",
            ]
            for r in rows
        ],
        note=_(
            "Approximate: a pre-2025 commune split among several current ones; its figures "
            "are shown on each of them."
        )
        if result.approximate
        else "",
    )
    chart = None
    if rows:
        shown = rows[:CHART_ROWS]
        chart = charts.bars(
            [(r.labels[0] or "–") + (" ≈" if r.measures.approximate else "") for r in shown],
            {_("Activities"): [r.measures.activities or 0 for r in shown]},
            value_label=_("Activities"),
        )
    return Block(
        table,
        chart,
        _("Bar chart: activities per commune, most active first."),
        approximate=result.approximate,
    )


def _areas(program: Program, orgs: list[int] | None, current_units: bool) -> Block:
    result = figures.area_share(program, organizations=orgs)
    table = DataTable(
        key="areas",
        title=_("Vùng sâu, vùng xa and ĐBKK communes"),
        columns=[
            Column(_("Area")),
            Column(_("Activities"), NUMBER),
            Column(_("Share of activities (%)"), PERCENT),
            Column(_("Participants (person-times)"), NUMBER),
            Column(_("Share of participants (%)"), PERCENT),
        ],
        rows=[
            [
                k.label,
                k.measures.activities,
                k.activities_share,
                k.measures.participants,
                k.participants_share,
            ]
            for k in result.kinds
        ],
        note=_("A commune may hold several classifications, so the rows do not add up."),
    )
    chart = None
    if result.classified.activities:
        chart = charts.bars(
            [k.label for k in result.kinds],
            {
                _("Share of activities (%)"): [
                    float(k.activities_share or 0) for k in result.kinds
                ],
                _("Share of participants (%)"): [
                    float(k.participants_share or 0) for k in result.kinds
                ],
            },
            value_label="%",
            integer=False,
        )
    return Block(
        table,
        chart,
        _("Bar chart: share of activities and participants per area."),
        empty=_("No counted activity took place in a classified commune."),
    )


def _month_label(month: datetime.date) -> str:
    return _("M{month}").format(month=month.month)


def _trend(program: Program, orgs: list[int] | None, current_units: bool) -> Block:
    points = figures.monthly_trend(program, organizations=orgs)
    table = DataTable(
        key="trend",
        title=_("Monthly trend"),
        columns=[
            Column(_("Month")),
            Column(_("Activities"), NUMBER),
            Column(_("Participants (person-times)"), NUMBER),
            Column(_("Funding (đồng)"), NUMBER),
        ],
        rows=[
            [
                p.month.strftime("%m/%Y"),
                p.measures.activities,
                p.measures.participants,
                p.measures.funding,
            ]
            for p in points
        ],
    )
    chart = None
    if any(p.measures.activities for p in points):
        chart = charts.lines(
            [_month_label(p.month) for p in points],
            {_("Activities"): [p.measures.activities or 0 for p in points]},
            value_label=_("Activities"),
        )
    return Block(table, chart, _("Line chart: activities per month."))


def _year_over_year(program: Program, orgs: list[int] | None, current_units: bool) -> Block:
    result = figures.year_over_year(program, organizations=orgs)
    this_year, last_year = str(program.year), str(program.year - 1)
    table = DataTable(
        key="years",
        title=_("Year over year"),
        columns=[
            Column(_("Content")),
            Column(_("Activities {year}").format(year=this_year), NUMBER),
            Column(_("Activities {year}").format(year=last_year), NUMBER),
            Column(_("Participants {year}").format(year=this_year), NUMBER),
            Column(_("Participants {year}").format(year=last_year), NUMBER),
        ],
        rows=[
            [
                c.content_title,
                c.current.activities,
                c.previous.activities if c.previous else None,
                c.current.participants,
                c.previous.participants if c.previous else None,
            ]
            for c in result.contents
        ],
        note=_(
            "Last year: the same dates one year earlier, for the content each one continues; "
            "a dash when the content is new."
        ),
    )
    chart = None
    if result.contents and (result.total.activities or result.previous_total):
        chart = charts.bars(
            [c.content_title for c in result.contents],
            {
                this_year: [c.current.activities or 0 for c in result.contents],
                last_year: [
                    (c.previous.activities or 0) if c.previous else 0 for c in result.contents
                ],
            },
            value_label=_("Activities"),
        )
    return Block(table, chart, _("Bar chart: activities per content, this year and last."))


PANELS: dict[str, Callable[[Program, list[int] | None, bool], Block]] = {
    "progress": _progress,
    "organizations": _by_organization,
    "localities": _by_locality,
    "areas": _areas,
    "trend": _trend,
    "years": _year_over_year,
}


def dashboard_tables(
    user: Any,
    program: Program,
    *,
    organizations: list[int] | None = None,
    current_units: bool = False,
    only: str | None = None,
) -> dict[str, DataTable]:
    keys = [only] if only in PANELS else ([] if only else list(PANELS))
    return {k: PANELS[k](program, organizations, current_units).table for k in keys}


@dataclass(frozen=True)
class _Panels:
    """What the dashboard shows of a program's figures: a function of the figures
    versions it was built from (so kept under them) and of the language."""

    totals: ft.Measures
    approximate: bool
    blocks: tuple[Block, ...]


def _build_panels(program: Program, orgs: list[int] | None, current_units: bool) -> _Panels:
    total = figures.program_figures(program, organizations=orgs, current_units=current_units)
    blocks = tuple(build(program, orgs, current_units) for build in PANELS.values())
    return _Panels(
        totals=total.total,
        approximate=total.approximate or any(b.approximate for b in blocks),
        blocks=blocks,
    )


def _compared_programs(program: Program, version: uuid.UUID) -> frozenset[int]:
    """The programs `year_over_year` may compare the program with: its `previous`, else
    the programs its contents continue. The latter are the program's own data (an edit
    of a content gives the program a new figures version), so kept under its version."""
    if program.previous_id is not None:
        return frozenset({program.previous_id})
    key = ("dashboard.compared", program.pk, version)
    return figures_cache.get_or_build(
        key,
        lambda: frozenset(
            ProgramContent.objects.filter(program=program, lineage__isnull=False)
            .values_list("lineage__program_id", flat=True)
            .distinct()
        ),
        lambda _found: 1,
    )


def _panels_key(
    program: Program, orgs: tuple[int, ...] | None, current_units: bool
) -> tuple[Any, ...] | None:
    """The key of the program's panels in the figures cache: the figures versions of
    every program the panels read (the program, those its indicators continue, the one
    the year over year compares with), the language and the slice. None when a read is
    not served by the figures cache (a program not built, a slice of several
    organizations): then the panels are built afresh, as the figures are."""
    if not rollups.readable(
        date_from=None, date_to=None, include_submitted=False, organizations=orgs
    ):
        return None
    versions = figures_cache.versions_with_lineage(program.pk)
    version = versions.get(program.pk)
    if version is None:
        return None
    for pk in _compared_programs(program, version) - versions.keys():
        versions[pk] = figures_cache.version(pk)
    if None in versions.values():
        return None
    return (
        "dashboard.panels",
        program.pk,
        tuple(sorted(versions.items())),
        get_language(),
        orgs,
        current_units,
    )


def _panels(program: Program, organizations: list[int] | None, current_units: bool) -> _Panels:
    orgs = tuple(sorted(set(organizations))) if organizations is not None else None
    key = _panels_key(program, orgs, current_units)
    if key is None:
        return _build_panels(program, organizations, current_units)
    return figures_cache.get_or_build(
        key,
        lambda: _build_panels(program, organizations, current_units),
        lambda found: 1 + sum(len(b.table.rows) for b in found.blocks),
    )


def dashboard(
    user: Any,
    program: Program,
    *,
    organizations: list[int] | None = None,
    current_units: bool = False,
) -> Board:
    """The dashboard's figures. Its panels are kept under the figures versions they
    were read from (the next read after any change builds them again); the reporting
    rate is read on every request (it counts reports in every status, up to today)."""
    found = _panels(program, organizations, current_units)
    rate = completeness(user, program, organizations=organizations).reporting_rate
    return Board(
        totals=found.totals,
        blocks=list(found.blocks),
        approximate=found.approximate,
        scoped=organizations is not None,
        reporting_rate=rate,
    )


@dataclass
class OrganizationSummary:
    totals: ft.Measures
    blocks: list[Block]
    completeness: ft.OrganizationCompleteness | None
    today: datetime.date = field(default_factory=clock.today)


def organization_summary(
    user: Any, program: Program, organization: Organization
) -> OrganizationSummary:
    orgs = [organization.pk]
    total = figures.program_figures(program, organizations=orgs).total
    result = completeness(user, program, organizations=orgs)
    found = next((o for o in result.organizations if o.organization_id == organization.pk), None)
    blocks = [PANELS[k](program, orgs, False) for k in ("progress", "trend", "localities")]
    return OrganizationSummary(totals=total, blocks=blocks, completeness=found)
