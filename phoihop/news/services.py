"""Writes of the news section: categories, articles along their status, images.

Each service is atomic, checks permissions through phoihop.news.policies and writes an
audit event. Decisions written down here:
- Editors and the secretariat of the committee write; system admins too.
- Article bodies are cleaned by phoihop.news.html.clean_body here, so every way in (the
  admin, the editor, an import, the review conference) stores the same clean HTML.
- Slugs come from the Vietnamese title folded (Ủy ban → uy-ban, Đảng → dang) and are
  made unique within the committee with -2, -3, ... A slug is kept once the article
  has been published (its address is out there); before that it follows the title.
- draft → in review → published; in review may go back to draft; published goes back
  to draft (unpublished) or to the archive, and the archive back to draft.
- Publishing stamps `publish_at` with clock.now(), or a later moment to schedule it:
  the article is public only once that moment has passed (policies.public_articles).
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.core import audit, clock, permissions
from phoihop.core import services as core_services
from phoihop.core.models import User
from phoihop.core.text import fold
from phoihop.core.workflow import Transitions
from phoihop.news.choices import ArticleStatus
from phoihop.news.html import clean_body
from phoihop.news.images import reencode
from phoihop.news.models import SLUG_MAX, Article, ArticleImage, Category
from phoihop.news.policies import WRITERS
from phoihop.orgs.models import Committee

S = ArticleStatus
TRANSITIONS = Transitions(
    {
        S.DRAFT: {S.IN_REVIEW},
        S.IN_REVIEW: {S.DRAFT, S.PUBLISHED},
        S.PUBLISHED: {S.DRAFT, S.ARCHIVED},
        S.ARCHIVED: {S.DRAFT},
    },
    labels=cast(dict[str, str], dict(ArticleStatus.choices)),
)

CATEGORY_FIELDS = frozenset({"name", "slug", "order"})
ARTICLE_FIELDS = frozenset({"title", "slug", "lead", "body", "category", "origin"})
IMAGE_FIELDS = frozenset({"caption", "alt_text", "order"})
DEFAULT_SLUG = "bai-viet"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# -- helpers ------------------------------------------------------------------------------
def slug_from_title(title: str, *, max_length: int = SLUG_MAX - 10) -> str:
    """ "Ủy ban MTTQ tỉnh" -> "uy-ban-mttq-tinh": folded, ASCII, cut at a word boundary."""
    slug = _NOT_SLUG.sub("-", fold(title)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def _unique_slug(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def _article_slug(committee_id: int, base: str, *, exclude_pk: int | None = None) -> str:
    base = base or DEFAULT_SLUG
    taken = Article.objects.filter(committee_id=committee_id, slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return _unique_slug(base, taken.values_list("slug", flat=True))


def _category_slug(committee_id: int, base: str, *, exclude_pk: int | None = None) -> str:
    base = base or "chuyen-muc"
    taken = Category.objects.filter(committee_id=committee_id, slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return _unique_slug(base, taken.values_list("slug", flat=True))


def _only(data: dict[str, Any], allowed: Iterable[str]) -> None:
    refused = sorted({name.removesuffix("_id") for name in data} - set(allowed))
    if refused:
        raise ValidationError(
            _("These fields cannot be changed here: {fields}.").format(fields=", ".join(refused))
        )


def may_write(actor: Any, committee: Committee) -> bool:
    """Whether the actor edits the news of that committee (editor, secretariat, admin)."""
    scope = permissions.get_scope(actor)
    return scope.is_admin or committee.pk in scope.committees_with(*WRITERS)


def _require_writer(actor: Any, committee: Committee) -> None:
    if not may_write(actor, committee):
        raise PermissionDenied


def _locked(article: Article) -> Article:
    """Re-read and lock, so two status changes at once cannot start from the same status."""
    return Article.all_objects.select_for_update().get(pk=article.pk)


def _expect(article: Article, status: str) -> None:
    """Several moves lead back to draft; each starts from its own status only."""
    if article.status != status:
        raise ValidationError(
            _(
                "This can be done only to an article in status “{status}”; it is “{current}”."
            ).format(status=S(status).label, current=S(article.status).label),
            code="invalid_transition",
        )


def _alive(article: Article) -> None:
    if article.is_trashed:
        raise ValidationError(_("The article is in the trash: restore it first."))


# -- categories ---------------------------------------------------------------------------
@transaction.atomic
def category_create(
    *, actor: User, committee: Committee, name: str, slug: str = "", order: int = 0
) -> Category:
    _require_writer(actor, committee)
    category = Category(
        committee=committee,
        name=name.strip(),
        slug=slug or _category_slug(committee.pk, slug_from_title(name)),
        order=order,
    )
    return core_services.model_create(actor=actor, obj=category)


def category_update(*, actor: User, category: Category, data: dict[str, Any]) -> Category:
    """Rename or reorder a category; its slug changes only when given."""
    permissions.require(actor, permissions.CHANGE, category)
    _only(data, CATEGORY_FIELDS)
    if "slug" in data and not data["slug"]:
        data = {
            **data,
            "slug": _category_slug(
                category.committee_id,
                slug_from_title(data.get("name", category.name)),
                exclude_pk=category.pk,
            ),
        }
    return core_services.model_update(actor=actor, obj=category, data=data)


@transaction.atomic
def category_delete(*, actor: User, category: Category) -> None:
    """Delete an empty category; one that holds articles (trashed ones too) is refused."""
    permissions.require(actor, permissions.DELETE, category)
    if Article.all_objects.filter(category=category).exists():
        raise ValidationError(
            _(
                "The category “{name}” still holds articles: move them to another category first."
            ).format(name=category.name),
            code="protected",
        )
    core_services.model_delete(actor=actor, obj=category)


# -- articles -----------------------------------------------------------------------------
@transaction.atomic
def article_create(
    *,
    actor: User,
    committee: Committee,
    title: str,
    author: User | None = None,
    category: Category | None = None,
    lead: str = "",
    body: str = "",
    origin: str = "",
    slug: str = "",
) -> Article:
    """A draft article. `author` is who wrote it (the actor when not given); the body is
    cleaned; the slug comes from the title unless given."""
    _require_writer(actor, committee)
    article = Article(
        committee=committee,
        category=category,
        title=title.strip(),
        lead=lead.strip(),
        body=clean_body(body),
        origin=origin,
        author=author or actor,
        slug=_article_slug(committee.pk, slug or slug_from_title(title)),
        created_at=clock.now(),
    )
    return core_services.model_create(actor=actor, obj=article)


@transaction.atomic
def article_update(*, actor: User, article: Article, data: dict[str, Any]) -> Article:
    """Edit an article's text, category or source; the body is cleaned. An article that
    was never published follows its title's slug; a published one keeps its address."""
    permissions.require(actor, permissions.CHANGE, article)
    _alive(article)
    _only(data, ARTICLE_FIELDS)
    data = dict(data)
    if "body" in data:
        data["body"] = clean_body(data["body"] or "")
    for name in ("title", "lead"):
        if name in data:
            data[name] = (data[name] or "").strip()
    never_published = article.publish_at is None and article.status in (S.DRAFT, S.IN_REVIEW)
    if data.get("slug"):
        data["slug"] = _article_slug(article.committee_id, data["slug"], exclude_pk=article.pk)
    elif "slug" in data or ("title" in data and never_published):
        base = slug_from_title(data.get("title", article.title))
        data["slug"] = _article_slug(article.committee_id, base, exclude_pk=article.pk)
    return core_services.model_update(actor=actor, obj=article, data=data)


