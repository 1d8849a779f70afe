"""Writes for geography: loading units from the package, and area classifications."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from phoihop.core import audit, permissions
from phoihop.core.models import SiteFlag, User
from phoihop.core.services import site_flag_set
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

    ids = _load_units(actor=actor, records=records, summary=summary)
    _load_successions(actor=actor, ids=ids, summary=summary)
    if summary.changed:
        _analyze()
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
    *, actor: User | None, records: tuple[package.UnitRecord, ...], summary: LoadSummary
) -> dict[package.Key, int]:
    """Create and update units, level by level so that parents have ids first.

    Existing rows are compared as tuples: building 14,000 model instances on every run
    would be most of the time of a run that changes nothing.
    """
    existing: dict[package.Key, tuple[int, tuple[Any, ...]]] = {
        (scheme, level, code): (pk, tuple(values))
        for pk, scheme, level, code, *values in AdminUnit.objects.values_list(
            "pk", "scheme", "level", "code", *_UNIT_FIELDS
        )
    }
    ids: dict[package.Key, int] = {key: pk for key, (pk, _values) in existing.items()}
    known = {r.key for r in records}
    summary.units_unknown = sum(1 for key in existing if key not in known)
    changed_ids: dict[int, dict[str, Any]] = {}  # pk -> the values wanted

    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        created: list[AdminUnit] = []
        for record in records:
            if record.level != level:
                continue
            wanted = (
                record.name,
                record.division_type,
                record.codename,
                record.folded_name,  # bulk_create skips AdminUnit.clean, which sets it
                ids[record.parent] if record.parent else None,
                ids.get(record.province),  # None only for a new province
                record.valid_from,
                record.valid_to,
            )
            row = existing.get(record.key)
            if row is None:
                created.append(
                    AdminUnit(
                        scheme=record.scheme,
                        level=record.level,
                        code=record.code,
                        **dict(zip(_UNIT_FIELDS, wanted, strict=True)),
                    )
                )
            elif row[1] != wanted:
                changed_ids[row[0]] = dict(zip(_UNIT_FIELDS, wanted, strict=True))
        # Rows come from the package, not a form: the count tests and the database
        # constraints check them; a full_clean() per row would cost three queries each.
        AdminUnit.objects.bulk_create(created, batch_size=BATCH)
        for unit in created:
            ids[(unit.scheme, unit.level, unit.code)] = unit.pk
        if level == Level.PROVINCE:
            # A province is its own province, which needs its id first.
            for unit in created:
                unit.province_id = unit.pk
            AdminUnit.objects.bulk_update(created, ["province"], batch_size=BATCH)
        summary.units_created += len(created)

    if changed_ids:
        changes = []
        units = list(AdminUnit.objects.filter(pk__in=changed_ids))
        for unit in units:
            before = audit.snapshot(unit, m2m=False)
            for name, value in changed_ids[unit.pk].items():
                setattr(unit, name, value)
            changes.append((unit, before, audit.snapshot(unit, m2m=False)))
        fields = [name.removesuffix("_id") for name in _UNIT_FIELDS]
        AdminUnit.objects.bulk_update(units, fields, batch_size=BATCH)
        _audit(actor=actor, action="reload", changes=changes)
        summary.units_updated = len(units)
    return ids


def _load_successions(
    *, actor: User | None, ids: dict[package.Key, int], summary: LoadSummary
) -> None:
    wanted: dict[tuple[int, int], bool] = {}
    for record in package.successions():
        wanted[(ids[record.old], ids[record.new])] = record.is_partial
    summary.successions = len(wanted)
    summary.partial_successions = sum(wanted.values())

    existing = {
        (old, new): (pk, partial)
        for pk, old, new, partial in AdminUnitSuccession.objects.values_list(
            "pk", "old_id", "new_id", "is_partial"
        )
    }
    created = [
        AdminUnitSuccession(old_id=old, new_id=new, is_partial=partial)
        for (old, new), partial in wanted.items()
        if (old, new) not in existing
    ]
    flip = {
        pk for pair, (pk, partial) in existing.items() if pair in wanted and wanted[pair] != partial
    }
    stale = {pk for pair, (pk, _partial) in existing.items() if pair not in wanted}

    AdminUnitSuccession.objects.bulk_create(created, batch_size=BATCH)
    if flip or stale:
        links = AdminUnitSuccession.objects.filter(pk__in=flip | stale).select_related("old", "new")
        changed, removed = [], []
        for link in links:
            before = audit.snapshot(link, m2m=False)
            if link.pk in stale:
                removed.append((link, before, None))
            else:
                link.is_partial = not link.is_partial
                changed.append((link, before, audit.snapshot(link, m2m=False)))
        AdminUnitSuccession.objects.bulk_update([c[0] for c in changed], ["is_partial"])
        _audit(actor=actor, action="reload", changes=changed)
        _audit(actor=actor, action="delete", changes=removed)
        AdminUnitSuccession.objects.filter(pk__in=stale).delete()
    summary.successions_created = len(created)
    summary.successions_updated = len(flip)
    summary.successions_removed = len(stale)


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load.

    Without them SQLite joins successions to units the slow way round: a query that
    joins both ends of 10,000 successions took 13 s before ANALYZE and 15 ms after.
    """
    with connection.cursor() as cursor:
        for model in (AdminUnit, AdminUnitSuccession):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


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
