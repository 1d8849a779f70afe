"""The figures of a review, read from the figures module and kept as plain JSON.

A draft review reads them live; finalizing stores them (`ReviewPeriod.snapshot`) with a
SHA-256 of their canonical JSON (`snapshot_hash`), and the report of a finalized review
is rendered from that snapshot only, so later edits to activities never change it.
`differences()` compares the snapshot with a fresh reading ("what would differ").

Nothing here adds up reports: every number is a field of a figures result. The only
derived values are rankings and lists (indicators under target, organizations with
missing reports) and the ĐBKK communes of the province that no counted report reached
(the list of classified communes is geo reference data; "reached" is the figures'
breakdown by commune).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db.models import Q

from phoihop.figures import selectors as figures
from phoihop.figures import types as ft
from phoihop.geo.choices import AreaKind
from phoihop.geo.models import AreaClassification
from phoihop.practices import selectors as practice_selectors
from phoihop.programs.models import Program

VERSION = 1


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _measures(m: ft.Measures) -> dict[str, Any]:
    return {"activities": m.activities, "participants": m.participants, "funding": m.funding}


def _average_capped(values: list[Decimal]) -> Decimal | None:
    """The mean achievement, each indicator counted at most 100 %."""
    if not values:
        return None
    total = sum((min(v, Decimal(100)) for v in values), Decimal(0))
    return (total / len(values)).quantize(Decimal("0.1"))


def as_of_for(program: Program, date_to: datetime.date, today: datetime.date) -> datetime.date:
    """Completeness is judged once every period of the review is due (its end plus the
    program's deadline), or today if that day has not come yet."""
    return min(date_to + datetime.timedelta(days=program.deadline_days), today)


def collect(
    program: Program,
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    as_of: datetime.date,
) -> dict[str, Any]:
    """Everything the report states, as JSON-ready data."""
    lines = figures.indicator_summary(program, date_from=date_from, date_to=date_to)
    by_content = figures.program_figures(
        program, by=(ft.CONTENT,), date_from=date_from, date_to=date_to
    )
    by_org = figures.program_figures(
        program, by=(ft.ORGANIZATION,), date_from=date_from, date_to=date_to
    )
    by_district = figures.program_figures(
        program, by=(ft.DISTRICT,), date_from=date_from, date_to=date_to
    )
    by_commune = figures.program_figures(
        program, by=(ft.COMMUNE,), date_from=date_from, date_to=date_to
    )
    areas = figures.area_share(program, date_from=date_from, date_to=date_to)
    complete = figures.completeness(program, as_of=as_of, date_from=date_from, date_to=date_to)
    yoy = figures.year_over_year(program, date_from=date_from, date_to=date_to)
    practices = figures.practices_summary(
        program.committee, program=program, date_from=date_from, date_to=date_to
    )

    replicated_by_owner = practice_selectors.replicated_by_owner(
        program.committee, program=program, date_from=date_from, date_to=date_to
    )
    completeness_by_org = {o.organization_id: o for o in complete.organizations}
    organizations = []
    for row in by_org.rows:
        org_id = row.key[0]
        with_target = [i for i in row.measures.indicators.values() if i.has_target]
        achievements = [i.achievement for i in with_target if i.achievement is not None]
        comp = completeness_by_org.get(org_id)
        organizations.append(
            {
                "id": org_id,
                "name": row.labels[0],
                **_measures(row.measures),
                "targets": len(with_target),
                "targets_met": sum(1 for a in achievements if a >= 100),
                "achievement_avg": _s(_average_capped(achievements)),
                "expected": comp.expected if comp else 0,
                "received": comp.received if comp else 0,
                "on_time": comp.on_time if comp else 0,
                "reporting_rate": _s(comp.reporting_rate) if comp else None,
                "on_time_rate": _s(comp.on_time_rate) if comp else None,
                "replicated_practices": replicated_by_owner.get(org_id, 0),
            }
        )
    # Organizations expected to report but with no counted report still belong in the list.
    listed = {o["id"] for o in organizations}
    for comp in complete.organizations:
        if comp.organization_id not in listed:
            organizations.append(
                {
                    "id": comp.organization_id,
                    "name": comp.organization_name,
                    "activities": 0,
                    "participants": 0,
                    "funding": 0,
                    "targets": 0,
                    "targets_met": 0,
                    "achievement_avg": None,
                    "expected": comp.expected,
                    "received": comp.received,
                    "on_time": comp.on_time,
                    "reporting_rate": _s(comp.reporting_rate),
                    "on_time_rate": _s(comp.on_time_rate),
                    "replicated_practices": replicated_by_owner.get(comp.organization_id, 0),
                }
            )

    previous_by_content = {c.content_id: c for c in yoy.contents}
    contents = []
    for row in by_content.rows:
        comparison = previous_by_content.get(row.key[0])
        previous = comparison.previous if comparison else None
        contents.append(
            {
                "id": row.key[0],
                "title": row.labels[0],
                **_measures(row.measures),
                "previous": _measures(previous) if previous is not None else None,
            }
        )

    reached = {row.key[0] for row in by_commune.rows if row.key[0] is not None}
    province_id = program.committee.province_id
    dbkk = (
        AreaClassification.objects.filter(
            kind=AreaKind.EXTREMELY_DIFFICULT,
            unit__province_id=province_id,
            valid_from__lte=date_to,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date_from))
        .select_related("unit")
        .order_by("unit__name", "unit_id")
    )
    dbkk_units = {c.unit_id: c.unit.name for c in dbkk}
    dbkk_kind = next((k for k in areas.kinds if k.kind == AreaKind.EXTREMELY_DIFFICULT), None)

    return {
        "version": VERSION,
        "program": {
            "id": program.pk,
            "year": program.year,
            "title": program.title,
            "number": program.number,
            "signed_on": program.signed_on.isoformat() if program.signed_on else None,
        },
        "period": {
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "as_of": as_of.isoformat(),
        },
        "total": _measures(by_content.total),
        "previous_total": _measures(yoy.previous_total) if yoy.previous_total else None,
        "previous_program_id": yoy.previous_program_id,
        "indicators": [
            {
                "content_id": line.content_id,
                "content_title": line.content_title,
                "content_order": line.content_order,
                "indicator_id": line.indicator.indicator_id,
                "name": line.indicator.name,
                "unit": line.indicator.unit,
                "aggregation": line.indicator.aggregation,
                "target": _s(line.indicator.target),
                "result": _s(line.indicator.result),
                "achievement": _s(line.achievement),
                "previous_result": _s(line.previous_result),
                "reports": line.indicator.reports,
            }
            for line in lines
        ],
        "contents": contents,
        "organizations": organizations,
        "districts": [
            {"id": row.key[0], "name": row.labels[0] or "", **_measures(row.measures)}
            for row in by_district.rows
        ],
        "communes": [
            {"id": row.key[0], "name": row.labels[0] or "", **_measures(row.measures)}
            for row in by_commune.rows
        ],
        "communes_reached": len(reached),
        "areas": {
            "classified": _measures(areas.classified),
            "unclassified": _measures(areas.unclassified),
            "kinds": [
                {
                    "kind": k.kind,
                    "label": k.label,
                    **_measures(k.measures),
                    "activities_share": _s(k.activities_share),
                    "participants_share": _s(k.participants_share),
                }
                for k in areas.kinds
            ],
        },
        "dbkk": {
            "communes": len(dbkk_units),
            "reached": len(set(dbkk_units) & reached),
            "not_reached": [name for uid, name in dbkk_units.items() if uid not in reached],
            "activities": dbkk_kind.measures.activities if dbkk_kind else 0,
            "participants": dbkk_kind.measures.participants if dbkk_kind else 0,
        },
        "completeness": {
            "expected": complete.expected,
            "received": complete.received,
            "on_time": complete.on_time,
            "reporting_rate": _s(complete.reporting_rate),
            "on_time_rate": _s(complete.on_time_rate),
            "missing": [
                {
                    "organization_id": slot.organization_id,
                    "organization_name": completeness_by_org[slot.organization_id].organization_name
                    if slot.organization_id in completeness_by_org
                    else "",
                    "start": slot.period.start.isoformat(),
                    "end": slot.period.end.isoformat(),
                }
                for slot in complete.missing
            ],
        },
        "practices": {
            "total": practices.total,
            "started": practices.started,
            "evaluated": practices.evaluated,
            "replicated": practices.replicated,
            "replications": practices.replications,
            "replication_localities": practices.replication_localities,
            "by_status": dict(practices.by_status),
        },
    }


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        keyed = all(isinstance(v, dict) and ("id" in v or "indicator_id" in v) for v in value)
        for index, inner in enumerate(value):
            if keyed and value:
                ident = inner.get("indicator_id", inner.get("id"))
                label = inner.get("name") or inner.get("title") or ident
                _flatten(inner, f"{path}[{label}]", out)
            else:
                _flatten(inner, f"{path}[{index}]", out)
    else:
        out[path] = value


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(where, frozen value, value now) for every figure that differs."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old, "", before)
    _flatten(new, "", after)
    return [
        (path, before.get(path), after.get(path))
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    ]
