"""The constraints hold even when the services are bypassed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from phoihop.core import clock
from phoihop.news import services
from phoihop.news.choices import ArticleStatus
from phoihop.news.models import Article, Category

pytestmark = pytest.mark.django_db


def test_slug_unique_per_committee_among_live_articles(world, article):
    twin = Article(
        committee=world.committee, title="x", slug=article.slug, author=world.user("editor")
    )
    with pytest.raises(ValidationError, match="has this slug"):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    services.article_trash(actor=world.user("editor"), article=article)
    twin.full_clean()
    twin.save()  # the trashed one no longer holds the slug


def test_same_slug_in_another_committee(world, article):
    Article.objects.create(
        committee=world.other_committee, title="x", slug=article.slug, author=world.user("admin")
    )


def test_published_needs_a_publication_time(world, article):
    Article.objects.filter(pk=article.pk).update(publish_at=clock.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(
            status=ArticleStatus.PUBLISHED, publish_at=None
        )


def test_category_slug_and_name_unique_per_committee(world, category):
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(committee=world.committee, name="Khác", slug=category.slug)
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(committee=world.committee, name=category.name, slug="khac")
    Category.objects.create(committee=world.other_committee, name=category.name, slug=category.slug)


def test_folded_title(world, article):
    assert article.folded_title == "hoi nghi so ket chuong trinh phoi hop hoat dong nam 2022"
