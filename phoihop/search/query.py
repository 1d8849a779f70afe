"""From what a person typed to an index query, on SQLite (FTS5) and PostgreSQL.

The text is folded as the index is (phoihop.core.text.fold), cut into words of letters
and digits (so nothing the user types reaches the query syntax), and every glossary
entry is matched both ways: "PHHĐ" also looks for "phối hợp hoạt động" and the phrase
also looks for "PHHĐ". All groups must match (AND); a group is a word, or the
alternatives (OR) of an abbreviation and its phrase. The last word matches as a prefix.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from phoihop.core.models import Abbreviation
from phoihop.core.text import fold

WORD = re.compile(r"[a-z0-9]+")
MAX_WORDS = 12


@dataclass(frozen=True)
class Group:
    """One thing that must match: any of `phrases` (each a tuple of words)."""

    phrases: tuple[tuple[str, ...], ...]
    prefix: bool = False


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def _glossary() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(abbreviation words, expansion words) for every glossary entry."""
    pairs = []
    for short, expansion in Abbreviation.objects.values_list("short", "expansion"):
        s, e = tuple(words(short)), tuple(words(expansion))
        if s and e:
            pairs.append((s, e))
    return pairs


def parse(text: str) -> list[Group]:
    tokens = words(text)[:MAX_WORDS]
    if not tokens:
        return []
    glossary = _glossary()
    groups: list[Group] = []
    i = 0
    while i < len(tokens):
        matched = None
        # The longest glossary phrase or abbreviation starting here wins.
        for short, expansion in sorted(glossary, key=lambda p: -max(len(p[0]), len(p[1]))):
            for seen, other in ((expansion, short), (short, expansion)):
                if tuple(tokens[i : i + len(seen)]) == seen:
                    matched = (seen, other)
                    break
            if matched:
                break
        if matched:
            groups.append(Group(phrases=(matched[0], matched[1])))
            i += len(matched[0])
        else:
            groups.append(Group(phrases=((tokens[i],),)))
            i += 1
    last = groups[-1]
    if len(last.phrases) == 1 and len(last.phrases[0]) == 1:
        groups[-1] = Group(phrases=last.phrases, prefix=True)
    return groups


def terms(groups: list[Group]) -> list[tuple[str, ...]]:
    """Every phrase of the query, for highlighting."""
    return [phrase for g in groups for phrase in g.phrases]


def fts5_match(groups: list[Group]) -> str:
    """'("phhd" OR "phoi hop hoat dong") "mat" "tran"*' — words are [a-z0-9] only."""
    parts = []
    for g in groups:
        alts = [f'"{" ".join(p)}"' + ("*" if g.prefix else "") for p in g.phrases]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def tsquery(groups: list[Group]) -> str:
    """'(phhd | phoi <-> hop <-> hoat <-> dong) & mat & tran:*' for to_tsquery('simple')."""
    parts = []
    for g in groups:
        alts = [" <-> ".join(p) + (":*" if g.prefix else "") for p in g.phrases]
        parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(f"({a})" for a in alts) + ")")
    return " & ".join(parts)


def index_sql(
    groups: list[Group], *, now: datetime.datetime, committees: list[int] | None, limit: int
) -> tuple[str, list[Any]]:
    """SQL giving (entry id, kind, object id, rank) of the matches, best first.

    Pre-filter: public now, or of one of `committees` (None: any committee, for system
    admins; empty: public only). The permission policies decide afterwards.
    """
    params: list[Any] = []
    if connection.vendor == "postgresql":
        where = "e.document @@ q.query"
        params.append(tsquery(groups))
        select = (
            "SELECT e.id, e.kind, e.object_id, ts_rank(e.document, q.query) AS rank "
            "FROM search_searchentry e, to_tsquery('simple', %s) AS q(query) "
        )
        order = "rank DESC, e.id DESC"
    else:
        where = "search_fts MATCH %s"
        params.append(fts5_match(groups))
        select = (
            "SELECT e.id, e.kind, e.object_id, -bm25(search_fts, 10.0, 1.0) AS rank "
            "FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid "
        )
        order = "rank DESC, e.id DESC"
    visible = "(e.public_from IS NOT NULL AND e.public_from <= %s)"
    params.append(now)
    if committees is None:
        visible = "1 = 1"
        params.pop()
    elif committees:
        marks = ", ".join(["%s"] * len(committees))
        visible = f"({visible} OR e.committee_id IN ({marks}))"
        params.extend(committees)
    sql = f"{select}WHERE {where} AND {visible} ORDER BY {order} LIMIT %s"
    params.append(limit)
    return sql, params
