"""The one search: folding, glossary both ways, ranking, the index really used, snippets
escaped, the index kept current, and nothing internal found by those who may not see it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from phoihop.core import clock
from phoihop.core.models import Abbreviation
from phoihop.news import services as news
from phoihop.news.tests import support
from phoihop.search import index, views
from phoihop.search.highlight import highlight
from phoihop.search.models import SearchEntry
from phoihop.search.query import fts5_match, index_sql, parse, tsquery
from phoihop.search.selectors import search

pytestmark = pytest.mark.django_db


def titles(user, text):
    return [
        str(h.title).replace("<mark>", "").replace("</mark>", "") for h in search(user, text).hits
    ]


def kinds(user, text):
    return {(h.kind, h.object_id) for h in search(user, text).hits}


@pytest.fixture
def glossary(db):
    Abbreviation.objects.create(short="PHHĐ", expansion="phối hợp hoạt động", folded="")
    return Abbreviation.objects.get()


def test_folded_query_finds_vietnamese_text(world):
    article = support.published_article(world)
    assert article.title in titles(None, "uy ban mat tran")
    assert article.title in titles(None, "ỦY BAN MẶT TRẬN")
    # đ is folded by us (FTS5 never folds it): "dang" finds "Đảng".
    assert article.title in titles(None, "dang uy")
    assert titles(None, "khong co tu nay") == []


def test_glossary_works_both_ways(world, glossary):
    article = support.published_article(world)  # "... sơ kết phối hợp hoạt động"
    assert article.title in titles(None, "PHHĐ")
    assert article.title in titles(None, "phhd")
    editor = world.user("editor")
    other = news.article_create(
        actor=editor,
        committee=world.committee,
        title="Kết quả Chương trình PHHĐ năm 2023",
        lead="Tổng kết.",
    )
    news.article_submit_for_review(actor=editor, article=other)
    news.article_publish(actor=editor, article=other)
    found = titles(None, "phoi hop hoat dong")
    assert other.title in found
    assert article.title in found


def test_query_syntax_cannot_be_injected():
    groups = parse('uy "ban" OR NEAR(mat) tran*')
    assert fts5_match(groups) == '"uy" AND "ban" AND "or" AND "near" AND "mat" AND "tran"*'
    assert tsquery(groups) == "uy & ban & or & near & mat & tran:*"
    assert parse("!!! ???") == []


def test_ranked_title_before_body(world):
    editor = world.user("editor")
    body_only = news.article_create(
        actor=editor, committee=world.committee, title="Tin ngắn", body="<p>hiến máu</p>"
    )
    in_title = news.article_create(
        actor=editor, committee=world.committee, title="Ngày hội hiến máu tình nguyện"
    )
    results = search(editor, "hien mau").hits
    ids = [h.object_id for h in results if h.kind == "article"]
    assert ids.index(in_title.pk) < ids.index(body_only.pk)


def test_snippets_mark_matches_and_escape_the_rest():
    html = highlight("Ủy ban <script>alert(1)</script> Mặt trận", [("mat", "tran")])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Mặt trận</mark>" in html


def test_the_query_uses_the_index(world):
    support.published_article(world)
    groups = parse("uy ban")
    if connection.vendor == "sqlite":
        sql = "EXPLAIN QUERY PLAN SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [fts5_match(groups)])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "VIRTUAL TABLE INDEX" in plan  # the FTS5 index answers the MATCH
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT id FROM search_searchentry "
                "WHERE document @@ to_tsquery('simple', %s)",
                [tsquery(groups)],
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "search_entry_words_gin" in plan
        # A last word, a prefix, is one key of the prefixes index.
        sql, params = index_sql(parse("qu"), now=clock.now(), committees=None, limit=10)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")  # not the newest-first walk
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "search_entry_words_gin" in plan


def test_the_last_word_matches_as_a_prefix(world):
    """As typed: the last word may be the start of a word (on PostgreSQL an exact key of
    the prefixes column, up to 20 characters; a prefix match of the document outside
    that), earlier words match whole words only."""
    article = support.published_article(world)  # "... Tổ quốc tỉnh sơ kết ..."
    assert article.title in titles(None, "mat tran to qu")
    assert article.title in titles(None, "mat tran t")  # one letter
    assert article.title in titles(None, "2022")  # a number, from the body
    assert article.title in titles(None, "hoi ngh")  # the image's alt text
    assert titles(None, "to qu tinh") == []  # "qu" is not the last word
    assert titles(None, "mat tran quoct") == []
    editor = world.user("editor")
    long = news.article_create(
        actor=editor,
        committee=world.committee,
        title="Mã số XABCDEFGHIJKLMNOPQRSTUVWXYZ và VIETNAMDANCHUCONGHOA",
        lead="x",
    )
    news.article_submit_for_review(actor=editor, article=long)
    news.article_publish(actor=editor, article=long)
    assert long.title in titles(None, "ma so xabcdefghijklmnopqrstuvw")  # past 20 letters
    assert long.title in titles(None, "vietnamdanchucongho")
    assert titles(None, "ma so xabcdefghijklmnopqrstuvwz") == []


class TestNothingLeaks:
    def test_drafts_are_found_only_by_their_committee(self, world):
        draft = support.draft_article(world)
        word = "ban bien tap"
        assert ("article", draft.pk) not in kinds(None, word)
        assert ("article", draft.pk) not in kinds(world.user("other_secretariat"), word)
        assert ("article", draft.pk) in kinds(world.user("editor"), word)

    def test_scheduled_articles_appear_only_when_due(self, world):
        editor = world.user("editor")
        article = news.article_create(
            actor=editor, committee=world.committee, title="Thông báo lịch tiếp dân", lead="x"
        )
        news.article_submit_for_review(actor=editor, article=article)
        later = clock.now() + datetime.timedelta(hours=2)
        news.article_publish(actor=editor, article=article, at=later)
        assert titles(None, "lich tiep dan") == []
        with clock.frozen_at(later + datetime.timedelta(minutes=1)):
            assert titles(None, "lich tiep dan") == [article.title]

    def test_unpublished_and_trashed_leave_the_public_index(self, world):
        editor = world.user("editor")
        article = support.published_article(world)
        assert titles(None, "uy ban mat tran")
        news.article_unpublish(actor=editor, article=article)
        assert titles(None, "uy ban mat tran") == []
        news.article_trash(actor=editor, article=article)
        assert not SearchEntry.objects.filter(kind="article", object_id=article.pk).exists()

    def test_programs_public_only_when_published(self, world):
        from phoihop.programs import services as programs

        program = support.published_program(world)
        assert ("program", program.pk) in kinds(None, "tuyen truyen")
        programs.program_unpublish(actor=world.user("secretariat"), program=program)
        assert ("program", program.pk) not in kinds(None, "tuyen truyen")
        assert ("program", program.pk) in kinds(world.user("focal_a"), "tuyen truyen")
        assert ("program", program.pk) not in kinds(world.user("other_secretariat"), "tuyen truyen")

    def test_organizations_only_for_members(self, world):
        assert ("organization", world.org_a.pk) not in kinds(None, "chi huy quan su")
        assert ("organization", world.org_a.pk) in kinds(world.user("focal_b"), "chi huy quan su")
        assert ("organization", world.org_a.pk) not in kinds(
            world.user("other_secretariat"), "chi huy quan su"
        )

    def test_a_stale_public_row_is_still_checked(self, world):
        draft = support.draft_article(world)
        # Even if the index wrongly said it was public, the policy decides.
        SearchEntry.objects.filter(kind="article", object_id=draft.pk).update(
            public_from=clock.now() - datetime.timedelta(days=1)
        )
        assert ("article", draft.pk) not in kinds(None, "ban bien tap")

    def test_search_page_anonymous(self, world):
        support.draft_article(world)
        published = support.published_article(world)
        html = Client().get(reverse("search:search"), {"q": "noi bo"}).content.decode()
        assert "Bản nháp nội bộ" not in html
        html = Client().get(reverse("search:search"), {"q": "uy ban mat tran"}).content.decode()
        assert "<mark>Ủy ban Mặt trận</mark>" in html
        assert (
            reverse("news:article", kwargs={"code": world.committee.code, "slug": published.slug})
            in html
        )


def test_bulk_paths_reindex(world):
    article = support.published_article(world)
    from phoihop.news.models import Article

    Article.objects.filter(pk=article.pk).update(title="Tiêu đề đổi hàng loạt")  # no signal
    assert titles(None, "doi hang loat") == []
    assert index.reindex(Article, [article.pk]) == 1
    assert titles(None, "doi hang loat") == ["Tiêu đề đổi hàng loạt"]
    SearchEntry.objects.all().delete()
    call_command("search_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert titles(None, "doi hang loat") == ["Tiêu đề đổi hàng loạt"]
    assert SearchEntry.objects.filter(kind="organization").count() >= 3


def test_search_page_lists_few_queries(world):
    from django.test.utils import CaptureQueriesContext

    support.published_article(world)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("search:search"), {"q": "hoi nghi"}).status_code == 200
    # The rate limit's count in the database cache is not ours (none with Redis).
    ours = [
        q["sql"]
        for q in queries.captured_queries
        if "phoihop_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert len(ours) <= 8, ours


class TestActivities:
    """Activity reports are never public, approved or not, "not for publication" or not;
    members who may see them find them, their comments are not indexed."""

    def test_activities_only_for_those_who_may_see_them(self, world):
        from phoihop.activities.tests import factories

        s = factories.setup(world)
        secret = factories.approved(
            s, title="Diễn tập khu vực phòng thủ XBIMAT", not_for_publication=True
        )
        draft = factories.report(s, title="Bản nháp báo cáo XNHAP", narrative="Ghi chú XNHAP")
        for activity, word in ((secret, "xbimat"), (draft, "xnhap")):
            assert ("activity", activity.pk) not in kinds(None, word)
            assert ("activity", activity.pk) not in kinds(world.user("other_secretariat"), word)
            assert (
                Client()
                .get(reverse("search:search"), {"q": word})
                .content.decode()
                .count(word.upper())
                == 0
            )
        assert ("activity", secret.pk) in kinds(world.user("secretariat"), "xbimat")
        assert ("activity", draft.pk) in kinds(world.user("focal_a"), "xnhap")
        row = SearchEntry.objects.get(kind="activity", object_id=secret.pk)
        assert row.public_from is None


def result_links(user, text):
    """The links of the result list of the search page, as the user sees it."""
    import re

    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("search:search"), {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    if '<ol class="search-results">' not in html:
        assert "Nothing found" in html or "Không tìm thấy" in html
        return []
    hits = html.split('<ol class="search-results">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', hits)


class TestResultLinks:
    """Results lead to pages the user can open: working pages for signed-in members,
    public pages only for visitors."""

    def test_secretariat_result_leads_to_the_activity_page(self, world):
        from phoihop.activities.tests import factories

        s = factories.setup(world)
        activity = factories.approved(s, title="Diễn tập phòng thủ XLIENKET")
        url = reverse("activities:detail", kwargs={"pk": activity.pk})
        secretariat = world.user("secretariat")
        assert result_links(secretariat, "xlienket") == [url]
        client = Client()
        client.force_login(secretariat)
        assert client.get(url).status_code == 200
        assert result_links(None, "xlienket") == []

    def test_programs_lead_to_the_working_page_or_the_public_one(self, world):
        program = support.published_program(world)
        words = program.title
        public = reverse("news:program", kwargs={"pk": program.pk})
        working = reverse("programs:detail", kwargs={"pk": program.pk})
        support.published_article(world)
        anonymous = result_links(None, words)
        assert public in anonymous
        assert working not in anonymous
        assert working in result_links(world.user("secretariat"), words)
        # Another committee's secretariat finds the public program, not its working page.
        other = result_links(world.user("other_secretariat"), words)
        assert public in other
        assert working not in other

    def test_anonymous_results_lead_only_to_public_pages(self, world):
        support.published_article(world)
        support.published_program(world)
        links = result_links(None, "uy ban")
        assert links
        public_prefixes = (
            reverse("news:programs"),
            reverse("news:article", kwargs={"code": world.committee.code, "slug": "x"})[:-2],
        )
        assert all(link.startswith(public_prefixes) for link in links), links

    def test_organizations_lead_to_their_summary_for_those_who_may_open_it(self, world):
        summary = reverse("dashboard:organization", kwargs={"pk": world.org_a.pk})
        assert summary in result_links(world.user("secretariat"), "chi huy quan su")
        # focal_b finds the organization but reports for another one: no dead link.
        assert ("organization", world.org_a.pk) in kinds(world.user("focal_b"), "chi huy quan su")
        assert summary not in result_links(world.user("focal_b"), "chi huy quan su")


def test_common_queries_rank_the_newest_visible_matches(world):
    """Ranking is bounded to the newest candidates; the committee pre-filter applies
    before the cut, so unseen rows never take a visitor's places."""
    rows = [
        SearchEntry.objects.create(
            kind="bench",
            object_id=i,
            committee_id=world.committee.pk,
            public_from=None if i == 3 else clock.now() - datetime.timedelta(days=1),
            title=f"Tuyên truyền {i}",
            folded_title=f"tuyen truyen {i}",
        )
        for i in range(4)
    ]
    sql, params = index_sql(
        parse("tuyen truyen"), now=clock.now(), committees=[], limit=10, candidates=2
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0] for row in cursor.fetchall()}
    # The newest row is not public: the two newest public ones are ranked.
    assert found == {rows[2].pk, rows[1].pk}


