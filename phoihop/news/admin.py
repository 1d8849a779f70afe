"""The news section in the admin: saves, status moves and deletes go through
phoihop.news.services; the status and publication time are read-only and change by the
actions (send for review, publish now, unpublish, archive)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phoihop.core.admin_forms import ReadOnlyInline, ServiceFormAdmin
from phoihop.core.models import User
from phoihop.news import services
from phoihop.news.models import Article, ArticleImage, Category


def _actor(request: HttpRequest) -> User:
    """The admin lets in signed-in staff only (core.admin_base.admin_allowed)."""
    return cast(User, request.user)


@admin.register(Category)
class CategoryAdmin(ServiceFormAdmin):
    list_display = ("name", "slug", "order", "committee")
    list_filter = (("committee", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "slug")
    list_select_related = ("committee",)
    fields = ("committee", "name", "slug", "order")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "committee") if obj is not None else readonly

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.category_create(
                actor=_actor(request),
                committee=data["committee"],
                name=data["name"],
                slug=data.get("slug") or "",
                order=data.get("order") or 0,
            )
            self.adopt(obj, created)
            return
        updated = services.category_update(
            actor=_actor(request),
            category=self.stored(obj),
            data=self.model_values(form, changed_only=True),
        )
        self.adopt(obj, updated)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.category_delete(actor=_actor(request), category=obj)


class ArticleImageInline(ReadOnlyInline):
    model = ArticleImage
    fields = ("image", "alt_text", "caption", "order")
    readonly_fields = fields


@admin.register(Article)
class ArticleAdmin(ServiceFormAdmin):
    list_display = ("title", "category", "status", "publish_at", "author", "committee")
    list_filter = (
        "status",
        ("committee", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "lead", "slug")
    folded_search_fields = ("folded_title",)
    list_select_related = ("category", "author", "committee")
    date_hierarchy = "created_at"
    raw_id_fields = ("author",)
    fields = (
        "committee",
        "category",
        "title",
        "slug",
        "lead",
        "body",
        "origin",
        "author",
        "status",
        "publish_at",
        "published_by",
    )
    inlines = (ArticleImageInline,)
    actions = ("submit_for_review", "publish_now", "unpublish", "archive")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = (*super().get_readonly_fields(request, obj), "publish_at", "published_by")
        return (*readonly, "committee", "author") if obj is not None else readonly

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.restrict(request.user, "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.article_create(
                actor=_actor(request),
                committee=data["committee"],
                title=data["title"],
                author=data.get("author") or _actor(request),
                category=data.get("category"),
                lead=data.get("lead") or "",
                body=data.get("body") or "",
                origin=data.get("origin") or "",
                slug=data.get("slug") or "",
            )
            self.adopt(obj, created)
            return
        updated = services.article_update(
            actor=_actor(request),
            article=self.stored(obj),
            data=self.model_values(form, changed_only=True),
        )
        self.adopt(obj, updated)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.article_trash(actor=_actor(request), article=obj)

    # -- status moves, one article at a time, each with its own outcome ---------------------
    def _each(
        self, request: HttpRequest, queryset: models.QuerySet, move: Callable[..., Article]
    ) -> None:
        done = 0
        for article in queryset:
            try:
                move(actor=_actor(request), article=article)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                reason = " ".join(getattr(exc, "messages", [])) or gettext("not allowed")
                self.message_user(
                    request,
                    gettext("“{title}” was not changed: {reason}").format(
                        title=article.title, reason=reason
                    ),
                    level=messages.WARNING,
                )
        if done:
            self.message_user(request, gettext("Articles changed: {count}.").format(count=done))

    @admin.action(description=_("Send for review"))
    def submit_for_review(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.article_submit_for_review)

    @admin.action(description=_("Publish now"))
    def publish_now(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.article_publish)

    @admin.action(description=_("Unpublish (back to draft)"))
    def unpublish(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.article_unpublish)

    @admin.action(description=_("Archive"))
    def archive(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.article_archive)


@admin.register(ArticleImage)
class ArticleImageAdmin(ServiceFormAdmin):
    list_display = ("alt_text", "article", "order")
    search_fields = ("alt_text", "caption", "article__title")
    list_select_related = ("article",)
    autocomplete_fields = ("article",)
    fields = ("article", "image", "alt_text", "caption", "order")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "article", "image") if obj is not None else readonly

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "article":
            kwargs["queryset"] = Article.objects.restrict(request.user, "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.image_add(
                actor=_actor(request),
                article=data["article"],
                upload=data["image"],
                alt_text=data.get("alt_text") or "",
                caption=data.get("caption") or "",
                order=data.get("order"),
            )
            self.adopt(obj, created)
            return
        updated = services.image_update(
            actor=_actor(request),
            image=self.stored(obj),
            data=self.model_values(form, changed_only=True),
        )
        self.adopt(obj, updated)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.image_remove(actor=_actor(request), image=obj)
