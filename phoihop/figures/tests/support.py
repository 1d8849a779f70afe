"""Places for figures tests: pre-2025 communes (one moved whole, one split), current
units, successions and area classifications; helpers to build reports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from phoihop.activities import services
from phoihop.activities.models import Activity, Credit
from phoihop.activities.tests import factories as f
from phoihop.core.testing.world import unit
from phoihop.geo.choices import AreaKind, Level, Scheme
from phoihop.geo.models import AdminUnit, AdminUnitSuccession, AreaClassification


@dataclass
class Places:
    whole: AdminUnit  # world.commune: went whole into new_a
    deep: AdminUnit  # pre-2025, vùng sâu + vùng xa, went whole into new_a
    split: AdminUnit  # pre-2025, biên giới from 1/6/2023, split into new_a and new_b
    district: AdminUnit
    province: AdminUnit
    new_province: AdminUnit
    new_a: AdminUnit
    new_b: AdminUnit

    @property
    def communes(self) -> list[AdminUnit]:
        return [self.whole, self.deep, self.split]


def places(world: Any) -> Places:
    deep = unit(Scheme.PRE_2025, Level.COMMUNE, 5203, "Xã Tân Sơn", world.district)
    split = unit(Scheme.PRE_2025, Level.COMMUNE, 5206, "Xã Pà Cò", world.district)
    new_province = AdminUnit.objects.get(scheme=Scheme.CURRENT, level=Level.PROVINCE, code=25)
    new_a = unit(Scheme.CURRENT, Level.COMMUNE, 4700, "Xã Mai Châu", new_province)
    new_b = unit(Scheme.CURRENT, Level.COMMUNE, 4701, "Xã Pà Cò", new_province)
    for old, new, partial in (
        (world.commune, new_a, False),
        (deep, new_a, False),
        (split, new_a, True),
        (split, new_b, True),
        (world.province, new_province, False),
    ):
        AdminUnitSuccession.objects.get_or_create(
            old=old, new=new, defaults={"is_partial": partial}
        )
    for commune, kind, since in (
        (deep, AreaKind.DEEP, datetime.date(2020, 1, 1)),
        (deep, AreaKind.REMOTE, datetime.date(2020, 1, 1)),
        (split, AreaKind.BORDER, datetime.date(2023, 6, 1)),
    ):
        AreaClassification.objects.get_or_create(unit=commune, kind=kind, valid_from=since)
    return Places(
        whole=world.commune,
        deep=deep,
        split=split,
        district=world.district,
        province=world.province,
        new_province=new_province,
        new_a=new_a,
        new_b=new_b,
    )


def by_b(s: f.Setup, **overrides: Any) -> dict[str, Any]:
    """Arguments for a report of org B (focal B) under the content B leads."""
    fields: dict[str, Any] = {
        "actor": s.user("focal_b"),
        "organization": s.world.org_b,
        "content": s.other_content,
        "participants": {s.people: 30},
        "values": {s.other_indicator: 2},
        "funding": {"own": 1_000_000},
    }
    fields.update(overrides)
    return fields


def confirm(s: f.Setup, activity: Activity, org: Any) -> None:
    credit = Credit.objects.get(activity=activity, organization=org)
    focal = s.user("focal_a") if org == s.world.org_a else s.user("focal_b")
    services.credit_confirm(actor=focal, credit=credit)


def approve(s: f.Setup, activity: Activity) -> Activity:
    if activity.status in ("draft", "returned"):
        activity = services.activity_submit(actor=activity.created_by, activity=activity)
    return services.activity_approve(actor=s.user("secretariat"), activity=activity)
