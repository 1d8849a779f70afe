"""Property tests (hypothesis): partitions add up exactly, and the rollups equal the raw
computation after any sequence of approvals, returns, revisions, credit changes,
deletions and restorations. Each example runs in a savepoint that is rolled back."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phoihop.activities import services
from phoihop.activities.models import Activity, Credit
from phoihop.activities.tests import factories as f
from phoihop.figures import rollups, selectors
from phoihop.figures import types as ft
from phoihop.figures.tests.support import Places, places

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

months = st.integers(min_value=1, max_value=12)
counts = st.integers(min_value=0, max_value=400)


@st.composite
def report_fields(draw: Any) -> dict[str, Any]:
    """What a report says, as choices resolved against the setup later."""
    return {
        "by_b": draw(st.booleans()),
        "place": draw(st.integers(min_value=0, max_value=3)),
        "month": draw(months),
        "days": draw(st.integers(min_value=0, max_value=20)),
        "cadres": draw(st.none() | counts),
        "people": draw(st.none() | counts),
        "state": draw(st.none() | st.integers(min_value=0, max_value=10**9)),
        "mobilized": draw(st.none() | st.integers(min_value=0, max_value=10**8)),
        "value": draw(st.integers(min_value=0, max_value=50)),
        "denominator": draw(st.integers(min_value=1, max_value=90)),
        "co": draw(st.booleans()),
    }


def _create(s: f.Setup, p: Places, spec: dict[str, Any], n: int) -> Activity:
    units = [p.whole, p.deep, p.split, p.district]
    start = datetime.date(f.YEAR, spec["month"], 1 + spec["days"])
    participants = {
        g: spec[name] for g, name in ((s.cadres, "cadres"), (s.people, "people")) if spec[name]
    }
    funding = {k: spec[k] for k in ("state", "mobilized") if spec[k] is not None}
    common = {
        "title": f"Hoạt động {n}",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=spec["days"] % 3),
        "locality": units[spec["place"]],
        "funding": funding,
    }
    if spec["by_b"]:
        return services.activity_create(
            actor=s.user("focal_b"),
            program=s.program,
            content=s.other_content,
            organization=s.world.org_b,
            participants={s.people: spec["people"] or 0},
            values={s.other_indicator: spec["value"]},
            co_organizations=[s.world.org_a] if spec["co"] else [],
            **common,
        )
    return services.activity_create(
        actor=s.user("focal_a"),
        program=s.program,
        content=s.content,
        organization=s.world.org_a,
        participants=participants,
        values={
            s.sessions: spec["value"],
            s.ratio: (Decimal(spec["value"]), Decimal(spec["denominator"])),
        },
        co_organizations=[s.world.org_b] if spec["co"] else [],
        **common,
    )


def _approve(s: f.Setup, activity: Activity) -> Activity:
    activity.refresh_from_db()
    if activity.status in ("draft", "returned"):
        activity = services.activity_submit(actor=activity.created_by, activity=activity)
    return services.activity_approve(actor=s.user("secretariat"), activity=activity)


def _focal(s: f.Setup, org_id: int) -> Any:
    return s.user("focal_a") if org_id == s.world.org_a.pk else s.user("focal_b")


def _raw(program: Any, **kwargs: Any) -> ft.Breakdown:
    """The breakdown computed from the raw rows, bypassing the rollups and the cache
    (the rollup reads before it may be served from the cache: a stale one would differ)."""
    orgs, contents = kwargs.get("organizations"), kwargs.get("contents")
    return selectors._program_figures(
        program,
        by=tuple(kwargs.get("by", ())),
        date_from=kwargs.get("date_from"),
        date_to=kwargs.get("date_to"),
        include_submitted=kwargs.get("include_submitted", False),
        orgs=tuple(sorted(orgs)) if orgs is not None else None,
        content_ids=tuple(sorted(contents)) if contents is not None else None,
        current_units=kwargs.get("current_units", False),
        built=False,
    )


def _assert_rollups_equal_raw(s: f.Setup) -> None:
    assert rollups.differences(s.program.pk) == []
    # Each read below is served by a different rollup table (rollups._choose): SUMMARY
    # (no place), PLACE (place and area, each report once), SPAN (place × content or
    # organization, no dates), CELLS (the rest: with dates on month boundaries).
    year = {"date_from": datetime.date(f.YEAR, 3, 1), "date_to": datetime.date(f.YEAR, 9, 30)}
    slices: list[dict[str, Any]] = [
        {},
        {"by": (ft.CONTENT,)},
        {"by": (ft.ORGANIZATION,)},
        {"by": (ft.CONTENT, ft.ORGANIZATION)},
        {"by": (ft.MONTH,)},
        {"by": (ft.TARGET_GROUP,)},
        {"by": (ft.COMMUNE, ft.AREA)},
        {"by": (ft.DISTRICT,)},
        {"by": (ft.AREA, ft.MONTH)},
        {"by": (ft.COMMUNE, ft.ORGANIZATION)},
        {"by": (ft.CONTENT,), "organizations": [s.world.org_a.pk]},
        {"by": (ft.COMMUNE,), "organizations": [s.world.org_b.pk]},
        {"by": (ft.COMMUNE,), "contents": [s.content.pk]},
        {"by": (ft.CONTENT, ft.ORGANIZATION, ft.COMMUNE)},
        {"by": (ft.CONTENT, ft.ORGANIZATION, ft.COMMUNE), **year},
        {"by": (ft.COMMUNE, ft.ORGANIZATION), **year},
        {"by": (ft.COMMUNE,), "organizations": [s.world.org_b.pk], **year},
        {"by": (ft.DISTRICT, ft.TARGET_GROUP), "contents": [s.content.pk]},
    ]
    for kwargs in slices:
        from_rollups = selectors.program_figures(s.program, **kwargs)
        raw = _raw(s.program, **kwargs)
        if rollups.is_built(s.program.pk):
            assert from_rollups.source == ft.ROLLUP
        assert dataclasses.replace(from_rollups, source=ft.RAW) == raw, kwargs


_ROW_FIELDS = (
    "content_id",
    "locality_id",
    "area",
    "month",
    "organization_id",
    "measure",
    "target_group_id",
    "source",
    "indicator_id",
    "count",
    "total",
    "denominator",
    "maximum",
    "latest_end",
    "latest_start",
    "latest_activity",
    "latest_value",
)


def _stored_rows(program_id: int) -> dict[str, list[tuple]]:
    """Every rollup row of the program, per table, in a comparable order."""
    found = {}
    for table in (rollups.CELLS, *rollups.SUMMARIES):
        model = table.model
        names = [n for n in _ROW_FIELDS if hasattr(model, n.removesuffix("_id"))]
        rows = model._default_manager.filter(program_id=program_id).values_list(*names)
        found[table.name] = sorted(rows, key=repr)
    return found


def _assert_rebuild_equals_incremental(s: f.Setup) -> None:
    """The set-based rebuild, of the program and of everything (on PostgreSQL new tables
    swapped in), writes exactly the rows the listener kept."""
    kept = _stored_rows(s.program.pk)
    rollups.rebuild(s.program.pk)
    assert _stored_rows(s.program.pk) == kept
    rollups.rebuild()
    assert _stored_rows(s.program.pk) == kept
    assert rollups.differences(s.program.pk) == []


def _sum_indicator(m: ft.Measures, pk: int) -> Decimal:
    found = m.indicators.get(pk)
    return found.numerator if found is not None else Decimal(0)


@given(specs=st.lists(report_fields(), min_size=1, max_size=6), confirm=st.booleans())
@SETTINGS
def test_partitions_add_up_exactly(s, world, specs, confirm):
    with transaction.atomic():
        p = places(world)
        for n, spec in enumerate(specs):
            activity = _approve(s, _create(s, p, spec, n))
            if confirm:
                for credit in Credit.objects.filter(activity=activity, confirmed_at__isnull=True):
                    services.credit_confirm(actor=_focal(s, credit.organization_id), credit=credit)
        for current_units in (False, True):
            for dim in sorted(ft.PARTITIONS):
                figures = selectors.program_figures(
                    s.program, by=(dim,), current_units=current_units
                )
                total, rows = figures.total, [r.measures for r in figures.rows]
                assert figures.parts_add_up
                assert sum(m.participants for m in rows) == total.participants
                if dim == ft.TARGET_GROUP:
                    continue
                assert sum(m.activities or 0 for m in rows) == total.activities
                assert sum(m.funding or 0 for m in rows) == total.funding
                for ind in (s.sessions, s.other_indicator):
                    assert sum(_sum_indicator(m, ind.pk) for m in rows) == _sum_indicator(
                        total, ind.pk
                    )
        by_org = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
        # A credit dimension: each organization's row holds at most the total, and
        # together they hold at least the total.
        assert all(r.measures.activities <= by_org.total.activities for r in by_org.rows)
        assert sum(r.measures.activities for r in by_org.rows) >= by_org.total.activities
        assert by_org.total.activities == len(specs)
        _assert_rollups_equal_raw(s)
        _assert_rebuild_equals_incremental(s)
        transaction.set_rollback(True)


OPERATIONS = (
    "approve_new",
    "submit_new",
    "approve_pending",
    "return_pending",
    "revise",
    "confirm_credit",
    "credit_add_remove",
    "trash",
    "restore",
)


@dataclasses.dataclass
class _Run:
    """Random changes to the setup's program, each through the services."""

    s: f.Setup
    p: Places
    data: Any

    @property
    def alive(self) -> Any:
        return Activity.objects.filter(program=self.s.program).order_by("pk")

    def pick(self, items: Any) -> Any:
        items = list(items)
        return self.data.draw(st.sampled_from(items)) if items else None

    def new(self, n: int, *, approve: bool) -> None:
        activity = _create(self.s, self.p, self.data.draw(report_fields()), n)
        activity = services.activity_submit(actor=activity.created_by, activity=activity)
        if approve:
            services.activity_approve(actor=self.s.user("secretariat"), activity=activity)

    def decide(self, *, approve: bool) -> None:
        chosen = self.pick(self.alive.filter(status="submitted"))
        if chosen is None:
            return
        if approve:
            services.activity_approve(actor=self.s.user("secretariat"), activity=chosen)
        else:
            services.activity_return(
                actor=self.s.user("secretariat"), activity=chosen, reason="Sửa số liệu"
            )

    def revise(self) -> None:
        open_series = set(
            self.alive.filter(status__in=["draft", "submitted", "returned"]).values_list(
                "series", flat=True
            )
        )
        chosen = self.pick(
            a for a in self.alive.filter(status="approved") if a.series not in open_series
        )
        if chosen is None:
            return
        focal = _focal(self.s, chosen.organization_id)
        revision = services.activity_revise(actor=focal, activity=chosen)
        spec = self.data.draw(report_fields())
        services.activity_update(
            actor=focal,
            activity=revision,
            expected_version=revision.version,
            locality=[self.p.whole, self.p.deep, self.p.split, self.p.district][spec["place"]],
            start_date=datetime.date(f.YEAR, spec["month"], 2),
            end_date=datetime.date(f.YEAR, spec["month"], 3),
            funding={"own": spec["state"] or 0},
        )
        revision.refresh_from_db()
        revision = services.activity_submit(actor=focal, activity=revision)
        if self.data.draw(st.booleans()):
            services.activity_approve(actor=self.s.user("secretariat"), activity=revision)

    def confirm_credit(self) -> None:
        credit = self.pick(
            Credit.objects.filter(
                activity__program=self.s.program,
                activity__deleted_at__isnull=True,
                confirmed_at__isnull=True,
            ).order_by("pk")
        )
        if credit is not None:
            focal = _focal(self.s, credit.organization_id)
            services.credit_confirm(actor=focal, credit=credit)

    def credit_add_remove(self) -> None:
        chosen = self.pick(self.alive.filter(status__in=["draft", "returned"]))
        if chosen is None:
            return
        world = self.s.world
        other = world.org_b if chosen.organization_id == world.org_a.pk else world.org_a
        focal = _focal(self.s, chosen.organization_id)
        existing = Credit.objects.filter(activity=chosen, organization=other).first()
        if existing is None:
            services.credit_add(actor=focal, activity=chosen, organization=other)
        else:
            services.credit_remove(actor=focal, credit=existing)

    def trash(self) -> None:
        chosen = self.pick(self.alive.filter(status__in=["draft", "returned", "submitted"]))
        if chosen is not None:
            services.activity_trash(actor=self.s.user("secretariat"), activity=chosen)

    def restore(self) -> None:
        chosen = self.pick(
            Activity.all_objects.filter(program=self.s.program, deleted_at__isnull=False).order_by(
                "pk"
            )
        )
        if chosen is None:
            return
        try:
            with transaction.atomic():
                services.activity_restore(actor=self.s.user("secretariat"), activity=chosen)
        except ValidationError:  # its series has another open revision meanwhile
            return

    def step(self, n: int, op: str) -> None:
        actions = {
            "approve_new": lambda: self.new(n, approve=True),
            "submit_new": lambda: self.new(n, approve=False),
            "approve_pending": lambda: self.decide(approve=True),
            "return_pending": lambda: self.decide(approve=False),
            "revise": self.revise,
            "confirm_credit": self.confirm_credit,
            "credit_add_remove": self.credit_add_remove,
            "trash": self.trash,
            "restore": self.restore,
        }
        actions[op]()


@given(data=st.data())
@SETTINGS
def test_rollups_equal_raw_after_random_changes(s, world, data):
    with transaction.atomic():
        run = _Run(s, places(world), data)
        steps = data.draw(st.lists(st.sampled_from(OPERATIONS), min_size=3, max_size=12))
        for n, op in enumerate(["approve_new", *steps]):
            run.step(n, op)
            _assert_rollups_equal_raw(s)
        assert rollups.is_built(s.program.pk)
        _assert_rebuild_equals_incremental(s)
        transaction.set_rollback(True)
