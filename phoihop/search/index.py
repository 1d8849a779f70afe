"""Keeping the search index current: the sources, and writing their rows.

Each source says how an object of one model becomes a row (title, plain text, committee,
public from when) and which objects a user may see (the permission policies, read again
after every index lookup). The signals in phoihop.search.signals call `index_object` /
`unindex` on every save and delete; bulk paths that send no signals (bulk_create,
queryset.update, imports) call `reindex(model, ids)`, or `index_inserted(model, objs)`
with the objects they have just inserted; `phoihop search_reindex` rebuilds
the lot.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from phoihop.activities.models import Activity
from phoihop.core import permissions
from phoihop.core.bulk import insert_rows
from phoihop.core.text import fold
from phoihop.news.choices import ArticleStatus
from phoihop.news.models import Article
from phoihop.orgs.models import Organization
from phoihop.practices.models import Practice
from phoihop.programs.models import Program
from phoihop.programs.policies import PUBLIC as PROGRAM_PUBLIC
from phoihop.search.models import SearchEntry

BODY_MAX = 20_000
# Published programs are public from the start; one fixed moment stands for "always".
ALWAYS = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Document:
    title: str
    body: str
    committee_id: int | None
    public_from: datetime.datetime | None


@dataclass(frozen=True)
class Source:
    kind: str
    model: type[models.Model]
    document: Callable[[Any], Document | None]  # None: not indexed (e.g. in the trash)
    visible: Callable[[Any, list[int]], set[int]]  # ids among these the user may see
    prefetch: tuple[str, ...] = ()


def _text(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _trashed(obj: Any) -> bool:
    return getattr(obj, "deleted_at", None) is not None


# -- documents ----------------------------------------------------------------------------
def article_document(article: Article) -> Document | None:
    if _trashed(article):
        return None
    public = article.status == ArticleStatus.PUBLISHED and article.publish_at is not None
    captions = [f"{i.caption} {i.alt_text}" for i in article.images.all()]
    return Document(
        title=article.title,
        body=_text(article.lead, strip_tags(article.body), *captions),
        committee_id=article.committee_id,
        public_from=article.publish_at if public else None,
    )


def program_document(program: Program) -> Document | None:
    if _trashed(program):
        return None
    contents = [_text(c.title, c.description) for c in program.contents.all()]
    parties = [str(p) for p in program.parties.all()]
    return Document(
        title=program.title,
        body=_text(program.number, str(program.year), *parties, *contents),
        committee_id=program.committee_id,
        public_from=ALWAYS if program.is_published else None,
    )


def activity_document(activity: Activity) -> Document | None:
    if _trashed(activity):
        return None
    # Title and narrative only: comments and return reasons are internal notes.
    return Document(
        title=activity.title,
        body=activity.narrative,
        committee_id=activity.committee_id,
        public_from=None,  # activities are never public
    )


def practice_document(practice: Practice) -> Document | None:
    if _trashed(practice):
        return None
    return Document(
        title=practice.title,
        body=practice.description,
        committee_id=practice.committee_id,
        public_from=None,
    )


def organization_document(org: Organization) -> Document | None:
    if _trashed(org):
        return None
    return Document(
        title=org.name, body=org.abbreviation, committee_id=org.committee_id, public_from=None
    )


# -- who sees what ------------------------------------------------------------------------
def _restricted(model: type[models.Model], action: str = permissions.VIEW) -> Callable:
    def visible(user: Any, ids: list[int]) -> set[int]:
        manager = model._default_manager
        qs = permissions.restrict(manager.filter(pk__in=ids), user, action)
        return set(qs.values_list("pk", flat=True))

    return visible


def _program_visible(user: Any, ids: list[int]) -> set[int]:
    public = _restricted(Program, PROGRAM_PUBLIC)(user, ids)
    if not getattr(user, "is_authenticated", False):
        return public
    return public | _restricted(Program)(user, ids)


SOURCES: dict[str, Source] = {
    s.kind: s
    for s in (
        Source("article", Article, article_document, _restricted(Article), ("images",)),
        Source("program", Program, program_document, _program_visible, ("contents", "parties")),
        Source("activity", Activity, activity_document, _restricted(Activity)),
        Source("practice", Practice, practice_document, _restricted(Practice)),
        Source("organization", Organization, organization_document, _restricted(Organization)),
    )
}
BY_MODEL: dict[type[models.Model], Source] = {s.model: s for s in SOURCES.values()}


def source_for(model: type[models.Model]) -> Source:
    for klass in model.__mro__:
        if klass in BY_MODEL:
            return BY_MODEL[klass]
    raise LookupError(f"{model.__name__} is not searchable")


# -- writing ------------------------------------------------------------------------------
CHUNK = 500
_ROW_FIELDS = (
    "committee_id",
    "public_from",
    "title",
    "body",
    "folded_title",
    "folded_body",
    "updated_at",
)


def _title(text: str) -> str:
    """`Truncator(text).chars(400)`: its NFC form, cut with an ellipsis past 400 letters.
    A text of at most 400 code points is never cut, and is not given to the Truncator
    (which translates its ellipsis on every call: half of an entry's cost)."""
    composed = unicodedata.normalize("NFC", text)
    return composed if len(composed) <= 400 else Truncator(text).chars(400)


def _row(source: Source, obj: Any, doc: Document) -> dict[str, Any]:
    title = _title(doc.title)
    body = doc.body[:BODY_MAX]
    return {
        "committee_id": doc.committee_id,
        "public_from": doc.public_from,
        "title": title,
        "body": body,
        "folded_title": fold(title)[:400],
        "folded_body": fold(body),
        "updated_at": timezone.now(),
    }


def index_object(obj: models.Model) -> SearchEntry | None:
    """Write (or remove) the row of one object, from the object as it is in the database."""
    source = source_for(type(obj))
    manager = getattr(source.model, "all_objects", source.model._default_manager)
    fresh = manager.prefetch_related(*source.prefetch).filter(pk=obj.pk).first()
    doc = source.document(fresh) if fresh is not None else None
    if doc is None:
        unindex(source.model, [obj.pk])
        return None
    entry, _ = SearchEntry.objects.update_or_create(
        kind=source.kind, object_id=obj.pk, defaults=_row(source, fresh, doc)
    )
    return entry


def unindex(model: type[models.Model], ids: Iterable[Any]) -> int:
    source = source_for(model)
    deleted, _ = SearchEntry.objects.filter(kind=source.kind, object_id__in=list(ids)).delete()
    return deleted


@transaction.atomic
def reindex(model: type[models.Model], ids: Iterable[Any] | None = None) -> int:
    """Bring the rows of `model` (all, or those `ids`) in line with the database; for
    bulk imports and any write that sends no signals. Returns the rows written."""
    source = source_for(model)
    manager = getattr(source.model, "all_objects", source.model._default_manager)
    qs = manager.prefetch_related(*source.prefetch).order_by("pk")
    entries = SearchEntry.objects.filter(kind=source.kind)
    if ids is not None:
        wanted = list(ids)
        qs = qs.filter(pk__in=wanted)
        entries = entries.filter(object_id__in=wanted)
    existing = dict(entries.values_list("object_id", "pk"))
    return _write(source, qs.iterator(chunk_size=CHUNK), existing)


@transaction.atomic
def index_inserted(model: type[models.Model], objs: list[Any]) -> int:
    """`reindex(model, [o.pk for o in objs])` for objects just inserted, from the objects
    as written instead of reading them back: the same rows (tests compare every column).
    For an import's new reports, a query a chunk for rows already there (none, unless a
    stale one) instead of a chunk read back and built into objects again. A source
    whose document reads related rows (a prefetch) is reindexed from the database."""
    source = source_for(model)
    if source.prefetch:
        return reindex(model, [o.pk for o in objs])
    objs = sorted(objs, key=lambda o: o.pk)  # reindex's order
    written = 0
    for start in range(0, len(objs), CHUNK):
        chunk = objs[start : start + CHUNK]
        existing = dict(
            SearchEntry.objects.filter(
                kind=source.kind, object_id__in=[o.pk for o in chunk]
            ).values_list("object_id", "pk")
        )
        written += _write(source, chunk, existing)
    return written


def _write(source: Source, objs: Iterable[Any], existing: dict[int, int]) -> int:
    """Write the rows of `objs` (`existing`: object id -> entry id of the rows already
    there, updated; those whose object now has no document are deleted)."""
    written, seen = 0, set()
    fresh: list[SearchEntry] = []
    changed: list[SearchEntry] = []
    fields = list(_ROW_FIELDS)

    def flush() -> None:
        # One statement per chunk, not one per object: an import of 50,000 reports
        # would otherwise spend most of its write transaction here. New rows by COPY on
        # PostgreSQL (its generated tsvector columns are computed as on INSERT).
        insert_rows(SearchEntry, fresh, batch_size=CHUNK)
        SearchEntry.objects.bulk_update(changed, fields, batch_size=CHUNK)
        fresh.clear()
        changed.clear()

    for obj in objs:
        doc = source.document(obj)
        if doc is None:
            continue
        seen.add(obj.pk)
        entry = SearchEntry(kind=source.kind, object_id=obj.pk, **_row(source, obj, doc))
        if obj.pk in existing:
            entry.pk = existing[obj.pk]
            changed.append(entry)
        else:
            fresh.append(entry)
        written += 1
        if len(fresh) + len(changed) >= CHUNK:
            flush()
    flush()
    stale = set(existing) - seen
    if stale:
        SearchEntry.objects.filter(kind=source.kind, object_id__in=stale).delete()
    return written


def reindex_all() -> dict[str, int]:
    return {kind: reindex(source.model) for kind, source in SOURCES.items()}
