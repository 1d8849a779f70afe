"""The versioned result cache: a repeated read of unchanged figures is one query, and
after every kind of change the next read shows the new figures (never a stale one)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from phoihop.activities import services
from phoihop.activities.models import Credit, Funding
from phoihop.activities.tests import factories as f
from phoihop.figures import cache, rollups, selectors
from phoihop.figures import types as ft
from phoihop.programs.models import Target

pytestmark = pytest.mark.django_db

READS: list[dict[str, Any]] = [
    {},
    {"by": (ft.CONTENT, ft.ORGANIZATION, ft.COMMUNE)},
    {"by": (ft.COMMUNE,)},
    {"by": (ft.AREA,)},
    {"by": (ft.ORGANIZATION,), "date_from": datetime.date(f.YEAR, 1, 1)},
]


def _raw(program: Any, **kwargs: Any) -> ft.Breakdown:
    return selectors._program_figures(
        program,
        by=tuple(kwargs.get("by", ())),
        date_from=kwargs.get("date_from"),
        date_to=kwargs.get("date_to"),
        include_submitted=False,
        orgs=None,
        content_ids=None,
        current_units=False,
        built=False,
    )


def _fresh_summary(program: Any) -> tuple[ft.IndicatorLine, ...]:
    return selectors._indicator_summary(
        program, date_from=None, date_to=None, include_submitted=False, orgs=None, content_ids=None
    )


def _served(s: f.Setup) -> ft.Breakdown:
    """Every cached read equals the one computed now; the total as served."""
    for kwargs in READS:
        served = selectors.program_figures(s.program, **kwargs)
        assert served.source == ft.ROLLUP
        assert dataclasses.replace(served, source=ft.RAW) == _raw(s.program, **kwargs), kwargs
    assert selectors.indicator_summary(s.program) == _fresh_summary(s.program)
    return selectors.program_figures(s.program)


def test_every_kind_of_change_is_shown_by_the_next_read(s):
    from phoihop.geo import services as geo
    from phoihop.geo.choices import AreaKind

    secretariat = s.user("secretariat")
    first = f.approved(s)
    assert rollups.is_built(s.program.pk)
    assert _served(s).total.activities == 1
    _served(s)  # now from the cache

    f.approved(s, title="Lần hai")  # approval
    assert _served(s).total.activities == 2

    pending = f.submitted(s, title="Chờ duyệt")  # a return changes nothing counted
    services.activity_return(actor=secretariat, activity=pending, reason="Thiếu số liệu")
    assert _served(s).total.activities == 2

    focal = s.user("focal_a")  # a revision approved replaces the approved one
    revision = services.activity_revise(actor=focal, activity=first)
    services.activity_update(
        actor=focal,
        activity=revision,
        expected_version=revision.version,
        funding={"own": 1_000_000},
    )
    revision.refresh_from_db()
    revision = services.activity_submit(actor=focal, activity=revision)
    before = _served(s).total.funding
    services.activity_approve(actor=secretariat, activity=revision)
    assert _served(s).total.funding != before

    joint = f.approved(s, title="Phối hợp", co_organizations=[s.world.org_b])  # credits
    by_org = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
    assert by_org.row(s.world.org_b.pk) is None
    credit = Credit.objects.get(activity=joint, organization=s.world.org_b)
    services.credit_confirm(actor=s.user("focal_b"), credit=credit)
    _served(s)
    by_org = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
    assert by_org.row(s.world.org_b.pk) is not None

    # Trash and restore (approved reports cannot be trashed): the returned one, which
    # then counts once approved.
    services.activity_trash(actor=secretariat, activity=pending)
    assert _served(s).total.activities == 3
    pending = services.activity_restore(actor=secretariat, activity=pending)
    assert _served(s).total.activities == 3
    pending = services.activity_submit(actor=pending.created_by, activity=pending)
    services.activity_approve(actor=secretariat, activity=pending)
    assert _served(s).total.activities == 4

    area = geo.area_classification_set(  # area classification
        actor=secretariat, unit=first.locality, kind=AreaKind.BORDER, valid_from=first.start_date
    )
    areas = selectors.program_figures(s.program, by=(ft.AREA,))
    assert "border" in {r.key[0] for r in areas.rows}
    _served(s)
    geo.area_classification_delete(actor=secretariat, classification=area)
    areas = selectors.program_figures(s.program, by=(ft.AREA,))
    assert "border" not in {r.key[0] for r in areas.rows}
    _served(s)

    # Reports changed without the services (a bulk load): the rebuild's new version.
    Funding.objects.filter(activity=joint).update(amount=123_000_000)
    served = selectors.program_figures(s.program).total.funding
    rollups.rebuild(s.program.pk)
    assert _served(s).total.funding != served


def test_edits_of_reference_data_are_shown_by_the_next_read(s):
    f.approved(s)
    lines = selectors.indicator_summary(s.program)
    assert lines[0].indicator.target is None
    Target.objects.create(indicator=s.sessions, organization=None, value=Decimal(10))
    line = selectors.indicator_summary(s.program)[0]
    assert line.indicator.target == Decimal("10.00")
    s.sessions.name = "Buổi sinh hoạt"
    s.sessions.save()
    assert selectors.indicator_summary(s.program)[0].indicator.name == "Buổi sinh hoạt"
    by_org = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
    assert by_org.rows[0].labels == (s.world.org_a.name,)
    s.world.org_a.name = "Hội Nông dân huyện"
    s.world.org_a.save()
    by_org = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
    assert by_org.rows[0].labels == ("Hội Nông dân huyện",)
    s.content.title = "Nội dung mới"
    s.content.save()
    by_content = selectors.program_figures(s.program, by=(ft.CONTENT,))
    assert by_content.row(s.content.pk).labels == ("Nội dung mới",)


def test_a_read_inside_a_transaction_rolled_back_is_never_served(s):
    f.approved(s)
    before = selectors.program_figures(s.program)

    def approve_read_and_fail() -> None:
        with transaction.atomic():
            f.approved(s, title="Lần hai")
            assert selectors.program_figures(s.program).total.activities == 2
            raise RuntimeError

    with pytest.raises(RuntimeError):
        approve_read_and_fail()
    assert selectors.program_figures(s.program) == before
    f.approved(s, title="Lần ba")
    assert _served(s).total.activities == 2


def test_a_repeated_read_of_unchanged_figures_is_the_version_query(s, django_assert_num_queries):
    f.approved(s, co_organizations=[s.world.org_b])
    f.approved(s, title="Lần hai")
    calls = {
        "breakdown": lambda: selectors.program_figures(
            s.program, by=(ft.CONTENT, ft.ORGANIZATION, ft.COMMUNE)
        ),
        "by commune": lambda: selectors.program_figures(s.program, by=(ft.COMMUNE,)),
        "one organization": lambda: selectors.program_figures(
            s.program, by=(ft.MONTH,), organizations=[s.world.org_a]
        ),
        "indicators": lambda: selectors.indicator_summary(s.program),
        "area share": lambda: selectors.area_share(s.program),
    }
    for name, call in calls.items():
        first = call()
        with django_assert_num_queries(1):
            assert call() == first, name


def test_previews_and_programs_not_built_are_not_cached(s, django_assert_max_num_queries):
    f.approved(s)
    f.submitted(s, title="Chờ duyệt")
    preview = selectors.program_figures(s.program, include_submitted=True)
    assert preview.total.activities == 2
    hits = cache.stats.hits
    assert selectors.program_figures(s.program, include_submitted=True) == preview
    assert cache.stats.hits == hits
    from phoihop.figures.models import ProgramRollup

    ProgramRollup.objects.all().delete()
    assert selectors.program_figures(s.program).source == ft.RAW
    assert selectors.program_figures(s.program).source == ft.RAW
    assert cache.stats.hits == hits


def test_cached_results_cannot_be_changed_by_a_caller(s):
    f.approved(s)
    figures = selectors.program_figures(s.program, by=(ft.CONTENT,))
    with pytest.raises(TypeError):
        figures.total.indicators[s.sessions.pk] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        figures.rows[0].measures.funding_by_source["state"] = 0  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        figures.total.activities = 0  # type: ignore[misc]
    assert figures.as_dict()["total"]["funding_by_source"]


def test_labels_follow_the_language(s):
    f.approved(s)
    with translation.override("vi"):
        vi = selectors.area_share(s.program).kinds[0].label
    with translation.override("en"):
        en = selectors.area_share(s.program).kinds[0].label
    assert vi != en


def test_the_cache_is_bounded(s, monkeypatch):
    monkeypatch.setattr(cache._store, "max_entries", 3)
    cache.clear()
    f.approved(s)
    for month in range(1, 8):
        selectors.program_figures(s.program, date_from=datetime.date(f.YEAR, month, 1))
    assert len(cache._store) == 3


def _fresh_completeness(program: Any, as_of: datetime.date) -> ft.Completeness:
    program.refresh_from_db()
    return selectors._completeness(program, None, None, as_of, None)


def test_completeness_is_cached_and_every_change_it_counts_is_shown(s, django_assert_num_queries):
    as_of = datetime.date(f.YEAR + 1, 3, 1)  # every period due
    f.approved(s)  # builds the rollups: the program has a version
    first = selectors.completeness(s.program, as_of=as_of)
    with django_assert_num_queries(1):  # the version query
        assert selectors.completeness(s.program, as_of=as_of) == first
    received = first.received

    def served() -> ft.Completeness:
        found = selectors.completeness(s.program, as_of=as_of)
        assert found == _fresh_completeness(s.program, as_of)
        return found

    july = datetime.date(f.YEAR, 7, 10)  # a quarter without a report yet
    pending = f.submitted(s, start_date=july, end_date=july)  # a submission
    assert served().received == received + 1
    services.activity_return(actor=s.user("secretariat"), activity=pending, reason="Thiếu")
    assert served().received == received + 1  # returned: still received
    services.activity_trash(actor=s.user("secretariat"), activity=pending)
    assert served().received == received
    nil = services.nil_report_create(  # a nil report
        actor=s.user("focal_a"),
        program=s.program,
        organization=s.world.org_a,
        period_start=datetime.date(f.YEAR, 5, 1),
        period_end=datetime.date(f.YEAR, 5, 31),
    )
    assert served().received == received + 1
    services.nil_report_delete(actor=s.user("focal_a"), report=nil)
    assert served().received == received
    before = len(served().organizations)
    s.other_content.co_organizations.add(s.world.other_org)  # expected organizations
    assert len(served().organizations) == before + 1
    s.other_content.co_organizations.remove(s.world.other_org)
    assert len(served().organizations) == before
    # Other arguments are other entries.
    earlier = selectors.completeness(s.program, as_of=datetime.date(f.YEAR, 2, 1))
    assert earlier.expected < served().expected


def test_a_draft_saved_keeps_the_cached_figures(s, django_assert_num_queries):
    f.approved(s)
    first = selectors.program_figures(s.program, by=(ft.CONTENT,))
    f.report(s, title="Bản nháp")  # never submitted: counted nowhere
    with django_assert_num_queries(1):
        assert selectors.program_figures(s.program, by=(ft.CONTENT,)) == first


def _fields(obj):
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def test_results_built_fast_equal_those_of_the_classes():
    value = Decimal("1.50")
    result = ft.IndicatorResult(
        indicator_id=1, content_id=2, name="n", unit="u", aggregation="sum", result=value,
        numerator=value, denominator=None, reports=3, target=None, approximate=True,
    )  # fmt: skip
    fast = ft.indicator_result(1, 2, "n", "u", "sum", value, value, None, 3, None, True)
    assert fast == result
    assert hash(fast) == hash(result)
    assert _fields(fast) == _fields(result)
    measures = ft.Measures(
        activities=1, participants=2, funding=3, funding_by_source={"state": 3},
        indicators={1: result}, approximate=False,
    )  # fmt: skip
    fast_measures = ft.measures(1, 2, 3, {"state": 3}, {1: fast}, False)
    assert _fields(fast_measures) == _fields(measures)
    row = ft.Row(key=(1,), labels=("a",), measures=measures)
    fast_row = ft.row((1,), ("a",), fast_measures)
    assert _fields(fast_row) == _fields(row)
    for built in (fast, fast_measures, fast_row):  # slotted: no __dict__ per object
        assert not hasattr(built, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.reports = 0  # type: ignore[misc]
