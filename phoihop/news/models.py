"""The news section's data: categories, articles (draft → in review → published, with
scheduled publication) and their images.

What the public sees is decided in one place, phoihop.news.policies (public_articles):
published, its publication time passed, not in the trash.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.models import CheckedModel, RestrictedQuerySet, TimestampedModel, TrashableModel
from phoihop.core.text import fold
from phoihop.news.choices import ArticleStatus

TITLE_MAX = 300
SLUG_MAX = 200


class Category(CheckedModel):
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="news_categories",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["committee", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "slug"],
                name="news_category_slug_uniq",
                violation_error_message=_("Another category of this committee has this slug."),
            ),
            models.UniqueConstraint(
                fields=["committee", "name"],
                name="news_category_name_uniq",
                violation_error_message=_("Another category of this committee has this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Article(TrashableModel, TimestampedModel):
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="news_articles",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    title = models.CharField(pgettext_lazy("news article", "title"), max_length=TITLE_MAX)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX, blank=True)
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("The opening paragraph shown under the title.")
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("HTML; anything outside the allowed markup is removed when saved."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        editable=False,
    )
    publish_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("A published article is shown to the public from this moment on."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="news_articles",
    )
    origin = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the text comes from, e.g. “generated from the review conference”."),
    )
    folded_title = models.CharField(max_length=TITLE_MAX, editable=False, db_index=True)

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-publish_at", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "slug"],
                condition=Q(deleted_at__isnull=True),
                name="news_article_slug_uniq",
                violation_error_message=_("Another article of this committee has this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(publish_at__isnull=False),
                name="news_article_published_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
        ]
        indexes = [models.Index(fields=["status", "publish_at"], name="news_article_public_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.folded_title = fold(self.title)
        category = self.category if self.category_id else None
        if category is not None and category.committee_id != self.committee_id:
            raise ValidationError(
                {"category": _("The category must belong to the article's committee.")}
            )


class ArticleImage(CheckedModel):
    article = models.ForeignKey(
        Article, verbose_name=_("news article"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("image"), upload_to="news/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("article image")
        verbose_name_plural = _("article images")
        ordering = ["article", "order", "id"]

    def __str__(self) -> str:
        return self.alt_text

    def audit_committee_id(self) -> int:
        return self.article.committee_id