def _move(
    *,
    actor: User,
    article: Article,
    target: str,
    action: str,
    note: str = "",
    **fields: Any,
) -> Article:
    TRANSITIONS.check(article.status, target)
    before = audit.snapshot(article)
    article.status = target
    for name, value in fields.items():
        setattr(article, name, value)
    core_services.save_checked(article, update_fields=["status", "updated_at", *fields])
    audit.record(
        actor=actor,
        action=action,
        obj=article,
        before=before,
        after=audit.snapshot(article),
        note=note,
    )
    return article


@transaction.atomic
def article_submit_for_review(*, actor: User, article: Article) -> Article:
    permissions.require(actor, permissions.CHANGE, article)
    article = _locked(article)
    _alive(article)
    if not article.body.strip() and not article.lead.strip():
        raise ValidationError(_("Write the lead or the body before sending it for review."))
    return _move(actor=actor, article=article, target=S.IN_REVIEW, action="submit")


@transaction.atomic
def article_return_to_draft(*, actor: User, article: Article, note: str = "") -> Article:
    """Send an article in review back to its author, with the reason."""
    permissions.require(actor, permissions.CHANGE, article)
    article = _locked(article)
    _alive(article)
    _expect(article, S.IN_REVIEW)
    return _move(actor=actor, article=article, target=S.DRAFT, action="return", note=note)