class TestRateLimit:
    """Searches are limited per signed-in user or per client address, in the shared cache
    (phoihop.core.ratelimit); a person searching and paging at a human pace never meets
    the limit."""

    @staticmethod
    def _in_one_window(scenario):
        """Run `scenario(attempt)` within one fixed window of the limit (the count starts
        again in the next one); if the window turned over meanwhile, run it again with
        other clients (`attempt` picks them), whose counts start from zero."""
        import time

        for attempt in range(3):
            slot = int(time.time() // views.SEARCH_WINDOW)
            try:
                scenario(attempt)
            except AssertionError:
                # A failure counts only if the whole run stayed in one window: a count
                # that started again in the middle proves nothing either way.
                if int(time.time() // views.SEARCH_WINDOW) == slot:
                    raise
                continue
            if int(time.time() // views.SEARCH_WINDOW) == slot:
                return
        raise AssertionError("the limit window kept turning over")

    def test_limit_per_address_and_per_user_with_a_vietnamese_429(self, world):
        url = reverse("search:search")

        def scenario(attempt):
            robot = Client(REMOTE_ADDR=f"203.0.113.{attempt + 1}", HTTP_ACCEPT_LANGUAGE="vi")
            for n in range(views.SEARCH_LIMIT):
                assert robot.get(url, {"q": f"uy ban {n}"}).status_code == 200
            refused = robot.get(url, {"q": "uy ban"})
            assert refused.status_code == 429
            assert int(refused["Retry-After"]) >= 1
            assert "Quá nhiều yêu cầu" in refused.content.decode()
            # The empty form costs nothing and is not counted.
            assert robot.get(url).status_code == 200
            # Another address has a count of its own.
            other = Client(REMOTE_ADDR=f"198.51.100.{attempt + 1}")
            assert other.get(url, {"q": "uy ban"}).status_code == 200
            # A signed-in user is counted as the user, wherever the requests come from.
            user = world.user(("focal_a", "focal_b", "editor")[attempt])
            member = Client(REMOTE_ADDR=f"203.0.113.{attempt + 1}")
            member.force_login(user)
            assert member.get(url, {"q": "uy ban"}).status_code == 200
            elsewhere = Client(REMOTE_ADDR=f"192.0.2.{attempt + 1}")
            elsewhere.force_login(user)
            for _ in range(views.SEARCH_LIMIT - 1):
                assert elsewhere.get(url, {"q": "uy ban"}).status_code == 200
            assert member.get(url, {"q": "uy ban"}).status_code == 429

        self._in_one_window(scenario)

    def test_a_person_never_meets_the_limit(self, world):
        """A brisk reader: ten searches, each followed by a look at the next two pages,
        within one minute; signed in and anonymous alike."""
        support.published_article(world)
        url = reverse("search:search")

        def scenario(attempt):
            visitor = Client(REMOTE_ADDR=f"203.0.113.{attempt + 101}")
            member = Client(REMOTE_ADDR=f"203.0.113.{attempt + 101}")
            member.force_login(world.user(("secretariat", "focal_a", "focal_b")[attempt]))
            for person in (visitor, member):
                for n in range(10):
                    for page in (1, 2, 3) if n % 4 == 0 else (1,):
                        response = person.get(url, {"q": f"uy ban mat tran {n}", "page": page})
                        assert response.status_code == 200

        self._in_one_window(scenario)


def test_more_matches_than_ranked_are_announced(world):
    """No count over every match: when the index has more matches than it ranks, the
    results say so instead of a total."""
    from phoihop.search.query import CANDIDATES

    support.published_article(world)
    assert not search(None, "uy ban").more
    SearchEntry.objects.bulk_create(
        SearchEntry(
            kind="bench",
            object_id=i,
            public_from=clock.now() - datetime.timedelta(days=1),
            title=f"Ủy ban {i}",
            folded_title=f"uy ban {i}",
        )
        for i in range(CANDIDATES)
    )
    assert search(None, "uy ban").more
