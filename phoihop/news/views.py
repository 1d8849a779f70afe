"""The public news pages (no sign-in, no JavaScript needed) and the editors' pages.

Views only read through selectors and write through services."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from phoihop.core import permissions
from phoihop.news import selectors, services
from phoihop.news.choices import ArticleStatus
from phoihop.news.feeds import article_url
from phoihop.news.forms import (
    ArticleForm,
    CategoryForm,
    ImageEditForm,
    ImageForm,
    NoteForm,
    PublishForm,
)
from phoihop.news.models import Article, ArticleImage, Category
from phoihop.news.sitemaps import SITEMAPS

PER_PAGE = 12


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# -- public --------------------------------------------------------------------------------
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest, sections = selectors.home_sections()
    return render(
        request,
        "news/home.html",
        {
            "latest": latest,
            "sections": sections,
            "programs": list(selectors.public_programs()[:5]),
            "meta_description": _(
                "News of the coordination program between the military command, the "
                "socio-political organizations and the Red Cross."
            ),
        },
    )


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.public_list())
    return render(request, "news/list.html", {"title": _("All news"), "page": page})


@require_GET
def category(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    cat = selectors.public_category(code, slug)
    page = _page(request, selectors.public_list().filter(category=cat))
    return render(request, "news/list.html", {"title": cat.name, "category": cat, "page": page})


def _article_context(request: HttpRequest, code: str, slug: str) -> dict[str, Any]:
    article = selectors.public_article(code, slug)
    images = list(article.images.all())
    return {
        "title": article.title,
        "article": article,
        "images": images,
        "related": selectors.related_articles(article),
        "canonical": request.build_absolute_uri(article_url(article)),
        "og_image": request.build_absolute_uri(
            reverse("news:media", kwargs={"name": images[0].image.name.removeprefix("news/")})
        )
        if images
        else "",
        "meta_description": article.lead[:300],
    }


@require_GET
def article_detail(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    return render(request, "news/article.html", _article_context(request, code, slug))


@require_GET
def article_print(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    return render(request, "news/article_print.html", _article_context(request, code, slug))


@require_GET
@cache_control(private=True, max_age=3600)
def media(request: HttpRequest, name: str) -> FileResponse:
    """An article's image: to everyone once the article is public, before that only to
    those who may read the article."""
    stored = f"news/{name}"
    image = selectors.public_image(stored) or selectors.visible_image(request.user, stored)
    if image is None:
        raise Http404
    content_type = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    try:
        handle = image.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.public_programs())
    return render(request, "news/programs.html", {"title": _("Programs"), "page": page})


@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.public_program(pk)
    return render(
        request,
        "news/program.html",
        {"title": data.program.title, "data": data, "program": data.program},
    )


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_view(request, sitemaps=SITEMAPS, template_name="news/sitemap.xml")


# -- editors -------------------------------------------------------------------------------
def _require_writer(request: HttpRequest) -> None:
    if not selectors.is_writer(request.user):
        raise PermissionDenied


def _editable(request: HttpRequest, pk: int) -> Article:
    return permissions.get_for_action(
        Article.objects.all(), request.user, permissions.CHANGE, pk=pk
    )


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    status = request.GET.get("status", "")
    if status not in ArticleStatus.values:
        status = ""
    page = _page(request, selectors.editable_articles(request.user, status=status))
    return render(
        request,
        "news/manage/list.html",
        {
            "title": _("News articles"),
            "page": page,
            "status": status,
            "statuses": ArticleStatus.choices,
        },
    )


def _article_form(request: HttpRequest, data: Any = None, initial: Any = None) -> ArticleForm:
    return ArticleForm(
        data,
        initial=initial,
        committees=selectors.writer_committees(request.user),
        categories=selectors.editable_categories(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_new(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = _article_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            article = services.article_create(
                actor=request.user,  # type: ignore[arg-type]
                committee=d["committee"],
                title=d["title"],
                category=d["category"],
                lead=d["lead"],
                body=d["body"],
                origin=d["origin"],
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("news:manage_edit", pk=article.pk)
    return render(
        request, "news/manage/edit.html", {"title": _("New article"), "form": form, "article": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _editable(request, pk)
    initial = {
        "committee": article.committee_id,
        "title": article.title,
        "category": article.category_id,
        "lead": article.lead,
        "body": article.body,
        "origin": article.origin,
    }
    form = _article_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.article_update(
                actor=request.user,  # type: ignore[arg-type]
                article=article,
                data={k: d[k] for k in ("title", "category", "lead", "body", "origin")},
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("news:manage_edit", pk=article.pk)
    form.fields["committee"].disabled = True
    return render(
        request,
        "news/manage/edit.html",
        {
            "title": _("Edit: {title}").format(title=article.title),
            "form": form,
            "article": article,
            "images": list(article.images.all()),
            "image_form": ImageForm(),
            "publish_form": PublishForm(),
            "note_form": NoteForm(),
            "can_manage": permissions.can(request.user, permissions.MANAGE, article),
            "public_url": article_url(article),
        },
    )


STATUS_ACTIONS = {
    "submit": services.article_submit_for_review,
    "return": services.article_return_to_draft,
    "unpublish": services.article_unpublish,
    "archive": services.article_archive,
    "reopen": services.article_reopen,
    "trash": services.article_trash,
}
STATUS_DONE = {
    "submit": _("Sent for review."),
    "return": _("Returned to draft."),
    "publish": _("Published."),
    "unpublish": _("Taken off the public pages."),
    "archive": _("Archived."),
    "reopen": _("Back to draft."),
    "trash": _("Moved to the trash."),
}


@login_required
@require_POST
def manage_status(request: HttpRequest, pk: int) -> HttpResponse:
    article = _editable(request, pk)
    action = request.POST.get("action", "")
    user: Any = request.user
    try:
        if action == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Enter the publication time as dd/mm/yyyy hh:mm."))
            services.article_publish(
                actor=user, article=article, at=form.cleaned_data["publish_at"]
            )
        elif action in ("return", "unpublish"):
            note = request.POST.get("note", "")[:1000]
            STATUS_ACTIONS[action](actor=user, article=article, note=note)
        elif action in STATUS_ACTIONS:
            STATUS_ACTIONS[action](actor=user, article=article)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, str(STATUS_DONE[action]))
        if action == "trash":
            return redirect("news:manage")
    return redirect("news:manage_edit", pk=article.pk)


@login_required
@require_POST
def manage_image_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = _editable(request, pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.image_add(
                actor=request.user,  # type: ignore[arg-type]
                article=article,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("The photo is added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("news:manage_edit", pk=article.pk)


@login_required
@require_POST
def manage_image(request: HttpRequest, pk: int) -> HttpResponse:
    image = permissions.get_for_action(
        ArticleImage.objects.all(), request.user, permissions.CHANGE, pk=pk
    )
    user: Any = request.user
    try:
        if request.POST.get("action") == "delete":
            services.image_remove(actor=user, image=image)
            messages.success(request, _("The photo is removed."))
        else:
            form = ImageEditForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Fill in the alternative text; the order is a number."))
            services.image_update(actor=user, image=image, data=form.cleaned_data)
            messages.success(request, _("The photo is saved."))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("news:manage_edit", pk=image.article_id)


@login_required
@require_http_methods(["GET", "POST"])
def manage_categories(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    committees = selectors.writer_committees(request.user)
    form = CategoryForm(request.POST or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(
                actor=request.user,  # type: ignore[arg-type]
                committee=form.cleaned_data["committee"],
                name=form.cleaned_data["name"],
                order=form.cleaned_data["order"],
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The category is added."))
            return redirect("news:manage_categories")
    return render(
        request,
        "news/manage/categories.html",
        {
            "title": _("News categories"),
            "form": form,
            "categories": selectors.editable_categories(request.user),
        },
    )


@login_required
@require_POST
def manage_category(request: HttpRequest, pk: int) -> HttpResponse:
    cat = permissions.get_for_action(
        Category.objects.all(), request.user, permissions.CHANGE, pk=pk
    )
    user: Any = request.user
    try:
        if request.POST.get("action") == "delete":
            services.category_delete(actor=user, category=cat)
            messages.success(request, _("The category is deleted."))
        else:
            name = request.POST.get("name", "").strip()
            try:
                order = int(request.POST.get("order", cat.order))
            except ValueError as exc:
                raise ValidationError(_("The order is a whole number.")) from exc
            if not name:
                raise ValidationError(_("Enter the category's name."))
            services.category_update(actor=user, category=cat, data={"name": name, "order": order})
            messages.success(request, _("The category is saved."))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("news:manage_categories")
