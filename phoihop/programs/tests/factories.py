"""Builders of programs for tests, through the services (so they also hold the rules).

`make_program(world)` gives a small draft program of the world's committee: parties
org A and org B, two contents (A leads with B co-operating; B leads), three indicators,
overall and per-organization targets, target groups and a legal basis. With
`status="in_force"` every party signs and the program comes into force.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from phoihop.core.testing.world import World
from phoihop.programs import services
from phoihop.programs.choices import Aggregation, LegalKind, ProgramStatus, Unit
from phoihop.programs.models import LegalDocument, Program, TargetGroup

TARGET_GROUPS = (
    ("can-bo", "Cán bộ"),
    ("hoi-vien", "Hội viên"),
    ("can-bo-chien-si", "Cán bộ, chiến sĩ LLVT"),
    ("nhan-dan", "Nhân dân"),
)


def target_group(world: World, code: str, name: str = "", order: int = 0) -> TargetGroup:
    """The catalogue is shared: reuse a group of that code if it exists."""
    found = TargetGroup.objects.filter(code=code).first()
    if found is not None:
        return found
    return services.target_group_create(
        actor=world.user("admin"), code=code, name=name or code, order=order
    )


def legal_document(
    world: World,
    number: str = "35-NQ/TW",
    date: datetime.date = datetime.date(2018, 10, 22),
    **fields: Any,
) -> LegalDocument:
    found = LegalDocument.objects.filter(number=number, date=date).first()
    if found is not None:
        return found
    return services.legal_document_create(
        actor=world.user("admin"),
        kind=fields.get("kind", LegalKind.RESOLUTION),
        number=number,
        date=date,
        issuer=fields.get("issuer", "Bộ Chính trị"),
        title=fields.get(
            "title",
            "Tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm "
            "sai trái, thù địch trong tình hình mới",
        ),
    )


def make_program(
    world: World,
    *,
    year: int = 2023,
    status: str = ProgramStatus.DRAFT,
    committee: Any = None,
    actor: Any = None,
    title: str | None = None,
) -> Program:
    """A small program of `committee` (the world's by default), built through the services
    and then moved to `status` along the allowed transitions."""
    committee = committee or world.committee
    if committee == world.committee:
        actor = actor or world.user("secretariat")
        org_a, org_b = world.org_a, world.org_b
    else:  # another committee: its own organizations, made as needed
        actor = actor or world.user("admin")
        orgs = list(committee.organizations.order_by("pk")[:2])
        while len(orgs) < 2:
            orgs.append(
                make_organization(world, name=f"Tổ chức {len(orgs) + 1}", committee=committee)
            )
        org_a, org_b = orgs
    groups = [target_group(world, code, name, i) for i, (code, name) in enumerate(TARGET_GROUPS)]
    nq35 = legal_document(world)

    program = services.program_create(
        actor=actor,
        committee=committee,
        year=year,
        title=title or f"Chương trình phối hợp hoạt động năm {year}",
        number=f"01/CTr-PH-{year}",
        legal_basis=[nq35],
    )
    services.party_add(actor=actor, program=program, organization=org_a)
    services.party_add(actor=actor, program=program, organization=org_b)

    propaganda = services.content_create(
        actor=actor,
        program=program,
        title="Tuyên truyền, giáo dục chính trị, pháp luật, quốc phòng - an ninh",
        lead=org_a,
        co_organizations=[org_b],
        target_groups=groups[:3],
        legal_basis=[nq35],
    )
    sessions = services.indicator_create(
        actor=actor, content=propaganda, name="Buổi tuyên truyền", unit=Unit.SESSION
    )
    listeners = services.indicator_create(
        actor=actor, content=propaganda, name="Lượt người nghe", unit=Unit.TURN
    )
    blood = services.content_create(
        actor=actor,
        program=program,
        title="Vận động hiến máu tình nguyện",
        lead=org_b,
        target_groups=[groups[3]],
    )
    units = services.indicator_create(
        actor=actor,
        content=blood,
        name="Đơn vị máu tiếp nhận",
        unit=Unit.BLOOD_UNIT,
        aggregation=Aggregation.SUM,
    )

    services.target_set(actor=actor, indicator=sessions, value=Decimal(120))
    services.target_set(actor=actor, indicator=sessions, organization=org_a, value=Decimal(80))
    services.target_set(actor=actor, indicator=sessions, organization=org_b, value=Decimal(40))
    services.target_set(actor=actor, indicator=listeners, value=Decimal(15000))
    services.target_set(actor=actor, indicator=units, value=Decimal(500))
    services.target_set(actor=actor, indicator=units, organization=org_b, value=Decimal(400))

    return advance(world, program, status, actor=actor)


def sign_all(world: World, program: Program, *, actor: Any = None) -> Program:
    actor = actor or world.user("secretariat")
    signed_at = timezone.now() - datetime.timedelta(hours=1)
    for party in program.parties.filter(signature__isnull=True).select_related("organization"):
        services.program_sign(
            actor=actor,
            party=party,
            signer_name=f"Người ký {party.organization.short}",
            signer_title="Thủ trưởng",
            signed_at=signed_at,
        )
    program.refresh_from_db()
    return program


def advance(world: World, program: Program, status: str, *, actor: Any = None) -> Program:
    """Move a draft program forward to `status` through the services."""
    actor = actor or world.user("secretariat")
    path = [
        ProgramStatus.DRAFT,
        ProgramStatus.SIGNING,
        ProgramStatus.IN_FORCE,
        ProgramStatus.IN_REVIEW,
        ProgramStatus.CLOSED,
    ]
    steps = {
        ProgramStatus.SIGNING: lambda: services.program_send_for_signing(
            actor=actor, program=program
        ),
        ProgramStatus.IN_FORCE: lambda: sign_all(world, program, actor=actor),
        ProgramStatus.IN_REVIEW: lambda: services.program_start_review(
            actor=actor, program=program
        ),
        ProgramStatus.CLOSED: lambda: services.program_close(actor=actor, program=program),
    }
    for step in path[path.index(program.status) + 1 : path.index(status) + 1]:
        steps[step]()
        program.refresh_from_db()
    return program


def make_user(
    world: World, username: str, *, role: str, committee: Any, organization: Any = None
) -> Any:
    """A user holding one role (staff when secretariat, as the admin requires)."""
    from phoihop.core.testing.world import PASSWORD
    from phoihop.orgs import services as org_services

    root = world.user("admin")
    user = org_services.user_create(
        actor=root,
        username=username,
        password=PASSWORD,
        must_change_password=False,
        first_name=username,
        is_staff=role == "secretariat",
    )
    org_services.role_assign(
        actor=root,
        user=user,
        role=role,
        committee=committee,
        organization=organization,
        valid_from=datetime.date(2020, 1, 1),
    )
    return user


def successor_committee(world: World) -> Any:
    """A committee that took over from the world's (as Phú Thọ's took over Hòa Bình's)."""
    from phoihop.orgs import services as org_services
    from phoihop.orgs.models import Committee

    new = org_services.committee_create(
        actor=world.user("admin"),
        code="phu-tho-moi",
        name="Ban Chỉ đạo Chương trình PHHĐ tỉnh Phú Thọ (sau hợp nhất)",
        short_name="BCĐ Phú Thọ mới",
        province=world.province,
        valid_from=datetime.date(2025, 7, 1),
    )
    # Set directly: only the link matters here, and the orgs service for it is the orgs
    # app's to shape.
    Committee.objects.filter(pk=world.committee.pk).update(successor=new)
    world.committee.refresh_from_db()
    return new


def make_organization(world: World, *, name: str, committee: Any = None, **fields: Any) -> Any:
    from phoihop.orgs import services as org_services
    from phoihop.orgs.choices import OrgKind, OrgLevel

    return org_services.organization_create(
        actor=world.user("admin"),
        committee=committee or world.committee,
        name=name,
        abbreviation=fields.pop("abbreviation", name[:20]),
        kind=fields.pop("kind", OrgKind.SOCIOPOLITICAL),
        level=fields.pop("level", OrgLevel.PROVINCE),
        locality=fields.pop("locality", world.province),
        valid_from=fields.pop("valid_from", datetime.date(2020, 1, 1)),
        **fields,
    )


def successor_organization(
    world: World, *, committee: Any, name: str, predecessors: list[Any], on: datetime.date
) -> Any:
    """A new organization recorded as the successor of `predecessors` from `on`."""
    from phoihop.orgs import services as org_services
    from phoihop.orgs.choices import OrgKind

    org = make_organization(
        world, name=name, committee=committee, kind=OrgKind.MILITARY, valid_from=on
    )
    org_services.organization_succeed(
        actor=world.user("admin"),
        predecessors=predecessors,
        successor=org,
        kind="merge" if len(predecessors) > 1 else "replace",
        on=on,
        move_users=False,
    )
    for old in predecessors:
        old.refresh_from_db()
    return org
