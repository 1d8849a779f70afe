"""Synthetic data at benchmark scale, bulk-loaded inside PostgreSQL.

The reference objects (committees, organizations, programs, contents, indicators,
targets) are few and go through the ORM; the activities and their parts — millions of
rows at national scale — are generated set-based by the server itself (`INSERT …
SELECT` over `generate_series`, indexes rebuilt after), never inserted row by row. The data
bypasses the services on purpose: the benchmark measures reading, and the figures'
rollups are then rebuilt from these raw rows by the figures module itself.

Deterministic: the same scale and seed give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

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
    # Set-based: one bulk insert per kind of row for every province (a few dozen
    # statements at national scale, not tens of thousands).
    shorts = [p.name.removeprefix("Tỉnh ").removeprefix("Thành phố ") for p in provinces]
    committees = Committee.objects.bulk_create(
        Committee(
            code=f"bench-{province.code}",
            name=f"Ban Chỉ đạo phối hợp tỉnh {short}",
            short_name=f"BCĐ {short}",
            province=province,
            valid_from=dt.date(YEAR0, 1, 1),
        )
        for province, short in zip(provinces, shorts, strict=True)
    )
    orgs = Organization.objects.bulk_create(
        Organization(
            committee=committee,
            name=name.format(p=short),
            abbreviation=abbr,
            kind=kind,
            level="province",
            valid_from=dt.date(YEAR0, 1, 1),
            folded_name="",
        )
        for committee, short in zip(committees, shorts, strict=True)
        for name, abbr, kind in ORG_NAMES
    )
    orgs_of = [orgs[i * len(ORG_NAMES) : (i + 1) * len(ORG_NAMES)] for i in range(len(committees))]
    users = User.objects.bulk_create(
        User(username=f"bench-{role}-{province.code}")
        for province in provinces
        for role in ("focal", "secretariat")
    )
    communes: dict[int, list[int]] = {p.pk: [] for p in provinces}
    for pk, province_id in (
        AdminUnit.objects.filter(scheme="2025-07", level="commune", province__in=provinces)
        .order_by("code")
        .values_list("pk", "province_id")
    ):
        communes[province_id].append(pk)
    years = [YEAR0 + (10 - scale.years) + y for y in range(scale.years)]
    programs_of: list[list[Program]] = [[] for _ in committees]
    for year in years:  # a year at a time: each program points to the year before
        created = Program.objects.bulk_create(
            Program(
                committee=committee,
                year=year,
                title=f"Chương trình phối hợp hoạt động năm {year}",
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                status="in_force",
                previous=programs_of[i][-1] if programs_of[i] else None,
                signed_on=dt.date(year, 1, 15),
            )
            for i, committee in enumerate(committees)
        )
        for i, program in enumerate(created):
            programs_of[i].append(program)
    contents = ProgramContent.objects.bulk_create(
        ProgramContent(
            program=program,
            order=c + 1,
            title=f"Nội dung phối hợp số {c + 1}",
            lead=orgs_of[i][c % len(ORG_NAMES)],
        )
        for i in range(len(committees))
        for program in programs_of[i]
        for c in range(CONTENTS_PER_PROGRAM)
    )
    ProgramContent.target_groups.through.objects.bulk_create(
        ProgramContent.target_groups.through(programcontent_id=content.pk, targetgroup_id=group)
        for content in contents
        for group in rng.sample(groups, 3)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            content=content,
            order=i + 1,
            name=f"Chỉ tiêu {content.order}.{i + 1}",
            unit=unit,
            aggregation=agg,
        )
        for content in contents
        for i, (unit, agg) in enumerate(INDICATOR_SHAPES)
    )
    shapes = len(INDICATOR_SHAPES)
    targets = []
    for n, content in enumerate(contents):
        mine = indicators[n * shapes : (n + 1) * shapes]
        c = content.order - 1
        committee_orgs = orgs_of[n // (CONTENTS_PER_PROGRAM * scale.years)]
        targets += [Target(indicator=ind, value=rng.randint(500, 5000)) for ind in mine]
        targets += [
            Target(indicator=ind, organization=org, value=rng.randint(50, 800))
            for ind in mine
            for org in (
                committee_orgs[c % len(ORG_NAMES)],
                committee_orgs[(c + 1) % len(ORG_NAMES)],
            )
        ]
    Target.objects.bulk_create(targets, batch_size=5000)
    refs = []
    per_committee = CONTENTS_PER_PROGRAM * scale.years
    for i, (committee, province) in enumerate(zip(committees, provinces, strict=True)):
        programs = []
        for y, program in enumerate(programs_of[i]):
            first = i * per_committee + y * CONTENTS_PER_PROGRAM
            program_contents = contents[first : first + CONTENTS_PER_PROGRAM]
            programs.append(
                (
                    program.pk,
                    program.year,
                    [
                        (
                            content.pk,
                            content.lead_id,
                            [
                                ind.pk
                                for ind in indicators[
                                    (first + k) * shapes : (first + k + 1) * shapes
                                ]
                            ],
                        )
                        for k, content in enumerate(program_contents)
                    ],
                )
            )
        refs.append(
            Reference(
                committee_id=committee.pk,
                org_ids=[o.pk for o in orgs_of[i]],
                commune_ids=communes[province.pk],
                creator_id=users[2 * i].pk,
                approver_id=users[2 * i + 1].pk,
                programs=programs,
            )
        )
    return refs, groups


# The tables the load fills. Their secondary indexes, unique and foreign-key constraints
# are dropped before the load and rebuilt after it (one sort per index instead of millions
# of index insertions and trigger calls); the primary keys stay.
LOADED_TABLES = (
    "activities_activity",
    "activities_participation",
    "activities_indicatorvalue",
    "activities_credit",
    "activities_funding",
)


def _r(k: int, seed: int, col: str = "a.id") -> str:
    """SQL for a deterministic pseudo-random number in [0, 1), the k-th of a row.

    Each choice about an activity has a slot k of its own (0–63), never shared, or two
    choices would be correlated: the activity 1–7, participation 10, 11, 14 and 16 + j,
    indicator values 20 + j and 24, credits 30–31, funding 40–41."""
    return f"((hashint8extended({col} * 64 + {k}, {seed}) & 2147483647)::float8 / 2147483648.0)"


def _uuid(col: str, seed: int) -> str:
    """SQL for a deterministic version-4 UUID: two 64-bit hashes of a row's id, with the
    version and variant bits set."""
    high = f"(hashint8extended({col}, {seed}) & ~61440::bigint) | 16384"  # xxxx-4xxx
    low = (  # 8xxx-xxxx…: the top bits 10
        f"(hashint8extended({col}, {seed + 1}) & 4611686018427387903)"
        " | (-9223372036854775808)::bigint"
    )
    return f"(lpad(to_hex({high}), 16, '0') || to_hex({low}))::uuid"


def _activity_sql(seed: int) -> str:
    r = lambda k: _r(k, seed, "s.id")  # noqa: E731
    return f"""
