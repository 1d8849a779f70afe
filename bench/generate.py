"""Synthetic data at benchmark scale, bulk-loaded with PostgreSQL's COPY.

The reference objects (committees, organizations, programs, contents, indicators,
targets) are few and go through the ORM; the activities and their parts — millions of
rows at national scale — are streamed with COPY, never inserted row by row. The data
bypasses the services on purpose: the benchmark measures reading, and the figures'
rollups are then rebuilt from these raw rows by the figures module itself.

Deterministic: the same scale and seed give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db import connection, transaction

YEAR0 = 2016
CONTENTS_PER_PROGRAM = 8
INDICATORS_PER_CONTENT = 3
ORGS_PER_COMMITTEE = 8
ORG_NAMES = (
    ("Bộ Chỉ huy Quân sự tỉnh {p}", "Bộ CHQS", "military"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh {p}", "UBMTTQ", "front"),
    ("Liên đoàn Lao động tỉnh {p}", "LĐLĐ", "sociopolitical"),
    ("Hội Nông dân tỉnh {p}", "HND", "sociopolitical"),
    ("Hội Liên hiệp Phụ nữ tỉnh {p}", "HLHPN", "sociopolitical"),
    ("Tỉnh đoàn {p}", "Tỉnh đoàn", "sociopolitical"),
    ("Hội Cựu chiến binh tỉnh {p}", "Hội CCB", "sociopolitical"),
    ("Hội Chữ thập đỏ tỉnh {p}", "Hội CTĐ", "redcross"),
)
INDICATOR_SHAPES = (("lượt", "sum"), ("buổi", "sum"), ("%", "max"))


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int
    years: int
    activities_per_program: int

    @property
    def activities(self) -> int:
        return self.provinces * self.years * self.activities_per_program


SCALES = {
    "province": Scale("province", 1, 1, 20_000),
    "decade": Scale("decade", 1, 10, 20_000),
    "national": Scale("national", 34, 10, 14_706),
}


def _reset_sequence(table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def _next_id(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cur.fetchone()[0])


@dataclass
class Reference:
    committee_id: int
    org_ids: list[int]
    commune_ids: list[int]
    creator_id: int
    approver_id: int
    programs: list[tuple[int, int, list[tuple[int, int, list[int]]]]]
    # (program id, year, [(content id, lead org id, [indicator ids])])


def build_reference(scale: Scale, seed: int = 2026) -> tuple[list[Reference], list[int]]:
    """Committees, organizations, users, programs, contents, indicators and targets."""
    from phoihop.core.models import User
    from phoihop.geo.models import AdminUnit
    from phoihop.orgs.models import Committee, Organization
    from phoihop.programs.models import Indicator, Program, ProgramContent, Target, TargetGroup

    rng = random.Random(seed)
    groups = []
    for order, (code, name) in enumerate(
        (
            ("cb-cs", "Cán bộ, chiến sĩ"),
            ("hoi-vien", "Hội viên"),
            ("doan-vien", "Đoàn viên thanh niên"),
            ("nhan-dan", "Nhân dân"),
            ("hoc-sinh", "Học sinh"),
        )
    ):
        group, _ = TargetGroup.objects.get_or_create(
            code=f"bench-{code}", defaults={"name": f"{name} (bench)", "order": order}
        )
        groups.append(group.pk)
    provinces = list(
        AdminUnit.objects.filter(scheme="2025-07", level="province").order_by("code")[
            : scale.provinces
        ]
    )
    refs = []
    for province in provinces:
        short = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
        committee = Committee.objects.create(
            code=f"bench-{province.code}",
            name=f"Ban Chỉ đạo phối hợp tỉnh {short}",
            short_name=f"BCĐ {short}",
            province=province,
            valid_from=dt.date(YEAR0, 1, 1),
        )
        orgs = [
            Organization(
                committee=committee,
                name=name.format(p=short),
                abbreviation=abbr,
                kind=kind,
                level="province",
                valid_from=dt.date(YEAR0, 1, 1),
            )
            for name, abbr, kind in ORG_NAMES
        ]
        for org in orgs:
            org.folded_name = ""
            org.save()
        creator = User.objects.create(username=f"bench-focal-{province.code}")
        approver = User.objects.create(username=f"bench-secretariat-{province.code}")
        communes = list(
            AdminUnit.objects.filter(scheme="2025-07", level="commune", province=province)
            .order_by("code")
            .values_list("pk", flat=True)
        )
        programs = []
        previous = None
        for y in range(scale.years):
            year = YEAR0 + (10 - scale.years) + y
            program = Program.objects.create(
                committee=committee,
                year=year,
                title=f"Chương trình phối hợp hoạt động năm {year}",
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                status="in_force",
                previous=previous,
                signed_on=dt.date(year, 1, 15),
            )
            contents = []
            for c in range(CONTENTS_PER_PROGRAM):
                content = ProgramContent.objects.create(
                    program=program,
                    order=c + 1,
                    title=f"Nội dung phối hợp số {c + 1}",
                    lead=orgs[c % len(orgs)],
                )
                content.target_groups.set(rng.sample(groups, 3))
                indicators = Indicator.objects.bulk_create(
                    Indicator(
                        content=content,
                        order=i + 1,
                        name=f"Chỉ tiêu {c + 1}.{i + 1}",
                        unit=unit,
                        aggregation=agg,
                    )
                    for i, (unit, agg) in enumerate(INDICATOR_SHAPES)
                )
                Target.objects.bulk_create(
                    [Target(indicator=ind, value=rng.randint(500, 5000)) for ind in indicators]
                    + [
                        Target(indicator=ind, organization=org, value=rng.randint(50, 800))
                        for ind in indicators
                        for org in (orgs[c % len(orgs)], orgs[(c + 1) % len(orgs)])
                    ]
                )
                contents.append((content.pk, orgs[c % len(orgs)].pk, [i.pk for i in indicators]))
            programs.append((program.pk, year, contents))
            previous = program
        refs.append(
            Reference(
                committee_id=committee.pk,
                org_ids=[o.pk for o in orgs],
                commune_ids=communes,
                creator_id=creator.pk,
                approver_id=approver.pk,
                programs=programs,
            )
        )
    return refs, groups


ACTIVITY_COLUMNS = (
    "id, created_at, updated_at, uuid, series, committee_id, program_id, content_id, "
    "organization_id, title, start_date, end_date, locality_id, narrative, "
    "not_for_publication, status, version, created_by_id, submitted_at, submitted_by_id, "
    "decided_at, decided_by_id, return_reason"
)


PART_COLUMNS = {
    "participation": "activity_id, target_group_id, count",
    "indicatorvalue": "activity_id, indicator_id, value, denominator",
    "credit": "activity_id, organization_id, confirmed_at, confirmed_by_id",
    "funding": "activity_id, source, amount",
}


def load_activities(
    scale: Scale, refs: list[Reference], groups: list[int], seed: int = 2026
) -> dict[str, int]:
    """Stream every activity and its parts into PostgreSQL with COPY, a program at a time.

    One connection runs one COPY at a time, so each program's activities go first and
    then each of their parts; a program's rows are small enough to hold in memory.
    """
    rng = random.Random(seed + 1)
    counts = {"activity": 0, **dict.fromkeys(PART_COLUMNS, 0)}
    aid = _next_id("activities_activity")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection
    for ref in refs:
        for program_id, year, contents in ref.programs:
            start = dt.date(year, 1, 1)
            rows: list[tuple] = []
            parts: dict[str, list[tuple]] = {k: [] for k in PART_COLUMNS}
            for _ in range(scale.activities_per_program):
                content_id, lead_id, indicator_ids = contents[rng.randrange(len(contents))]
                org_id = (
                    lead_id if rng.random() < 0.6 else ref.org_ids[rng.randrange(len(ref.org_ids))]
                )
                day = start + dt.timedelta(days=rng.randrange(360))
                status = "approved" if rng.random() < 0.9 else rng.choice(("submitted", "draft"))
                sent = status != "draft"
                approved = status == "approved"
                rows.append(
                    (
                        aid,
                        now,
                        now,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        ref.committee_id,
                        program_id,
                        content_id,
                        org_id,
                        f"Hoạt động {aid}",
                        day,
                        day,
                        ref.commune_ids[rng.randrange(len(ref.commune_ids))],
                        "",
                        False,
                        status,
                        1,
                        ref.creator_id,
                        now if sent else None,
                        ref.creator_id if sent else None,
                        now if approved else None,
                        ref.approver_id if approved else None,
                        "",
                    )
                )
                for group in rng.sample(groups, rng.choice((1, 1, 2))):
                    parts["participation"].append((aid, group, rng.randint(5, 300)))
                for ind in indicator_ids[: rng.choice((1, 2, 3))]:
                    parts["indicatorvalue"].append((aid, ind, rng.randint(1, 50), None))
                parts["credit"].append((aid, org_id, now, ref.creator_id))
                if rng.random() < 0.3:
                    other = ref.org_ids[rng.randrange(len(ref.org_ids))]
                    if other != org_id:
                        parts["credit"].append((aid, other, None, None))
                if rng.random() < 0.5:
                    parts["funding"].append((aid, "own", rng.randint(1, 200) * 100_000))
                aid += 1
            with transaction.atomic(), raw.cursor() as cur:
                with cur.copy(f"COPY activities_activity ({ACTIVITY_COLUMNS}) FROM STDIN") as cp:
                    for row in rows:
                        cp.write_row(row)
                counts["activity"] += len(rows)
                for table, part_rows in parts.items():
                    sql = f"COPY activities_{table} ({PART_COLUMNS[table]}) FROM STDIN"
                    with cur.copy(sql) as cp:
                        for row in part_rows:
                            cp.write_row(row)
                    counts[table] += len(part_rows)
    for table in counts:
        _reset_sequence(f"activities_{table}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return counts
