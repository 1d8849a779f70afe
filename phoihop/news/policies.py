"""Who reads and writes the news section.

- view: the members of the committee (and of its successors) read all of its news,
  drafts included; everyone else, signed in or not, reads only public articles
  (published, publication time passed, not in the trash) and the categories that hold
  one. Nothing else of the section is ever public.
- change / delete / manage: editors and the secretariat of the committee itself, and
  system admins.
Images are read and written as their article is.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q

from phoihop.core import clock
from phoihop.core import permissions as p
from phoihop.news.choices import ArticleStatus
from phoihop.news.models import Article, ArticleImage, Category

WRITERS = (p.EDITOR, p.SECRETARIAT)


def public_condition(prefix: str = "") -> Q:
    """Published and due: the one definition of a public article (see public_articles)."""
    return Q(
        **{
            f"{prefix}status": ArticleStatus.PUBLISHED,
            f"{prefix}publish_at__lte": clock.now(),
            f"{prefix}deleted_at__isnull": True,
        }
    )


def public_articles() -> models.QuerySet[Article]:
    """What anyone may read without signing in, newest first."""
    return Article.objects.filter(public_condition()).order_by("-publish_at", "-id")


def article_is_public(article: Article) -> bool:
    return (
        article.status == ArticleStatus.PUBLISHED
        and article.publish_at is not None
        and article.publish_at <= clock.now()
        and article.deleted_at is None
    )


def _filter(scope: p.Scope, action: str, prefix: str = "") -> Q | None:
    if scope.is_admin:
        return None
    committee = f"{prefix}committee_id__in"
    if action == p.VIEW:
        return Q(**{committee: scope.readable_committees}) | public_condition(prefix)
    return Q(**{committee: scope.committees_with(*WRITERS)})


@p.register_policy(Article)
def article_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    condition = _filter(scope, action)
    return qs if condition is None else qs.filter(condition)


@p.register_policy(ArticleImage)
def article_image_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    condition = _filter(scope, action, "article__")
    return qs if condition is None else qs.filter(condition)


@p.register_policy(Category)
def category_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    if scope.is_admin:
        return qs
    if action == p.VIEW:
        # A category's name is public once it holds a public article, not before.
        holds_public = Exists(
            Article.objects.filter(public_condition(), category_id=OuterRef("pk"))
        )
        return qs.filter(Q(committee_id__in=scope.readable_committees) | holds_public)
    return qs.filter(committee_id__in=scope.committees_with(*WRITERS))