INSERT INTO activities_activity (
    id, created_at, updated_at, uuid, series, committee_id, program_id, content_id,
    organization_id, title, start_date, end_date, locality_id, narrative,
    not_for_publication, status, version, created_by_id, submitted_at, submitted_by_id,
    decided_at, decided_by_id, return_reason)
SELECT s.id, %(now)s, %(now)s, {_uuid("s.id", seed * 4)}, {_uuid("s.id", seed * 4 + 2)},
       p.committee_id, p.program_id, p.contents[x.c],
       CASE WHEN {r(2)} < 0.6 THEN p.leads[x.c]
            ELSE p.orgs[1 + floor({r(3)} * cardinality(p.orgs))::int] END,
       'Hoạt động ' || s.id, x.day, x.day,
       p.communes[1 + floor({r(4)} * cardinality(p.communes))::int],
       '', false, x.status, 1, p.creator_id,
       CASE WHEN x.status <> 'draft' THEN %(now)s::timestamptz END,
       CASE WHEN x.status <> 'draft' THEN p.creator_id END,
       CASE WHEN x.status = 'approved' THEN %(now)s::timestamptz END,
       CASE WHEN x.status = 'approved' THEN p.approver_id END,
       ''
FROM bench_program p
CROSS JOIN LATERAL generate_series(p.first_id, p.first_id + p.n - 1) AS s(id)
CROSS JOIN LATERAL (
    SELECT 1 + floor({r(1)} * cardinality(p.contents))::int AS c,
           CASE WHEN {r(5)} < 0.9 THEN 'approved'
                WHEN {r(6)} < 0.5 THEN 'submitted' ELSE 'draft' END AS status,
           make_date(p.year, 1, 1) + floor({r(7)} * 360)::int AS day
) x
"""


def _parts_sql(seed: int) -> dict[str, str]:
    r = lambda k: _r(k, seed)  # noqa: E731
    new = "a.id >= %(first)s"
    return {
        # 1 target group in 2/3 of the activities, 2 distinct ones in the rest
        "participation": f"""
