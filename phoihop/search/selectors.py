"""The one search: index lookup, then the permission policies, then snippets.

Anonymous visitors find published articles and published programs; signed-in users
also what they may see of their committees (articles in the works, programs,
activities, practices, organizations). The index narrows by committee; every hit is
then checked again through its model's policy (phoihop.core.permissions.restrict), so
an index row that is out of date can never show something the user may not see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.safestring import SafeString

from phoihop.core import clock, permissions
from phoihop.search.highlight import highlight
from phoihop.search.index import SOURCES
from phoihop.search.models import SearchEntry
from phoihop.search.query import CANDIDATES, Group, index_sql, parse, terms

MAX_CANDIDATES = 400
PAGE_SIZE = 20


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    rank: float
    title: SafeString
    snippet: SafeString
    public: bool


@dataclass(frozen=True)
class Results:
    query: str
    groups: list[Group]
    hits: list[Hit]
    total: int
    page: int
    pages: int
    # The index had more matches than it ranks (query.CANDIDATES): "more than `total`".
    more: bool = False


def _committees(user: Any) -> list[int] | None:
    """None: every committee (system admin); else the committees the user reads."""
    scope = permissions.get_scope(user)
    if scope.is_admin:
        return None
    return sorted(scope.readable_committees)


def ranked_ids(
    user: Any, text: str, *, limit: int = MAX_CANDIDATES
) -> list[tuple[int, str, int, float]]:
    """(entry id, kind, object id, rank) of the index matches the user may see, best first."""
    return _ranked(user, parse(text), limit=limit)[0]


def _ranked(
    user: Any, groups: list[Group], *, limit: int = MAX_CANDIDATES
) -> tuple[list[tuple[int, str, int, float]], bool]:
    """ranked_ids of parsed groups, and whether the index had more matches than it ranks."""
    if not groups:
        return [], False
    sql, params = index_sql(groups, now=clock.now(), committees=_committees(user), limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(int(r[0]), str(r[1]), int(r[2]), float(r[3])) for r in cursor.fetchall()]
    by_kind: dict[str, list[int]] = defaultdict(list)
    for _, kind, object_id, _ in rows:
        by_kind[kind].append(object_id)
    allowed = {
        kind: SOURCES[kind].visible(user, ids) for kind, ids in by_kind.items() if kind in SOURCES
    }
    cut = len(rows) >= min(limit, CANDIDATES)
    return [r for r in rows if r[2] in allowed.get(r[1], set())], cut


def search(user: Any, text: str, *, page: int = 1, kind: str = "") -> Results:
    groups = parse(text)
    rows, more = _ranked(user, groups)
    if kind:
        rows = [r for r in rows if r[1] == kind]
    total = len(rows)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    entries = SearchEntry.objects.in_bulk([r[0] for r in shown])
    phrases = terms(groups)
    prefix = bool(groups and groups[-1].prefix)
    now = clock.now()
    hits = []
    for entry_id, kind_, object_id, rank in shown:
        entry = entries.get(entry_id)
        if entry is None:
            continue
        hits.append(
            Hit(
                kind=kind_,
                object_id=object_id,
                rank=rank,
                title=highlight(entry.title, phrases, prefix_last=prefix, whole=True),
                snippet=highlight(entry.body, phrases, prefix_last=prefix),
                public=entry.public_from is not None and entry.public_from <= now,
            )
        )
    return Results(
        query=text, groups=groups, hits=hits, total=total, page=page, pages=pages, more=more
    )
