"""Who reads and writes the news, role by role; what the public sees."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from phoihop.core import clock, permissions
from phoihop.news import services
from phoihop.news.models import Article, ArticleImage, Category
from phoihop.news.policies import article_is_public, public_articles
from phoihop.news.tests.conftest import photo_bytes, publish

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

ROLES = (
    "anonymous",
    "focal_a",
    "focal_b",
    "leader",
    "editor",
    "secretariat",
    "admin",
    "other_secretariat",
)
MEMBERS = {"focal_a", "focal_b", "leader", "editor", "secretariat", "admin"}
WRITERS = {"editor", "secretariat", "admin"}
NOON = datetime.datetime(2023, 3, 24, 12, 0, tzinfo=HANOI)


@pytest.mark.parametrize("role", ROLES)
def test_draft_article(world, article, role):
    user = world.user(role)
    assert permissions.can(user, "view", article) is (role in MEMBERS)
    for action in ("change", "delete", "manage"):
        assert permissions.can(user, action, article) is (role in WRITERS)


@pytest.mark.parametrize("role", ROLES)
def test_published_article_is_read_by_all_written_by_writers(world, article, role):
    article = publish(world, article)
    user = world.user(role)
    assert permissions.can(user, "view", article) is True
    assert permissions.can(user, "change", article) is (role in WRITERS)


@pytest.mark.parametrize("role", ROLES)
def test_scheduled_article_is_not_public_before_its_time(world, article, role):
    with clock.frozen_at(NOON):
        article = publish(world, article, at=NOON + datetime.timedelta(hours=1))
        assert permissions.can(world.user(role), "view", article) is (role in MEMBERS)
    with clock.frozen_at(NOON + datetime.timedelta(hours=1)):
        assert permissions.can(world.user(role), "view", article) is True


@pytest.mark.parametrize("stage", ["draft", "in_review", "scheduled", "archived", "trashed"])
def test_anonymous_reads_nothing_that_is_not_public(world, article, media, stage):
    editor = world.user("editor")
    services.image_add(actor=editor, article=article, upload=photo_bytes((8, 8)), alt_text="a")
    with clock.frozen_at(NOON):
        if stage != "draft":
            article = services.article_submit_for_review(actor=editor, article=article)
        if stage == "scheduled":
            article = services.article_publish(
                actor=editor, article=article, at=NOON + datetime.timedelta(minutes=5)
            )
        if stage in ("archived", "trashed"):
            article = services.article_publish(actor=editor, article=article)
        if stage == "archived":
            article = services.article_archive(actor=editor, article=article)
        if stage == "trashed":
            article = services.article_trash(actor=editor, article=article)
        assert not Article.all_objects.restrict(None, "view").exists()
        assert not ArticleImage.objects.restrict(None, "view").exists()
        assert not Category.objects.restrict(None, "view").exists()
        assert not public_articles().exists()
        assert not article_is_public(Article.all_objects.get(pk=article.pk))
        # Signed in elsewhere is no better than anonymous.
        other = world.user("other_secretariat")
        assert not Article.all_objects.restrict(other, "view").exists()


def test_public_article_its_images_and_category(world, article, media):
    image = services.image_add(
        actor=world.user("editor"), article=article, upload=photo_bytes((8, 8)), alt_text="a"
    )
    services.category_create(actor=world.user("editor"), committee=world.committee, name="Trống")
    publish(world, article)
    assert list(Article.objects.restrict(None, "view")) == [article]
    assert list(ArticleImage.objects.restrict(None, "view")) == [image]
    assert list(Category.objects.restrict(None, "view")) == [article.category]
    for action in ("change", "delete", "manage"):
        assert not Article.objects.restrict(None, action).exists()
        assert not ArticleImage.objects.restrict(None, action).exists()
        assert not Category.objects.restrict(None, action).exists()


@pytest.mark.parametrize("role", ROLES)
def test_category(world, category, role):
    user = world.user(role)
    assert permissions.can(user, "view", category) is (role in MEMBERS)
    assert permissions.can(user, "change", category) is (role in WRITERS)
    assert permissions.can(user, "delete", category) is (role in WRITERS)


@pytest.mark.parametrize("role", ROLES)
def test_image_follows_its_article(world, article, media, role):
    image = services.image_add(
        actor=world.user("editor"), article=article, upload=photo_bytes((8, 8)), alt_text="a"
    )
    user = world.user(role)
    assert permissions.can(user, "view", image) is (role in MEMBERS)
    assert permissions.can(user, "change", image) is (role in WRITERS)


def test_other_committee_news_is_not_ours(world):
    other = services.article_create(
        actor=world.user("other_secretariat"),
        committee=world.other_committee,
        title="Tin Phú Thọ",
        body="<p>x</p>",
    )
    for role in ("editor", "secretariat", "focal_a"):
        assert not permissions.can(world.user(role), "view", other)
        assert not permissions.can(world.user(role), "change", other)
