"""The semantics of docs/figures.md, one rule at a time (computed from the raw rows and,
once approvals have built them, from the rollups: both must say the same)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from phoihop.activities import services
from phoihop.activities.tests import factories as f
from phoihop.core import clock
from phoihop.figures import selectors
from phoihop.figures import types as ft
from phoihop.figures.tests.support import by_b, confirm, places
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.programs.choices import Aggregation, Frequency, Unit
from phoihop.programs.models import Program, ProgramContent, Target

pytestmark = pytest.mark.django_db
D = Decimal


def _day(month: int, day: int = 15) -> datetime.date:
    return datetime.date(f.YEAR, month, day)


def _at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(f.YEAR, month, day, 9, tzinfo=datetime.UTC)


def test_only_the_current_approved_revision_counts(s):
    f.report(s)  # a draft
    f.submitted(s, title="Chờ duyệt")
    returned = f.submitted(s, title="Bị trả lại")
    services.activity_return(actor=s.user("secretariat"), activity=returned, reason="Thiếu ảnh")
    first = f.approved(s, title="Đã duyệt")
    assert selectors.program_figures(s.program).total.activities == 1
    preview = selectors.program_figures(s.program, include_submitted=True)
    assert preview.total.activities == 2
    assert preview.source == ft.RAW

    revision = services.activity_revise(actor=s.user("focal_a"), activity=first)
    services.activity_update(
        actor=s.user("focal_a"),
        activity=revision,
        expected_version=revision.version,
        participants={s.cadres: 5},
    )
    before = selectors.program_figures(s.program)
    assert before.total.participants == 250  # the approved one keeps counting
    revision.refresh_from_db()
    revision = services.activity_submit(actor=s.user("focal_a"), activity=revision)
    preview = selectors.program_figures(s.program, include_submitted=True)
    # The submitted revision replaces its approved one in a preview; plus "Chờ duyệt".
    assert preview.total.activities == 2
    assert preview.total.participants == 5 + 250
    services.activity_approve(actor=s.user("secretariat"), activity=revision)
    after = selectors.program_figures(s.program)
    assert after.total.activities == 1
    assert after.total.participants == 5
    assert after.source == ft.ROLLUP


def test_organization_is_a_credit_dimension(s):
    shared = f.approved(s, co_organizations=[s.world.org_b])
    f.approved(s, **by_b(s, title="Báo cáo riêng của B"))
    figures = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
    a, b = s.world.org_a.pk, s.world.org_b.pk
    # B has not confirmed its credit yet: only its own report.
    assert figures.row(b).measures.activities == 1
    confirm(s, shared, s.world.org_b)
    figures = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
    assert figures.total.activities == 2
    assert figures.row(a).measures.activities == 1
    assert figures.row(b).measures.activities == 2
    assert figures.row(b).measures.participants == 250 + 30
    assert not figures.parts_add_up
    assert sum(r.measures.activities or 0 for r in figures.rows) == 3  # more than the total
    only_b = selectors.program_figures(s.program, organizations=[s.world.org_b])
    assert only_b.total.activities == 2
    both = selectors.program_figures(s.program, organizations=[a, b], by=(ft.ORGANIZATION,))
    assert both.total.activities == 2  # each report once
    assert both.source == ft.RAW
    assert selectors.program_figures(s.program, by=(ft.CONTENT,)).parts_add_up


def test_indicators_aggregate_by_their_kind(s):
    biggest = f.indicator(s.content, name="Quy mô lớn nhất", aggregation=Aggregation.MAX)
    last = f.indicator(s.content, name="Số hộ hiện có", unit=Unit.HOUSEHOLD, aggregation="latest")
    for month, sessions, big, latest, ratio in (
        (3, 2, 40, 100, (D(45), D(60))),
        (5, 3, 90, 120, (D(10), D(40))),
        (4, 4, 70, 999, (D(5), D(0.5))),
    ):
        f.approved(
            s,
            start_date=_day(month),
            end_date=_day(month),
            values={s.sessions: sessions, biggest: big, last: latest, s.ratio: ratio},
        )
    total = selectors.program_figures(s.program).total.indicators
    assert total[s.sessions.pk].result == 9
    assert total[biggest.pk].result == 90
    assert total[last.pk].result == 120  # the report that ended last (May)
    # Σ numerators ÷ Σ denominators × 100 (unit %), not the mean of 75 %, 25 %, 1000 %.
    assert total[s.ratio.pk].result == D("59.70")
    assert total[s.ratio.pk].numerator == 60
    assert total[s.ratio.pk].denominator == D("100.5")
    assert total[s.other_indicator.pk].result is None  # nothing reported: not 0
    assert total[s.other_indicator.pk].reports == 0


def test_achievement_and_targets(s):
    Target.objects.create(indicator=s.sessions, organization=s.world.org_a, value=D(10))
    Target.objects.create(indicator=s.sessions, organization=s.world.org_b, value=D(5))
    Target.objects.create(indicator=s.other_indicator, value=D(0))
    f.approved(s, values={s.sessions: 3, s.ratio: (D(1), D(2))})
    figures = selectors.program_figures(s.program, by=(ft.ORGANIZATION,))
    sessions = figures.total.indicators[s.sessions.pk]
    assert sessions.target == 15  # no overall target: the organizations' summed
    assert sessions.achievement == D("20.0")
    a_row = figures.row(s.world.org_a.pk).measures.indicators[s.sessions.pk]
    assert (a_row.target, a_row.achievement) == (10, D("30.0"))
    ratio = figures.total.indicators[s.ratio.pk]
    assert ratio.target is None
    assert ratio.achievement is None
    assert not ratio.has_target
    houses = figures.total.indicators[s.other_indicator.pk]
    assert houses.achievement is None  # a zero target is "no target", not ∞
    Target.objects.create(indicator=s.sessions, value=D(12))
    assert selectors.program_figures(s.program).total.indicators[s.sessions.pk].target == 12
    by_commune = selectors.program_figures(s.program, by=(ft.COMMUNE,))
    assert by_commune.rows[0].measures.indicators[s.sessions.pk].target is None
    assert ft.achievement_percent(None, D(4)) == D("0.0")


def test_localities_recorded_and_current(s, world):
    p = places(world)
    for commune in p.communes:
        f.approved(s, locality=commune, participants={s.cadres: 10})
    f.approved(s, locality=p.district, participants={s.cadres: 1})
    recorded = selectors.program_figures(s.program, by=(ft.COMMUNE,))
    assert {r.key[0]: r.measures.participants for r in recorded.rows} == {
        p.whole.pk: 10,
        p.deep.pk: 10,
        p.split.pk: 10,
        None: 1,  # a district-level report has no commune
    }
    assert not recorded.approximate
    districts = selectors.program_figures(s.program, by=(ft.DISTRICT, ft.PROVINCE))
    assert [(r.key, r.measures.participants) for r in districts.rows] == [
        ((p.district.pk, p.province.pk), 31)
    ]
    assert districts.rows[0].labels == ("Huyện Mai Châu", "Tỉnh Hoà Bình")
    current = selectors.program_figures(s.program, by=(ft.COMMUNE,), current_units=True)
    rows = {r.key[0]: r.measures for r in current.rows}
    assert rows[None].participants == 1
    assert rows[p.new_a.pk].participants == 30  # the split commune went to its first successor
    assert rows[p.new_a.pk].approximate
    assert current.approximate
    provinces = selectors.program_figures(s.program, by=(ft.PROVINCE,), current_units=True)
    assert [(r.key, r.measures.participants, r.measures.approximate) for r in provinces.rows] == [
        ((p.new_province.pk,), 31, False)
    ]


def test_area_classification_is_a_partition(s, world):
    p = places(world)
    f.approved(s, locality=p.deep, participants={s.cadres: 10})
    f.approved(s, locality=p.split, start_date=_day(3), end_date=_day(3))  # before border status
    f.approved(s, locality=p.split, start_date=_day(7), end_date=_day(7))
    figures = selectors.program_figures(s.program, by=(ft.AREA,))
    assert {r.key[0]: r.measures.activities for r in figures.rows} == {
        "": 1,
        "deep+remote": 1,
        "border": 1,
    }
    assert figures.row("deep+remote").labels[0].count(",") == 1
    share = selectors.area_share(s.program)
    kinds = {k.kind: k.measures.activities for k in share.kinds}
    assert kinds == {"deep": 1, "remote": 1, "border": 1, "dbkk": 0}
    assert share.classified.activities == 2
    assert share.unclassified.activities == 1
    assert share.classified.participants + share.unclassified.participants == (
        share.total.participants
    )


def test_dates_select_by_start_date_and_target_groups_split_participants(s):
    f.approved(s, start_date=_day(1, 31), end_date=_day(2, 2))
    f.approved(s, start_date=_day(2, 1), end_date=_day(2, 1))
    f.approved(s, start_date=_day(7, 1), end_date=_day(7, 1))
    half = selectors.program_figures(s.program, date_from=_day(1, 1), date_to=_day(6, 30))
    assert half.total.activities == 2
    assert half.source == ft.ROLLUP
    later = selectors.program_figures(s.program, date_from=_day(2, 1), date_to=_day(6, 30))
    assert later.total.activities == 1
    odd = selectors.program_figures(s.program, date_from=_day(1, 31), date_to=_day(6, 29))
    assert odd.total.activities == 2
    assert odd.source == ft.RAW
    groups = selectors.program_figures(s.program, by=(ft.TARGET_GROUP,))
    assert {r.key: r.measures.participants for r in groups.rows} == {
        (s.cadres.pk,): 120,
        (s.people.pk,): 630,
    }
    assert groups.rows[0].measures.funding is None
    trend = selectors.monthly_trend(s.program)
    assert len(trend) == 12
    assert [p.measures.activities for p in trend[:3]] == [1, 1, 0]


def test_completeness_and_timeliness(s):
    s.program.reporting_frequency = Frequency.QUARTER
    s.program.deadline_days = 10
    s.program.save()
    with clock.frozen_at(_at(4, 5)):
        f.submitted(s, start_date=_day(2), end_date=_day(2))  # Q1, on time
    with clock.frozen_at(_at(7, 20)):
        f.submitted(s, start_date=_day(5), end_date=_day(5))  # Q2, late
    with clock.frozen_at(_at(4, 1)):
        services.nil_report_create(
            actor=s.user("focal_b"),
            program=s.program,
            organization=s.world.org_b,
            period_start=_day(1, 1),
            period_end=_day(3, 31),
        )
    result = selectors.completeness(s.program, as_of=_day(8, 1))
    assert [p.deadline for p in result.periods] == [
        _day(4, 10),
        _day(7, 10),
        _day(10, 10),
        datetime.date(f.YEAR + 1, 1, 10),
    ]
    a = next(o for o in result.organizations if o.organization_id == s.world.org_a.pk)
    b = next(o for o in result.organizations if o.organization_id == s.world.org_b.pk)
    assert [x.status for x in a.slots] == [
        ft.RECEIVED_ON_TIME,
        ft.RECEIVED_LATE,
        "not_due",
        ft.NOT_DUE,
    ]
    assert (a.expected, a.received, a.on_time) == (2, 2, 1)
    assert a.reporting_rate == 100
    assert a.on_time_rate == 50
    assert b.slots[0].nil_report
    assert b.slots[0].status == ft.RECEIVED_ON_TIME
    assert (b.expected, b.received) == (2, 1)
    assert [(m.organization_id, m.period.start) for m in result.missing] == [
        (s.world.org_b.pk, _day(4, 1))
    ]
    assert (result.expected, result.received, result.on_time) == (4, 3, 2)
    q2 = selectors.completeness(s.program, period=result.periods[1], as_of=_day(8, 1))
    assert len(q2.periods) == 1
    assert q2.expected == 2
    s.program.reporting_frequency = Frequency.MONTH
    assert len(selectors.reporting_periods(s.program)) == 12


def test_year_over_year_through_lineage(s, world):
    f.approved(
        s, values={s.sessions: 4, s.ratio: (D(1), D(2))}, start_date=_day(3), end_date=_day(3)
    )
    f.approved(
        s, values={s.sessions: 6, s.ratio: (D(1), D(2))}, start_date=_day(9), end_date=_day(9)
    )
    old = s.program
    new = f.program(world, year=f.YEAR + 1)
    new.previous = old
    new.save()
    content = ProgramContent.objects.create(
        program=new, title=s.content.title, lead=world.org_a, order=1, lineage=s.content
    )
    sessions = f.indicator(content, name="Buổi tuyên truyền", unit=Unit.SESSION)
    sessions.lineage = s.sessions
    sessions.save()
    fresh = f.indicator(content, name="Chỉ tiêu mới")
    lines = selectors.indicator_summary(new, date_from=datetime.date(f.YEAR + 1, 1, 1))
    by_id = {line.indicator.indicator_id: line for line in lines}
    assert by_id[sessions.pk].previous_result == 10
    assert by_id[sessions.pk].indicator.result is None
    assert by_id[fresh.pk].previous_result is None
    half = selectors.indicator_summary(
        new, date_from=datetime.date(f.YEAR + 1, 1, 1), date_to=datetime.date(f.YEAR + 1, 6, 30)
    )
    assert {line.indicator.indicator_id: line.previous_result for line in half}[sessions.pk] == 4
    yoy = selectors.year_over_year(new)
    assert yoy.previous_program_id == old.pk
    assert yoy.contents[0].previous is not None
    assert yoy.contents[0].previous.activities == 2
    assert yoy.contents[0].current.activities == 0


def test_practices_summary(s, world):
    secretariat = s.user("secretariat")
    practice = Practice(
        owner=world.org_a, content=s.content, title="Mô hình Dân vận khéo", started_on=_day(2)
    )
    practice.full_clean()
    practice.save()
    Evaluation.objects.create(
        practice=practice,
        evaluated_on=_day(6),
        evaluator="BCĐ",
        criteria="Hiệu quả",
        score=D(80),
        recorded_by=secretariat,
    )
    Evaluation.objects.create(
        practice=practice,
        evaluated_on=_day(9),
        evaluator="BCĐ",
        criteria="Hiệu quả",
        score=D(90),
        recorded_by=secretariat,
    )
    Replication.objects.create(
        practice=practice, locality=world.commune, organization=world.org_b, since=_day(8)
    )
    summary = selectors.practices_summary(world.committee, program=s.program)
    assert (summary.total, summary.evaluated, summary.evaluations) == (1, 1, 2)
    assert summary.average_score == D("85.00")
    assert summary.replicated == 1
    assert summary.replication_localities == 1
    half = selectors.practices_summary(world.committee, date_from=_day(1, 1), date_to=_day(6, 30))
    assert (half.started, half.evaluations, half.replications) == (1, 1, 0)


def test_visible_program_hides_other_committees(s):
    assert selectors.visible_program(s.user("focal_a"), s.program.pk) == s.program
    with pytest.raises(Http404):
        selectors.visible_program(s.user("other_secretariat"), s.program.pk)
    with pytest.raises(Http404):
        selectors.visible_program(s.user("focal_a"), Program.all_objects.count() + 99)


def test_results_serialize(s):
    f.approved(s)
    data = selectors.program_figures(s.program, by=(ft.MONTH,)).as_dict()
    assert data["rows"][0]["key"] == ["2023-03-01"]
    assert data["total"]["indicators"][str(s.sessions.pk)]["result"] == "3.00"
    with pytest.raises(ValueError, match="dimensions"):
        selectors.program_figures(s.program, by=("colour",))


def test_rows_sort_the_same_by_the_plain_key():
    keys = [
        (2, None, "deep"),
        (1, 5, ""),
        (None, 5, "remote"),
        (1, None, "deep+remote"),
        (1, 3, "deep"),
        (None, None, ""),
    ]
    assert selectors._sorted(keys) == sorted(keys, key=selectors._sort_key)
    mixed = [(1,), ("a",), (None,), (datetime.date(2023, 1, 1),)]  # kinds mixed: the full key
    assert selectors._sorted(mixed) == sorted(mixed, key=selectors._sort_key)
