"""A small world for tests: two committees, organizations, and a user for every role.

Built through the services, as real data is. Used by the role fixtures in
phoihop/conftest.py and by the route matrix.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from phoihop.core.models import User
from phoihop.geo.choices import Level, Scheme
from phoihop.geo.models import AdminUnit

ROLES = (
    "anonymous",
    "focal_a",
    "focal_b",
    "leader",
    "editor",
    "secretariat",
    "admin",
    "other_secretariat",
)
PASSWORD = "Mat-khau-thu-nghiem-1"  # noqa: S105 - test accounts only


@dataclass
class World:
    province: AdminUnit
    district: AdminUnit
    commune: AdminUnit
    committee: Any
    other_committee: Any
    org_a: Any
    org_b: Any
    other_org: Any
    users: dict[str, User | None] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.users[role]


def unit(
    scheme: str, level: str, code: int, name: str, parent: AdminUnit | None = None
) -> AdminUnit:
    obj, _ = AdminUnit.objects.get_or_create(
        scheme=scheme,
        level=level,
        code=code,
        defaults={
            "name": name,
            "parent": parent,
            "province": parent.province if parent is not None else None,
        },
    )
    if obj.province_id is None and level == Level.PROVINCE:
        obj.province = obj
        obj.full_clean()
        obj.save()
    return obj


def build_world() -> World:
    from phoihop.orgs import services as org_services
    from phoihop.orgs.choices import OrgKind, OrgLevel, Role

    province = unit(Scheme.PRE_2025, Level.PROVINCE, 17, "Tỉnh Hoà Bình")
    district = unit(Scheme.PRE_2025, Level.DISTRICT, 156, "Huyện Mai Châu", province)
    commune = unit(Scheme.PRE_2025, Level.COMMUNE, 5200, "Thị trấn Mai Châu", district)
    other_province = unit(Scheme.CURRENT, Level.PROVINCE, 25, "Tỉnh Phú Thọ")

    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    start = datetime.date(2020, 1, 1)
    committee = org_services.committee_create(
        actor=root,
        code="hoa-binh",
        name="Ban Chỉ đạo Chương trình PHHĐ tỉnh Hòa Bình",
        short_name="BCĐ Hòa Bình",
        province=province,
        valid_from=start,
    )
    other = org_services.committee_create(
        actor=root,
        code="phu-tho",
        name="Ban Chỉ đạo Chương trình PHHĐ tỉnh Phú Thọ",
        short_name="BCĐ Phú Thọ",
        province=other_province,
        valid_from=start,
    )
    org_a = org_services.organization_create(
        actor=root,
        committee=committee,
        name="Bộ Chỉ huy Quân sự tỉnh Hòa Bình",
        abbreviation="Bộ CHQS tỉnh",
        kind=OrgKind.MILITARY,
        level=OrgLevel.PROVINCE,
        locality=province,
        valid_from=start,
    )
    org_b = org_services.organization_create(
        actor=root,
        committee=committee,
        name="Hội Chữ thập đỏ tỉnh Hòa Bình",
        abbreviation="Hội CTĐ tỉnh",
        kind=OrgKind.RED_CROSS,
        level=OrgLevel.PROVINCE,
        locality=province,
        valid_from=start,
    )
    other_org = org_services.organization_create(
        actor=root,
        committee=other,
        name="Hội Nông dân tỉnh Phú Thọ",
        abbreviation="HND tỉnh",
        kind=OrgKind.SOCIOPOLITICAL,
        level=OrgLevel.PROVINCE,
        locality=other_province,
        valid_from=start,
    )

    def account(username: str, *, staff: bool = False) -> User:
        user = org_services.user_create(
            actor=root,
            username=username,
            password=PASSWORD,
            must_change_password=False,
            first_name=username,
            is_staff=staff,
        )
        return user

    users: dict[str, User | None] = {"anonymous": None, "admin": root}
    users["focal_a"] = focal_a = account("focal_a")
    org_services.role_assign(
        actor=root,
        user=focal_a,
        role=Role.FOCAL,
        committee=committee,
        organization=org_a,
        valid_from=start,
    )
    users["focal_b"] = focal_b = account("focal_b")
    org_services.role_assign(
        actor=root,
        user=focal_b,
        role=Role.FOCAL,
        committee=committee,
        organization=org_b,
        valid_from=start,
    )
    users["leader"] = leader = account("leader")
    org_services.role_assign(
        actor=root,
        user=leader,
        role=Role.LEADER,
        committee=committee,
        organization=org_a,
        valid_from=start,
    )
    users["editor"] = editor = account("editor")
    org_services.role_assign(
        actor=root, user=editor, role=Role.EDITOR, committee=committee, valid_from=start
    )
    users["secretariat"] = secretariat = account("secretariat", staff=True)
    org_services.role_assign(
        actor=root,
        user=secretariat,
        role=Role.SECRETARIAT,
        committee=committee,
        valid_from=start,
    )
    users["other_secretariat"] = other_secretariat = account("other_secretariat", staff=True)
    org_services.role_assign(
        actor=root,
        user=other_secretariat,
        role=Role.SECRETARIAT,
        committee=other,
        valid_from=start,
    )

    return World(
        province=province,
        district=district,
        commune=commune,
        committee=committee,
        other_committee=other,
        org_a=org_a,
        org_b=org_b,
        other_org=other_org,
        users=users,
    )
