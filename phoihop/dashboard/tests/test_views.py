"""The home page by role, the dashboard, the organization summary and the completeness
matrix, through HTTP. Numbers are checked against the figures engine, never recomputed."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from phoihop.activities import services as activity_services
from phoihop.activities.tests import factories
from phoihop.core import clock
from phoihop.figures import cache as figures_cache
from phoihop.figures import selectors as figures
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import ProgramParty

pytestmark = pytest.mark.django_db


def _at(year: int, month: int, day: int):
    return clock.frozen_at(datetime.datetime(year, month, day, 9, 0))  # noqa: DTZ001 - made aware by frozen_at


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_core_home_sends_everyone_to_their_home(client_for):
    response = client_for("focal_a").get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")


def test_focal_home_shows_drafts_returned_reports_and_deadlines(s, client_for):
    factories.report(s, title="Bản nháp hội thi tìm hiểu pháp luật")
    sent = factories.submitted(s, title="Báo cáo thiếu ảnh")
    activity_services.activity_return(
        actor=s.user("secretariat"), activity=sent, reason="Bổ sung ảnh hoạt động"
    )
    html = _html(client_for("focal_a").get(reverse("dashboard:home")))
    assert "Bản nháp hội thi tìm hiểu pháp luật" in html
    assert "Báo cáo thiếu ảnh" in html
    assert "Bổ sung ảnh hoạt động" in html
    # The 2023 program's periods are long past and org A has reported nothing: missing.
    assert "Hạn nộp" in html
    assert "đã quá hạn 10/01/2024" in html
    # The contents org A works on, with its progress lines.
    assert s.content.title in html
    assert s.sessions.name in html

    other = _html(client_for("focal_b").get(reverse("dashboard:home")))
    assert "Bản nháp hội thi tìm hiểu pháp luật" not in other
    assert "Bổ sung ảnh hoạt động" not in other


def test_secretariat_home_shows_queue_missing_reports_and_signing(s, client_for, world):
    factories.submitted(s, title="Chờ Thường trực duyệt")
    signing = factories.program(world, year=2024, status=ProgramStatus.SIGNING)
    for order, org in enumerate((world.org_a, world.org_b)):
        party = ProgramParty(program=signing, organization=org, order=order)
        party.full_clean()
        party.save()
    html = _html(client_for("secretariat").get(reverse("dashboard:home")))
    assert "Chờ Thường trực duyệt" in html
    assert "Chờ duyệt" in html
    assert "Báo cáo thiếu và nộp muộn" in html
    assert "Hội Chữ thập đỏ tỉnh Hòa Bình" in html  # a missing slot of org B
    assert "Tình hình ký kết" in html
    assert html.count("chưa ký") == 2

    # Another committee's secretariat sees none of it.
    other = _html(client_for("other_secretariat").get(reverse("dashboard:home")))
    assert "Chờ Thường trực duyệt" not in other


def test_the_leaders_home_is_the_dashboard(s, client_for):
    factories.approved(s)
    html = _html(client_for("leader").get(reverse("dashboard:home")))
    assert "<h1>Bảng điều khiển</h1>" in html
    assert 'src="data:image/svg+xml;base64,' in html


def test_the_dashboard_figure_changes_when_a_report_is_approved(s, client_for):
    client = client_for("leader")
    report = factories.submitted(s)
    before = figures.program_figures(s.program).total
    assert before.activities == 0
    html = _html(client.get(reverse("dashboard:dashboard")))
    activity_services.activity_approve(actor=s.user("secretariat"), activity=report)
    after = figures.program_figures(s.program).total
    assert after.participants == 250  # the factory's 40 + 210
    html_after = _html(client.get(reverse("dashboard:dashboard")))
    assert '<span class="value">250</span>' in html_after
    assert '<span class="value">250</span>' not in html


def test_every_chart_has_its_table_and_exports(s, client_for):
    factories.approved(s)
    html = _html(client_for("secretariat").get(reverse("dashboard:dashboard")))
    for key in ("progress", "organizations", "localities", "areas", "trend", "years"):
        assert f'id="chart-{key}"' in html
        assert reverse("dashboard:export", args=[key, "csv"]) in html
        assert reverse("dashboard:export", args=[key, "xlsx"]) in html
    assert html.count("<table") >= 6
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_organization_table_says_co_organized_activities_count_for_each(s, client_for):
    report = factories.approved(s, co_organizations=[s.world.org_b])
    credit = report.credits.get(organization=s.world.org_b)
    activity_services.credit_confirm(actor=s.user("focal_b"), credit=credit)
    response = client_for("secretariat").get(
        reverse("dashboard:export", args=["organizations", "csv"])
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Tổ chức"
    by_org = figures.program_figures(s.program, by=("organization",))
    assert {r[0]: int(r[1]) for r in rows[1:]} == {
        row.labels[0]: row.measures.activities for row in by_org.rows
    }
    # One report, counted for each of the two organizations.
    assert len(rows) == 3
    assert by_org.total.activities == 1
    html = _html(client_for("secretariat").get(reverse("dashboard:dashboard")))
    assert "tính cho mỗi tổ chức được ghi nhận" in html
    # Each organization's name leads to its summary.
    assert reverse("dashboard:organization", args=[s.world.org_b.pk]) in html


def test_exports_are_the_tables_in_csv_and_xlsx(s, client_for):
    factories.approved(s)
    client = client_for("secretariat")
    response = client.get(reverse("dashboard:export", args=["progress", "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Nội dung", "Chỉ tiêu"]
    lines = figures.indicator_summary(s.program)
    assert sheet.max_row >= len(lines) + 1
    assert sheet.cell(row=2, column=2).value == lines[0].indicator.name
    assert client.get(reverse("dashboard:export", args=["nothing", "csv"])).status_code == 404
    assert client.get(reverse("dashboard:export", args=["progress", "pdf"])).status_code == 404


def test_a_focal_point_sees_only_their_organizations_figures(s, client_for):
    factories.approved(s)  # org A's report, not credited to org B
    html = _html(client_for("focal_b").get(reverse("dashboard:dashboard")))
    assert "Chỉ tính số liệu của tổ chức của đồng chí." in html
    mine = figures.program_figures(s.program, organizations=[s.world.org_b.pk]).total
    assert mine.participants == 0
    assert '<span class="value">250</span>' not in html
    # Nor may they export another organization's figures.
    url = reverse("dashboard:export", args=["trend", "csv"]) + f"?organization={s.world.org_a.pk}"
    assert client_for("focal_b").get(url).status_code == 404
    assert client_for("focal_a").get(url).status_code == 200


def test_localities_onto_current_units_on_demand(s, client_for):
    factories.approved(s)
    client = client_for("secretariat")
    plain = _html(client.get(reverse("dashboard:dashboard")))
    assert "Thị trấn Mai Châu" in plain
    current = _html(client.get(reverse("dashboard:dashboard") + "?current=1"))
    assert "đơn vị hiện nay" in current


def test_completeness_matrix_marks_on_time_late_missing_and_nil(s, client_for, world):
    with _at(2023, 4, 5):
        factories.submitted(s)  # Q1, before the 10/04 deadline: on time
        activity_services.nil_report_create(
            actor=s.user("focal_b"),
            program=s.program,
            organization=world.org_b,
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 3, 31),
        )
    with _at(2023, 8, 1):
        factories.submitted(
            s, start_date=datetime.date(2023, 5, 2), end_date=datetime.date(2023, 5, 2)
        )
    with _at(2023, 10, 20):
        html = _html(client_for("secretariat").get(reverse("dashboard:completeness")))
    result = figures.completeness(s.program, as_of=datetime.date(2023, 10, 20))
    org_a = next(o for o in result.organizations if o.organization_id == world.org_a.pk)
    assert [slot.status for slot in org_a.slots] == ["on_time", "late", "missing", "not_due"]
    assert 'class="on_time"' in html
    assert 'class="late"' in html
    assert 'class="missing"' in html
    assert 'class="not_due"' in html
    assert "Hội Chữ thập đỏ tỉnh Hòa Bình" in html
    assert '<td class="on_time">\n' in html or ">0<" in html.replace(" ", "").replace("\n", "")

    with _at(2023, 10, 20):
        response = client_for("secretariat").get(reverse("dashboard:completeness") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_name = {r[0]: r for r in rows[1:]}
    assert "không phát sinh" in by_name["Hội Chữ thập đỏ tỉnh Hòa Bình"][1]
    assert by_name["Bộ Chỉ huy Quân sự tỉnh Hòa Bình"][1].startswith("đúng hạn")


def test_organization_summary(s, client_for, world):
    factories.approved(s)
    html = _html(
        client_for("focal_a").get(reverse("dashboard:organization", args=[world.org_a.pk]))
    )
    assert world.org_a.name in html
    assert "Kỳ báo cáo" in html
    assert reverse("dashboard:export", args=["progress", "csv"]) + "?committee=" in html
    assert (
        client_for("focal_a")
        .get(reverse("dashboard:organization", args=[world.org_b.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "name", ["dashboard:dashboard", "dashboard:completeness", "dashboard:home"]
)
def test_pages_read_a_fixed_number_of_queries(s, client_for, django_assert_max_num_queries, name):
    factories.approved(s)
    client = client_for("secretariat")
    client.get(reverse(name))  # warm the caches of content types and sessions
    # Each figures call reads a fixed handful of tables; the dashboard makes about ten.
    # Both reads are measured uncached (a cached figures read is one query).
    figures_cache.clear()
    with django_assert_max_num_queries(100) as first:
        _html(client.get(reverse(name)))
    for day in range(1, 8):
        factories.approved(
            s,
            start_date=datetime.date(2023, 6, day),
            end_date=datetime.date(2023, 6, day),
            co_organizations=[s.world.org_b],
        )
    figures_cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        _html(client.get(reverse(name)))


def test_a_focal_point_reports_nothing_for_a_period_from_the_home_page(s, client_for, world):
    client = client_for("focal_b")
    html = _html(client.get(reverse("dashboard:home")))
    assert "Không có hoạt động" in html
    data = {"program": s.program.pk, "organization": world.org_b.pk, "period": "2023-04-01"}
    with _at(2023, 7, 5):
        response = client.post(reverse("dashboard:nil_report"), data)
    assert response.status_code == 302
    result = figures.completeness(s.program, as_of=datetime.date(2023, 7, 20))
    org_b = next(o for o in result.organizations if o.organization_id == world.org_b.pk)
    q2 = org_b.slots[1]
    assert (q2.nil_report, q2.status) == (True, "on_time")
    # Not for another organization, nor for a period the program does not have.
    assert (
        client.post(
            reverse("dashboard:nil_report"), {**data, "organization": world.org_a.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("dashboard:nil_report"), {**data, "period": "2023-04-02"}).status_code
        == 404
    )
    # A period with a submitted report cannot be nil: the service says why.
    factories.submitted(s, actor=s.user("focal_a"))
    response = client_for("focal_a").post(
        reverse("dashboard:nil_report"),
        {**data, "organization": world.org_a.pk, "period": "2023-01-01"},
        follow=True,
    )
    assert "đã báo cáo" in response.content.decode()


def test_a_successor_committees_secretariat_reads_the_predecessors_figures(s, client_for, world):
    from phoihop.orgs.models import Committee

    factories.approved(s)
    Committee.objects.filter(pk=world.committee.pk).update(successor=world.other_committee)
    client = client_for("other_secretariat")
    # Their own committee comes first; the predecessor can be chosen, read-only.
    home = _html(client.get(reverse("dashboard:home")))
    assert world.other_committee.name in home
    url = reverse("dashboard:dashboard") + f"?committee={world.committee.pk}"
    html = _html(client.get(url))
    assert s.program.title in html
    assert '<span class="value">250</span>' in html
    # Nothing to approve there.
    html = _html(client.get(reverse("dashboard:home") + f"?committee={world.committee.pk}"))
    assert "Chờ duyệt" not in html


def test_long_tables_show_their_first_rows_and_export_them_all(s, client_for, monkeypatch):
    from phoihop.dashboard import panels

    monkeypatch.setattr(panels, "PAGE_ROWS", 1)
    report = factories.approved(s, co_organizations=[s.world.org_b])
    credit = report.credits.get(organization=s.world.org_b)
    activity_services.credit_confirm(actor=s.user("focal_b"), credit=credit)
    html = _html(client_for("secretariat").get(reverse("dashboard:dashboard")))
    assert "Còn 1 dòng nữa trong tệp xuất." in html
    response = client_for("secretariat").get(
        reverse("dashboard:export", args=["organizations", "csv"])
    )
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 3  # header + 2
