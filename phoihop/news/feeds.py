"""RSS and Atom feeds of the public articles (django.contrib.syndication)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from phoihop.news import selectors
from phoihop.news.models import Article

FEED_ITEMS = 30


def article_url(article: Article) -> str:
    return reverse("news:article", kwargs={"code": article.committee.code, "slug": article.slug})


class LatestArticlesFeed(Feed):
    title = _("PhốiHợp – news of the coordination program")
    description = _("The latest published articles.")

    def link(self) -> str:
        return reverse("news:home")

    def items(self) -> list[Article]:
        return list(selectors.public_list()[:FEED_ITEMS])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Feed readers render the description as HTML; the lead is plain text.
        return escape(item.lead)

    def item_link(self, item: Article) -> str:
        return article_url(item)

    def item_pubdate(self, item: Article) -> datetime.datetime | None:
        return item.publish_at

    def item_updateddate(self, item: Article) -> datetime.datetime | None:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name] if item.category else []


class LatestArticlesAtom(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
