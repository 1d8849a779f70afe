"""The public pages, feeds and sitemap show only what is public; the editors' pages
write through the services; the conference becomes a draft."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from phoihop.core import clock
from phoihop.news import services
from phoihop.news.choices import ArticleStatus
from phoihop.news.models import Article
from phoihop.news.tests import support
from phoihop.reviews.events import ConferenceArticleDraft, announce_conference_article

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    ("news:home", {}),
    ("news:articles", {}),
    ("news:feed_rss", {}),
    ("news:feed_atom", {}),
    ("news:sitemap", {}),
]


def get(name, **kwargs):
    response = Client().get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, name
    return response.content.decode()


@pytest.fixture
def hidden(world, media):
    """A draft, a scheduled article, an article in review and an unpublished one."""
    editor = world.user("editor")
    cat = support.category(world)
    made = {}
    for key, title in (
        ("draft", "Bản nháp XKHONGCONG"),
        ("scheduled", "Hẹn giờ XHENGIO"),
        ("review", "Chờ duyệt XCHODUYET"),
        ("unpublished", "Gỡ xuống XGOXUONG"),
    ):
        made[key] = services.article_create(
            actor=editor, committee=world.committee, category=cat, title=title, lead="Sapo."
        )
    for key in ("scheduled", "review", "unpublished"):
        services.article_submit_for_review(actor=editor, article=made[key])
    services.article_publish(
        actor=editor, article=made["scheduled"], at=clock.now() + datetime.timedelta(days=1)
    )
    services.article_publish(actor=editor, article=made["unpublished"])
    services.article_unpublish(actor=editor, article=made["unpublished"])
    return made


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PATHS)
def test_public_lists_feeds_and_sitemap_show_only_published(world, media, hidden, name, kwargs):
    published = support.published_article(world)
    html = get(name, **kwargs)
    assert published.slug in html or published.title in html
    for marker in ("XKHONGCONG", "XHENGIO", "XCHODUYET", "XGOXUONG"):
        assert marker not in html
        assert marker.lower() not in html
    for article in hidden.values():
        assert f"/{article.slug}/" not in html


def test_hidden_articles_are_404_and_their_images_too(world, media, hidden):
    editor = world.user("editor")
    services.image_add(
        actor=editor, article=hidden["draft"], upload=support.jpeg(), alt_text="Ảnh nội bộ"
    )
    for article in hidden.values():
        url = reverse("news:article", kwargs={"code": world.committee.code, "slug": article.slug})
        assert Client().get(url).status_code == 404
    image = hidden["draft"].images.get()
    url = reverse("news:media", kwargs={"name": image.image.name.removeprefix("news/")})
    assert Client().get(url).status_code == 404
    assert Client().get(url.replace("/media/news/", "/media/news/../")).status_code == 404
    editor_client = Client()
    editor_client.force_login(editor)
    assert editor_client.get(url).status_code == 200


def test_scheduled_article_appears_when_due(world, media, hidden):
    article = hidden["scheduled"]
    url = reverse("news:article", kwargs={"code": world.committee.code, "slug": article.slug})
    with clock.frozen_at(clock.now() + datetime.timedelta(days=2)):
        assert Client().get(url).status_code == 200
        assert "XHENGIO" in get("news:feed_rss")


def test_article_page_has_everything(world, media):
    article = support.published_article(world)
    services.image_update(
        actor=world.user("editor"), image=article.images.get(), data={"caption": "Toàn cảnh"}
    )
    html = get("news:article", code=world.committee.code, slug=article.slug)
    local = clock.now().astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert article.publish_at.astimezone(local.tzinfo).strftime("%d/%m/%Y %H:%M") in html
    assert "Hoạt động phối hợp" in html  # the category
    assert article.lead in html
    assert "<p>Nội dung hội nghị sơ kết năm 2022.</p>" in html
    assert 'alt="Quang cảnh hội nghị"' in html
    assert "<figcaption>Toàn cảnh</figcaption>" in html
    assert '<meta property="og:title"' in html
    assert '<meta property="og:image"' in html
    assert 'property="og:type" content="article"' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    printed = get("news:article_print", code=world.committee.code, slug=article.slug)
    assert article.title in printed
    assert "print.css" in printed


def test_related_articles(world, media):
    article = support.published_article(world)
    editor = world.user("editor")
    other = services.article_create(
        actor=editor,
        committee=world.committee,
        category=article.category,
        title="Bài liên quan",
        lead="Sapo.",
    )
    services.article_submit_for_review(actor=editor, article=other)
    services.article_publish(actor=editor, article=other)
    html = get("news:article", code=world.committee.code, slug=article.slug)
    assert "Bài liên quan" in html


def test_home_and_category_pages(world, media, django_assert_max_num_queries):
    article = support.published_article(world)
    with django_assert_max_num_queries(10):
        html = get("news:home")
    assert article.title in html
    html = get("news:category", code=world.committee.code, slug=article.category.slug)
    assert article.title in html
    empty = support.empty_category(world)
    url = reverse("news:category", kwargs={"code": world.committee.code, "slug": empty.slug})
    assert Client().get(url).status_code == 404  # a category without public news is not public


def test_pagination(world, media):
    editor = world.user("editor")
    for n in range(14):
        a = services.article_create(
            actor=editor, committee=world.committee, title=f"Tin số {n}", lead="Sapo."
        )
        services.article_submit_for_review(actor=editor, article=a)
        services.article_publish(actor=editor, article=a)
    first = get("news:articles")
    assert 'rel="next"' in first
    second = Client().get(reverse("news:articles") + "?page=2").content.decode()
    assert "Tin số 0" in second


def test_program_pages_show_only_published_programs(world):
    from phoihop.programs import services as programs

    program = support.published_program(world)
    html = get("news:program", pk=program.pk)
    assert program.title in html
    assert "Tuyên truyền, giáo dục chính trị" in html
    assert world.org_a.name in html
    assert program.title in get("news:programs")
    assert f"/chuong-trinh/{program.pk}/" in get("news:sitemap")
    programs.program_unpublish(actor=world.user("secretariat"), program=program)
    assert Client().get(reverse("news:program", kwargs={"pk": program.pk})).status_code == 404
    assert program.title not in get("news:programs")
    assert f"/chuong-trinh/{program.pk}/" not in get("news:sitemap")


def test_program_page_shows_figures_of_a_finalized_review_only(world):
    from decimal import Decimal

    from phoihop.activities.tests import factories as f
    from phoihop.programs import services as programs
    from phoihop.programs.models import Target
    from phoihop.reviews import services as reviews
    from phoihop.reviews.choices import ReviewKind

    s = f.setup(world)
    Target.objects.create(indicator=s.sessions, value=Decimal(10))
    programs.program_publish(actor=world.user("secretariat"), program=s.program)
    f.approved(s, values={s.sessions: Decimal(4)}, participants={s.cadres: 37})
    f.approved(s, values={s.sessions: Decimal(3)}, participants={s.cadres: 40})
    secretariat = world.user("secretariat")
    review = reviews.review_create(
        actor=secretariat,
        program=s.program,
        kind=ReviewKind.YEAR,
        title="Sơ kết XKYSOKET",
        period_start=datetime.date(f.YEAR, 1, 1),
        period_end=datetime.date(f.YEAR, 12, 31),
    )
    html = get("news:program", pk=s.program.pk)
    assert "XKYSOKET" not in html  # a draft review shows nothing
    assert "Buổi tuyên truyền" not in html

    review = reviews.review_finalize(actor=secretariat, review=review)
    total = review.snapshot["total"]
    assert total["activities"] == 2
    html = get("news:program", pk=s.program.pk)
    assert "XKYSOKET" in html
    assert "Số báo cáo hoạt động được tính" in html
    assert f">{total['activities']} <" in html
    assert str(total["participants"]) in html
    assert f"{total['funding']:,}".replace(",", ".") in html  # 15.000.000 đồng
    assert "Buổi tuyên truyền" in html
    assert ">7 buổi<" in html  # the result, 4 + 3 sessions
    assert ">10<" in html  # the target
    assert "70 %" in html  # the achievement

    # Later reports do not change what the public sees: only the frozen snapshot shows.
    f.approved(s, values={s.sessions: Decimal(6)}, participants={s.cadres: 500})
    html = get("news:program", pk=s.program.pk)
    assert ">7 buổi<" in html
    assert ">13 buổi<" not in html


def test_program_figures_read_nothing_but_the_snapshot():
    from phoihop.news.selectors import headline_figures, indicator_figures

    assert headline_figures(None) == []
    assert indicator_figures(None) == []
    assert headline_figures({"headline": [{"label": "x", "value": 1}]}) == []
    figures = headline_figures({"total": {"activities": 3, "funding": "bad"}})
    assert [figure.value for figure in figures] == [3]
    lines = indicator_figures({"indicators": [{"name": "A", "result": "7", "target": None}, 5]})
    assert [(line.name, line.result, line.target) for line in lines] == [("A", 7, None)]


def test_editor_writes_publishes_and_adds_a_photo(world, media):
    client = Client()
    client.force_login(world.user("editor"))
    response = client.post(
        reverse("news:manage_new"),
        {
            "committee": world.committee.pk,
            "title": "Đảng ủy và Ủy ban họp bàn",
            "lead": "Sapo bài mới.",
            "body": '<p onclick="x()">Thân bài</p><script>alert(1)</script>',
        },
    )
    article = Article.objects.get(title="Đảng ủy và Ủy ban họp bàn")
    assert response.status_code == 302
    assert article.slug == "dang-uy-va-uy-ban-hop-ban"
    assert article.body == "<p>Thân bài</p>"
    photo = SimpleUploadedFile("anh.jpg", support.jpeg((3000, 2000)), content_type="image/jpeg")
    url = reverse("news:manage_image_add", kwargs={"pk": article.pk})
    client.post(url, {"image": photo, "alt_text": "Ảnh họp", "caption": "Phiên họp"})
    image = article.images.get()
    assert max(image.width, image.height) == 1600
    status = reverse("news:manage_status", kwargs={"pk": article.pk})
    client.post(status, {"action": "submit"})
    client.post(status, {"action": "publish", "publish_at": ""})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    html = get("news:article", code=world.committee.code, slug=article.slug)
    assert "Phiên họp" in html
    assert "dang-uy" in get("news:feed_atom")


def test_editor_schedules(world, media):
    editor = world.user("editor")
    article = services.article_create(
        actor=editor, committee=world.committee, title="Tin hẹn giờ", lead="Sapo."
    )
    services.article_submit_for_review(actor=editor, article=article)
    client = Client()
    client.force_login(editor)
    later = clock.now() + datetime.timedelta(days=3)
    local = later.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    client.post(
        reverse("news:manage_status", kwargs={"pk": article.pk}),
        {"action": "publish", "publish_at": local.strftime("%Y-%m-%dT%H:%M")},
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.publish_at > clock.now()
    assert "Tin hẹn giờ" not in get("news:home")


def test_editors_manage_categories(world):
    client = Client()
    client.force_login(world.user("editor"))
    client.post(
        reverse("news:manage_categories"),
        {"committee": world.committee.pk, "name": "Đoàn kết dân tộc", "order": 1},
    )
    from phoihop.news.models import Category

    category = Category.objects.get(name="Đoàn kết dân tộc")
    assert category.slug == "doan-ket-dan-toc"
    client.post(
        reverse("news:manage_category", kwargs={"pk": category.pk}),
        {"action": "delete"},
    )
    assert not Category.objects.filter(pk=category.pk).exists()


def test_conference_becomes_a_cleaned_draft(world):
    draft = ConferenceArticleDraft(
        conference_id=1,
        committee_id=world.committee.pk,
        title="Hội nghị tổng kết Chương trình phối hợp năm 2022",
        lead="Ngày 24/3/2023, tại trụ sở Liên đoàn Lao động tỉnh.",
        body_html="<p>Kết quả</p><script>alert(1)</script>",
    )
    made = announce_conference_article(draft, actor=world.user("secretariat"))
    articles = [a for a in made if isinstance(a, Article)]
    assert len(articles) == 1
    article = articles[0]
    assert article.status == ArticleStatus.DRAFT
    assert article.body == "<p>Kết quả</p>"
    assert article.origin
    assert get("news:home").count(article.title) == 0