INSERT INTO activities_participation (activity_id, target_group_id, count)
SELECT a.id,
       (%(groups)s::bigint[])[1 + (floor({r(10)} * %(ngroups)s)::int
            + CASE WHEN j = 1 THEN 0 ELSE 1 + floor({r(11)} * (%(ngroups)s - 1))::int END)
            %% %(ngroups)s],
       5 + floor(((hashint8extended(a.id * 64 + 16 + j, {seed}) & 2147483647)::float8
                  / 2147483648.0) * 296)::int
FROM activities_activity a
CROSS JOIN LATERAL generate_series(1, CASE WHEN {r(14)} < 2.0 / 3 THEN 1 ELSE 2 END) j
WHERE {new}
""",
        # the first 1, 2 or 3 indicators of the activity's content
        "indicatorvalue": f"""
INSERT INTO activities_indicatorvalue (activity_id, indicator_id, value, denominator)
SELECT a.id, i.indicators[j],
       1 + floor(((hashint8extended(a.id * 64 + 20 + j, {seed}) & 2147483647)::float8
                  / 2147483648.0) * 50)::int,
       NULL
FROM activities_activity a
JOIN bench_content i ON i.content_id = a.content_id
CROSS JOIN LATERAL generate_series(1, 1 + floor({r(24)} * cardinality(i.indicators))::int) j
WHERE {new}
""",
        # a confirmed credit for the organization; in 30 % an unconfirmed one for another
        "credit": f"""
INSERT INTO activities_credit (activity_id, organization_id, confirmed_at, confirmed_by_id)
SELECT a.id, v.org, v.confirmed_at, v.confirmed_by
FROM activities_activity a
JOIN bench_program p ON p.program_id = a.program_id
CROSS JOIN LATERAL (
    VALUES (1, a.organization_id, %(now)s::timestamptz, a.created_by_id),
           (2, CASE WHEN {r(30)} < 0.3
                    THEN p.orgs[1 + floor({r(31)} * cardinality(p.orgs))::int] END,
            NULL::timestamptz, NULL::bigint)
) v(j, org, confirmed_at, confirmed_by)
WHERE {new} AND v.org IS NOT NULL AND (v.j = 1 OR v.org <> a.organization_id)
""",
        "funding": f"""
INSERT INTO activities_funding (activity_id, source, amount)
SELECT a.id, 'own', (1 + floor({r(41)} * 200)::int) * 100000
FROM activities_activity a
WHERE {new} AND {r(40)} < 0.5
""",
    }


def secondary_structures(cur, table: str) -> tuple[list[str], list[str]]:
    """(DROP statements, CREATE statements) for a table's non-primary-key indexes and its
    unique and foreign-key constraints, to rebuild them after a bulk load."""
    cur.execute(
        """
        SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname
        """,
        [table],
    )
    constraints = cur.fetchall()
    cur.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                          AND k.conrelid = i.indrelid)
        ORDER BY c.relname
        """,
        [table],
    )
    indexes = cur.fetchall()
    drops = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _d, _t in constraints]
    drops += [f'DROP INDEX "{name}"' for name, _d in indexes]
    creates = [definition for _n, definition in indexes]
    # unique constraints first (their indexes), then the foreign keys
    creates += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition, kind in sorted(constraints, key=lambda c: c[2] != "u")
    ]
    return drops, creates


