"""Writes for geography: loading units from the package, and area classifications."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from phoihop.core import audit, permissions
from phoihop.core.models import SiteFlag, User
from phoihop.core.services import site_flag_set
from phoihop.core.text import fold
from phoihop.geo import package
from phoihop.geo.choices import Level
from phoihop.geo.models import AdminUnit, AdminUnitSuccession, AreaClassification

BATCH = 1000
PACKAGE_FLAG = "geo.package"
_UNIT_FIELDS = (
    "name",
    "division_type",
    "codename",
    "folded_name",
    "parent_id",
    "province_id",
    "valid_from",
    "valid_to",
)


@dataclass
class LoadSummary:
    """What admin_units_load found and did."""

    version: str = ""
    # (scheme, level) -> number of units of the package
    units: dict[tuple[str, str], int] = field(default_factory=dict)
    successions: int = 0
    partial_successions: int = 0
    units_created: int = 0
    units_updated: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_removed: int = 0
    # units in the database that the package does not have (kept: rows may refer to them)
    units_unknown: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            + self.units_updated
            + self.successions_created
            + self.successions_updated
            + self.successions_removed
        )

    def count(self, scheme: str, level: str) -> int:
        return self.units.get((scheme, level), 0)


@transaction.atomic
def admin_units_load(*, actor: User | None = None) -> LoadSummary:
    """Make the units and successions match the installed `vietnam-provinces` package.

    Idempotent: rows that already match are not written, so a second run only reads.
    Units are matched on (scheme, level, code) and never deleted (programs and reports
    refer to them); successions are derived data and follow the package exactly.
    `actor` None is the system (the `load_geo` command); a user must be a system admin.
    """
    if actor is not None and not permissions.get_scope(actor).is_admin:
        raise PermissionDenied
    summary = LoadSummary(version=package.version())
    records = package.units()
    for record in records:
        key = (record.scheme, record.level)
        summary.units[key] = summary.units.get(key, 0) + 1

    units = _load_units(actor=actor, records=records, summary=summary)
    _load_successions(actor=actor, units=units, summary=summary)
    _record_load(actor=actor, summary=summary)
    return summary


def _record_load(*, actor: User | None, summary: LoadSummary) -> None:
    """One audit event for the load, on the `geo.package` site flag.

    Changed and removed rows get an event each (someone may have relied on them); the
    ~25,000 rows a first load creates do not: they are the package's data, named by its
    version, and 25,000 events would double the load time for nothing.
    """
    flag = SiteFlag.objects.filter(key=PACKAGE_FLAG).first()
    before = flag.value if flag is not None else None
    after = {
        "version": summary.version,
        "units": sum(summary.units.values()),
        "successions": summary.successions,
    }
    if not summary.changed and before == after:
        return
    flag = site_flag_set(key=PACKAGE_FLAG, value=after)
    audit.record(
        actor=actor,
        action="load",
        obj=flag,
        before=before,
        after=after,
        note=(
            f"units +{summary.units_created} ~{summary.units_updated}; "
            f"successions +{summary.successions_created} ~{summary.successions_updated} "
            f"-{summary.successions_removed}"
        ),
    )


def _load_units(
    *, actor: User | None, records: list[package.UnitRecord], summary: LoadSummary
) -> dict[package.Key, AdminUnit]:
    """Create and update units, level by level so that parents have ids first."""
    existing = {(u.scheme, u.level, u.code): u for u in AdminUnit.objects.all()}
    units = dict(existing)
    ids: dict[package.Key, int] = {key: unit.pk for key, unit in existing.items()}
    known = {r.key for r in records}
    summary.units_unknown = sum(1 for key in existing if key not in known)
    audits: list[tuple[AdminUnit, dict | None, dict | None]] = []

    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        batch = [r for r in records if r.level == level]
        created: list[AdminUnit] = []
        changed: list[tuple[AdminUnit, dict[str, Any]]] = []
        for record in batch:
            wanted = {
                "name": record.name,
                "division_type": record.division_type,
                "codename": record.codename,
                "folded_name": fold(record.name),  # bulk_create skips AdminUnit.clean
                "parent_id": ids[record.parent] if record.parent else None,
                "province_id": ids.get(record.province),  # None only for a new province
                "valid_from": record.valid_from,
                "valid_to": record.valid_to,
            }
            unit = existing.get(record.key)
            if unit is None:
                created.append(
                    AdminUnit(scheme=record.scheme, level=record.level, code=record.code, **wanted)
                )
            elif any(getattr(unit, name) != value for name, value in wanted.items()):
                before = audit.snapshot(unit, m2m=False)
                for name, value in wanted.items():
                    setattr(unit, name, value)
                changed.append((unit, before))
        # Rows come from the package, not a form: the count tests and the database
        # constraints check them; a full_clean() per row would cost three queries each.
        AdminUnit.objects.bulk_create(created, batch_size=BATCH)
        for unit in created:
            ids[(unit.scheme, unit.level, unit.code)] = unit.pk
            units[(unit.scheme, unit.level, unit.code)] = unit
        if level == Level.PROVINCE:
            # A province is its own province, which needs its id first.
            for unit in created:
                unit.province_id = unit.pk
            AdminUnit.objects.bulk_update(created, ["province"], batch_size=BATCH)
        AdminUnit.objects.bulk_update(
            [u for u, _before in changed],
            [name.removesuffix("_id") for name in _UNIT_FIELDS],
            batch_size=BATCH,
        )
        summary.units_created += len(created)
        summary.units_updated += len(changed)
        audits.extend((u, before, audit.snapshot(u, m2m=False)) for u, before in changed)

    _audit(actor=actor, action="reload", changes=audits)
    return units


def _load_successions(
    *, actor: User | None, units: dict[package.Key, AdminUnit], summary: LoadSummary
) -> None:
    by_id = {unit.pk: unit for unit in units.values()}
    wanted: dict[tuple[int, int], bool] = {}
    for record in package.successions():
        wanted[(units[record.old].pk, units[record.new].pk)] = record.is_partial
    summary.successions = len(wanted)
    summary.partial_successions = sum(wanted.values())

    existing = {(s.old_id, s.new_id): s for s in AdminUnitSuccession.objects.all()}
    for link in existing.values():  # str() of a link, in the audit, names both units
        link.old, link.new = by_id[link.old_id], by_id[link.new_id]
    created = [
        AdminUnitSuccession(old=by_id[old], new=by_id[new], is_partial=partial)
        for (old, new), partial in wanted.items()
        if (old, new) not in existing
    ]
    changed: list[tuple[AdminUnitSuccession, dict | None, dict | None]] = []
    for pair, link in existing.items():
        if pair in wanted and link.is_partial != wanted[pair]:
            before = audit.snapshot(link, m2m=False)
            link.is_partial = wanted[pair]
            changed.append((link, before, audit.snapshot(link, m2m=False)))
    stale = [link for pair, link in existing.items() if pair not in wanted]

    AdminUnitSuccession.objects.bulk_create(created, batch_size=BATCH)
    AdminUnitSuccession.objects.bulk_update([c[0] for c in changed], ["is_partial"])
    _audit(
        actor=actor,
        action="delete",
        changes=[(link, audit.snapshot(link, m2m=False), None) for link in stale],
    )
    AdminUnitSuccession.objects.filter(pk__in=[link.pk for link in stale]).delete()
    _audit(actor=actor, action="reload", changes=changed)
    summary.successions_created = len(created)
    summary.successions_updated = len(changed)
    summary.successions_removed = len(stale)


def _audit(*, actor: User | None, action: str, changes: list) -> None:
    if changes:
        audit.record_many(actor=actor, action=action, changes=changes)


# -- area classifications ------------------------------------------------------------


def _require_keeper(actor: Any, classification: AreaClassification, action: str) -> None:
    """The registered policy decides (admins and secretariats); it needs a saved row."""
    permissions.require(actor, action, classification)


@transaction.atomic
def area_classification_set(
    *,
    actor: User,
    unit: AdminUnit,
    kind: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    source: str = "",
) -> AreaClassification:
    """Classify a commune (vùng sâu, vùng xa, biên giới, ĐBKK) for a period.

    Periods of the same kind for the same commune must not overlap.
    """
    obj = AreaClassification(
        unit=unit, kind=kind, valid_from=valid_from, valid_to=valid_to, source=source.strip()
    )
    obj.full_clean()
    obj.save()
    # Checked on the saved row, inside the transaction: a refusal rolls the row back.
    _require_keeper(actor, obj, permissions.CHANGE)
    audit.record(actor=actor, action="create", obj=obj, after=audit.snapshot(obj))
    return obj


@transaction.atomic
def area_classification_update(
    *,
    actor: User,
    classification: AreaClassification,
    valid_to: datetime.date | None,
    source: str,
    action: str = "update",
) -> AreaClassification:
    """Change the end and the decision of a period; its commune, kind and start stay."""
    _require_keeper(actor, classification, permissions.CHANGE)
    before = audit.snapshot(classification)
    classification.valid_to = valid_to
    classification.source = source.strip()
    classification.full_clean()
    classification.save(update_fields=["valid_to", "source"])
    after = audit.snapshot(classification)
    if after != before:
        audit.record(actor=actor, action=action, obj=classification, before=before, after=after)
    return classification


def area_classification_end(
    *, actor: User, classification: AreaClassification, valid_to: datetime.date
) -> AreaClassification:
    """End a period: `valid_to` is its last day (on or after its first day)."""
    return area_classification_update(
        actor=actor,
        classification=classification,
        valid_to=valid_to,
        source=classification.source,
        action="end",
    )


@transaction.atomic
def area_classification_delete(*, actor: User, classification: AreaClassification) -> None:
    """Remove a period entered by mistake (a period that ended is ended, not deleted)."""
    _require_keeper(actor, classification, permissions.DELETE)
    audit.record(
        actor=actor, action="delete", obj=classification, before=audit.snapshot(classification)
    )
    classification.delete()
