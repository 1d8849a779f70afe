"""sitemap.xml: the front page, public categories, public articles, published programs."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from phoihop.core import permissions
from phoihop.news import selectors
from phoihop.news.feeds import article_url
from phoihop.news.models import Article, Category
from phoihop.programs.models import Program


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["news:home", "news:articles", "news:programs"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self) -> Any:
        return selectors.public_list().order_by("-publish_at", "-id")

    def location(self, item: Article) -> str:
        return article_url(item)

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.updated_at


class CategorySitemap(Sitemap):
    def items(self) -> Any:
        return (
            permissions.restrict(Category.objects.all(), None)
            .select_related("committee")
            .order_by("pk")
        )

    def location(self, item: Category) -> str:
        return reverse("news:category", kwargs={"code": item.committee.code, "slug": item.slug})


class ProgramSitemap(Sitemap):
    def items(self) -> Any:
        return selectors.public_programs().order_by("pk")

    def location(self, item: Program) -> str:
        return reverse("news:program", kwargs={"pk": item.pk})


SITEMAPS = {
    "pages": StaticSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "programs": ProgramSitemap,
}