@transaction.atomic
def article_publish(
    *, actor: User, article: Article, at: datetime.datetime | None = None
) -> Article:
    """Publish an article in review now (at=None: clock.now()) or at a later moment."""
    permissions.require(actor, permissions.MANAGE, article)
    article = _locked(article)
    _alive(article)
    now = clock.now()
    if at is None:
        at = now
    else:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        if at < now:
            raise ValidationError(
                {"publish_at": _("The publication time cannot be in the past.")},
                code="past",
            )
    if not article.title.strip():
        raise ValidationError(_("An article needs a title to be published."))
    return _move(
        actor=actor,
        article=article,
        target=S.PUBLISHED,
        action="publish",
        publish_at=at,
        published_by=actor,
    )


@transaction.atomic
def article_unpublish(*, actor: User, article: Article, note: str = "") -> Article:
    """Take a published (or scheduled) article off the public section, back to draft."""
    permissions.require(actor, permissions.MANAGE, article)
    article = _locked(article)
    _alive(article)
    _expect(article, S.PUBLISHED)
    return _move(
        actor=actor,
        article=article,
        target=S.DRAFT,
        action="unpublish",
        note=note,
        publish_at=None,
        published_by=None,
    )


@transaction.atomic
def article_archive(*, actor: User, article: Article) -> Article:
    """Withdraw a published article from the public section, keeping it as it was."""
    permissions.require(actor, permissions.MANAGE, article)
    article = _locked(article)
    _alive(article)
    return _move(actor=actor, article=article, target=S.ARCHIVED, action="archive")


@transaction.atomic
def article_reopen(*, actor: User, article: Article) -> Article:
    """An archived article back to draft, to be reviewed and published again."""
    permissions.require(actor, permissions.MANAGE, article)
    article = _locked(article)
    _alive(article)
    _expect(article, S.ARCHIVED)
    return _move(
        actor=actor,
        article=article,
        target=S.DRAFT,
        action="reopen",
        publish_at=None,
        published_by=None,
    )


@transaction.atomic
def article_trash(*, actor: User, article: Article) -> Article:
    """To the trash (30 days): it leaves the public section at once."""
    permissions.require(actor, permissions.DELETE, article)
    article = _locked(article)
    if article.is_trashed:
        return article
    return core_services.trash(actor=actor, obj=article)


@transaction.atomic
def article_restore(*, actor: User, article: Article) -> Article:
    """Back from the trash; if its slug was taken meanwhile, it gets a new suffix."""
    permissions.require(actor, permissions.MANAGE, article)
    article = _locked(article)
    if not article.is_trashed:
        return article
    free = _article_slug(article.committee_id, article.slug, exclude_pk=article.pk)
    if free != article.slug:
        before = audit.snapshot(article)
        article.slug = free
        article.save(update_fields=["slug", "updated_at"])
        audit.record(
            actor=actor, action="update", obj=article, before=before, after=audit.snapshot(article)
        )
    return core_services.restore(actor=actor, obj=article)


# -- images -------------------------------------------------------------------------------
def _read(upload: IO[bytes] | bytes) -> bytes:
    if isinstance(upload, bytes):
        return upload
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read()


@transaction.atomic
def image_add(
    *,
    actor: User,
    article: Article,
    upload: IO[bytes] | bytes,
    alt_text: str,
    caption: str = "",
    order: int | None = None,
) -> ArticleImage:
    """Add a photo to an article: checked by its content, re-encoded without EXIF and
    within 1,600 px, stored under a server-made name; alt text is required."""
    permissions.require(actor, permissions.CHANGE, article)
    _alive(article)
    if not alt_text.strip():
        raise ValidationError({"alt_text": _("Describe what the image shows (alternative text).")})
    clean = reencode(_read(upload))
    if order is None:
        last = article.images.aggregate(last=Max("order"))["last"]
        order = 0 if last is None else last + 1
    image = ArticleImage(
        article=article, caption=caption.strip(), alt_text=alt_text.strip(), order=order
    )
    image.image.save(f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.data), save=False)
    name = image.image.name or ""
    try:
        return core_services.model_create(actor=actor, obj=image)
    except Exception:
        image.image.storage.delete(name)
        raise


def image_update(*, actor: User, image: ArticleImage, data: dict[str, Any]) -> ArticleImage:
    """Change the caption, alternative text or order (the file itself is replaced by
    removing the image and adding a new one)."""
    permissions.require(actor, permissions.CHANGE, image)
    _only(data, IMAGE_FIELDS)
    return core_services.model_update(actor=actor, obj=image, data=data)


@transaction.atomic
def image_remove(*, actor: User, image: ArticleImage) -> None:
    """Remove an image; its file is deleted once the removal is committed."""
    permissions.require(actor, permissions.DELETE, image)
    storage, name = image.image.storage, image.image.name or ""
    core_services.model_delete(actor=actor, obj=image)
    if name:
        transaction.on_commit(lambda: storage.delete(name))