def load_activities(
    scale: Scale, refs: list[Reference], groups: list[int], seed: int = 2026
) -> dict[str, Any]:
    """Generate every activity and its parts inside PostgreSQL, set-based.

    `INSERT … SELECT` over `generate_series`, one statement a table for the whole scale:
    every pseudo-random choice is a hash of the row's id and the seed
    (`hashint8extended`), so the rows are the same on every run and no row crosses the
    wire. Secondary indexes and constraints are dropped before and rebuilt after, then
    the tables are analyzed; all in one transaction (a failed load leaves nothing).
    """
    counts: dict[str, int] = {}
    steps: dict[str, float] = {}
    first = _next_id("activities_activity")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    programs = []
    contents = []
    next_id = first
    for ref in refs:
        for program_id, year, program_contents in ref.programs:
            programs.append(
                (
                    program_id,
                    year,
                    ref.committee_id,
                    ref.creator_id,
                    ref.approver_id,
                    next_id,
                    scale.activities_per_program,
                    [c for c, _lead, _i in program_contents],
                    [lead for _c, lead, _i in program_contents],
                    ref.org_ids,
                    ref.commune_ids,
                )
            )
            contents += [(c, inds) for c, _lead, inds in program_contents]
            next_id += scale.activities_per_program
    params = {"now": now, "first": first, "groups": groups, "ngroups": len(groups)}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(
            "CREATE TEMP TABLE bench_program (program_id bigint, year int, committee_id bigint,"
            " creator_id bigint, approver_id bigint, first_id bigint, n int, contents bigint[],"
            " leads bigint[], orgs bigint[], communes bigint[]) ON COMMIT DROP"
        )
        cur.executemany(
            "INSERT INTO bench_program VALUES (" + ", ".join(["%s"] * 11) + ")", programs
        )
        cur.execute(
            "CREATE TEMP TABLE bench_content (content_id bigint PRIMARY KEY, indicators bigint[])"
            " ON COMMIT DROP"
        )
        cur.executemany("INSERT INTO bench_content VALUES (%s, %s)", contents)
        cur.execute("ANALYZE bench_program")
        cur.execute("ANALYZE bench_content")
        rebuild: list[str] = []
        for table in LOADED_TABLES:
            drops, creates = secondary_structures(cur, table)
            for sql in drops:
                cur.execute(sql)
            rebuild += creates
        started = time.monotonic()
        cur.execute(_activity_sql(seed), params)
        counts["activity"] = cur.rowcount
        steps["activities_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        for table, sql in _parts_sql(seed).items():
            part_started = time.monotonic()
            cur.execute(sql, params)
            counts[table] = cur.rowcount
            steps[f"{table}_s"] = round(time.monotonic() - part_started, 1)
        steps["parts_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        # the foreign keys last: their validation reads through the rebuilt indexes
        for sql in sorted(rebuild, key=lambda s: "FOREIGN KEY" in s):
            if "FOREIGN KEY" in sql and "foreign_keys_s" not in steps:
                steps["indexes_s"] = round(time.monotonic() - started, 1)
                steps["foreign_keys_s"] = 0.0
                started = time.monotonic()
            cur.execute(sql)
        steps["foreign_keys_s"] = round(time.monotonic() - started, 1)
        for table in LOADED_TABLES:
            _reset_sequence(table)
    started = time.monotonic()
    with connection.cursor() as cur:
        for table in LOADED_TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    steps["analyze_s"] = round(time.monotonic() - started, 1)
    return {"rows": counts, "steps": steps}
