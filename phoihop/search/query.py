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


# How many of the newest matches are ranked; see index_sql.
CANDIDATES = 200


def index_sql(
    groups: list[Group],
    *,
    now: datetime.datetime,
    committees: list[int] | None,
    limit: int,
    candidates: int = CANDIDATES,
) -> tuple[str, list[Any]]:
    """SQL giving (entry id, kind, object id, rank) of the matches, best first.

    Pre-filter: public now, or of one of `committees` (None: any committee, for system
    admins; empty: public only). The permission policies decide afterwards.

    Ranking is bounded: the full-text index finds the matches the user may see, only the
    newest `candidates` of them (highest entry id: index rows are created in the order
    objects are first indexed) are ranked (ts_rank / bm25), and the best `limit` of those
    are returned. A rare query has fewer matches than that and is ranked completely; a
    very common one ("đảng", "tuyên truyền") is ranked among its newest `candidates`
    matches only, so an old document that would rank high may be left out, and at most
    `candidates` results are found. This keeps the cost of a query proportional to
    `candidates`, not to how many documents contain a common word. Visibility is not
    affected: the committee pre-filter applies before the cut, the policies after it.
    """
    if connection.vendor == "postgresql":
        matching, match_params = _postgres_match(groups)
        visible, visible_params = _visible("e", now, committees)
        sql = POSTGRES_SQL.replace("{match}", matching).replace("{visible}", visible)
        params = [*match_params, *visible_params, candidates, tsquery(groups), limit]
        return sql, params
    match = fts5_match(groups)
    visible, visible_params = _visible("c", now, committees)
    sql = SQLITE_SQL.replace("{visible}", visible)
    return sql, [match, match, *visible_params, candidates, limit]


# The prefixes column (migration 0003) holds each word's leading 2 to 20 characters.
PREFIX_MIN, PREFIX_MAX = 2, 20


def _postgres_match(groups: list[Group]) -> tuple[str, list[Any]]:
    """The full-text condition on the index row `e`.

    For the index: the last word, when matched as a prefix, is one exact key of the
    prefixes column (a GIN prefix match 'chau:*' is many times slower), the other
    groups are matched on the document. When the planner walks the rows newest first
    instead, every row is tested: the whole query on the document comes first, as a
    plain function call (ts_match_vq, what @@ calls) that the index does not take, so
    the prefixes — large, mostly stored out of line (TOAST) — are read only for the rows
    that match anyway.
    """
    last = groups[-1]
    word = last.phrases[0][0]
    if not (last.prefix and PREFIX_MIN <= len(word) <= PREFIX_MAX):
        return "e.document @@ to_tsquery('simple', %s)", [tsquery(groups)]
    whole = "ts_match_vq(e.document, to_tsquery('simple', %s))"
    prefix = "e.prefixes @@ to_tsquery('simple', %s)"
    if len(groups) == 1:
        return f"{whole} AND {prefix}", [tsquery(groups), word]
    return (
        f"{whole} AND e.document @@ to_tsquery('simple', %s) AND {prefix}",
        [tsquery(groups), tsquery(groups[:-1]), word],
    )


# {match} is the full-text condition and {visible} the committee pre-filter (only %s
# placeholders and fixed aliases); the rank uses the whole query ('chau:*').
POSTGRES_SQL = (
    "SELECT c.id, c.kind, c.object_id, ts_rank(c.document, q.query) AS rank "
    "FROM (SELECT e.id, e.kind, e.object_id, e.document FROM search_searchentry e "
    "WHERE {match} AND {visible} "
    "ORDER BY e.id DESC LIMIT %s) AS c, to_tsquery('simple', %s) AS q(query) "
    "ORDER BY rank DESC, c.id DESC LIMIT %s"
)
# bm25 can only be computed in the query holding the MATCH: the outer query matches
# again and keeps the rows of the bounded candidate subquery.
SQLITE_SQL = (
    "SELECT e.id, e.kind, e.object_id, -bm25(search_fts, 10.0, 1.0) AS rank "
    "FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid "
    "WHERE search_fts MATCH %s AND search_fts.rowid IN ("
    "SELECT search_fts.rowid FROM search_fts "
    "JOIN search_searchentry c ON c.id = search_fts.rowid "
    "WHERE search_fts MATCH %s AND {visible} "
    "ORDER BY search_fts.rowid DESC LIMIT %s) "
    "ORDER BY rank DESC, e.id DESC LIMIT %s"
)


def _visible(
    alias: str, now: datetime.datetime, committees: list[int] | None
) -> tuple[str, list[Any]]:
    """The committee pre-filter on the index row `alias`, with its parameters."""
    if committees is None:
        return "1 = 1", []
    public = f"({alias}.public_from IS NOT NULL AND {alias}.public_from <= %s)"
    if not committees:
        return public, [now]
    marks = ", ".join(["%s"] * len(committees))
    return f"({public} OR {alias}.committee_id IN ({marks}))", [now, *committees]
