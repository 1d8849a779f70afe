"""The dashboard's panels kept under the figures versions they were read from: a repeated
read of unchanged figures is one query, and the next read after any change shows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from phoihop.activities.tests import factories as f
from phoihop.dashboard import panels
from phoihop.figures import cache as figures_cache
from phoihop.figures import rollups
from phoihop.programs.models import ProgramContent

pytestmark = pytest.mark.django_db


def _rows(board: panels.Board, key: str) -> list[list[Any]]:
    table = next(b.table for b in board.blocks if b.table.key == key)
    return [[str(v) for v in row] for row in table.rows]


def _html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_repeated_read_is_served_and_every_change_is_shown_by_the_next(
    s, django_assert_num_queries
):
    secretariat = s.user("secretariat")
    f.approved(s)
    assert rollups.is_built(s.program.pk)
    first = panels.dashboard(secretariat, s.program)
    assert first.totals.activities == 1
    with django_assert_num_queries(1):  # the versions of the programs the panels read
        panels._panels(s.program, None, False)
    again = panels.dashboard(secretariat, s.program)
    assert again.blocks[0] is first.blocks[0]

    f.approved(s, title="Lần hai")  # an approval
    board = panels.dashboard(secretariat, s.program)
    assert board.totals.activities == 2
    assert [s.world.org_a.name, "2"] == _rows(board, "organizations")[0][:2]

    s.content.title = "Nội dung đã sửa tên"  # reference data of the program
    s.content.save()
    board = panels.dashboard(secretariat, s.program)
    assert "Nội dung đã sửa tên" in {row[0] for row in _rows(board, "years")}

    s.world.org_a.name = "Tên mới của tổ chức A"  # names shared by every program
    s.world.org_a.save()
    board = panels.dashboard(secretariat, s.program)
    assert _rows(board, "organizations")[0][0] == "Tên mới của tổ chức A"

    with translation.override("en"):  # each language its own panels
        english = panels.dashboard(secretariat, s.program)
    assert english.blocks[0].table.title != board.blocks[0].table.title
    assert panels.dashboard(secretariat, s.program).blocks[0] is board.blocks[0]


def test_the_year_over_year_follows_the_previous_programs_figures(s, world):
    f.approved(s)
    old = s.program
    new = f.program(world, year=f.YEAR + 1)
    new.previous = old
    new.save()
    content = ProgramContent.objects.create(
        program=new, title=s.content.title, lead=world.org_a, order=1, lineage=s.content
    )
    content.target_groups.set([s.cadres, s.people])
    day = f.DAY.replace(year=f.YEAR + 1)
    f.approved(s, program=new, content=content, values={}, start_date=day, end_date=day)
    assert rollups.is_built(new.pk)
    leader = s.user("leader")

    def last_year() -> str:
        return _rows(panels.dashboard(leader, new), "years")[0][2]

    assert last_year() == "1"
    assert last_year() == "1"  # served
    f.approved(s, title="Năm trước, lần hai")  # last year's program changes
    assert last_year() == "2"


def test_the_page_after_an_approval_shows_it(s, client_for):
    client = client_for("secretariat")
    f.approved(s)
    html = _html(client.get(reverse("dashboard:dashboard")))
    assert '<span class="value">250</span>' in html
    hits = figures_cache.stats.hits
    _html(client.get(reverse("dashboard:dashboard")))
    assert figures_cache.stats.hits > hits
    f.approved(s, title="Lần hai")
    html = _html(client.get(reverse("dashboard:dashboard")))
    assert '<span class="value">500</span>' in html


def test_the_tables_rows_are_escaped_and_written_as_the_language_writes_numbers(s, client_for):
    s.world.org_a.name = "Hội <b>Cựu chiến binh</b> & Đoàn"
    s.world.org_a.save()
    f.approved(s)
    html = _html(client_for("secretariat").get(reverse("dashboard:dashboard")))
    assert "Hội &lt;b&gt;Cựu chiến binh&lt;/b&gt; &amp; Đoàn" in html
    assert "<b>Cựu chiến binh</b>" not in html
    # The funding of the month (5,000,000 + 2,500,000 đồng) grouped the Vietnamese way.
    assert '<td class="num">7.500.000</td>' in html
    summary = reverse("dashboard:organization", args=[s.world.org_a.pk])
    assert f'<a href="{summary}?program={s.program.pk}">' in html
