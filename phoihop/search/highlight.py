"""Snippets with the matched words marked, built on the original Vietnamese text.

The text is folded character by character (so positions in the folded copy are those of
the original), the query's phrases are found there, and the snippet is assembled from
escaped pieces of the original with <mark> around the matches: whatever the stored text
holds, only our own <mark> tags reach the page unescaped.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_CHARS = 220


def fold_aligned(text: str) -> str:
    """fold() that keeps one character per character, so indexes line up."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        base = base.replace("đ", "d").replace("Đ", "D").lower()
        out.append(base[0] if len(base) == 1 else (base[:1] or " "))
    return "".join(out)


def _pattern(phrases: list[tuple[str, ...]], prefix_last: bool) -> re.Pattern[str] | None:
    alts = []
    for words in sorted(phrases, key=lambda p: -len(" ".join(p))):
        body = r"[^a-z0-9]+".join(re.escape(w) for w in words)
        alts.append(body)
    if not alts:
        return None
    tail = r"[a-z0-9]*" if prefix_last else ""
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alts) + ")" + tail + r"(?![a-z0-9])")


def highlight(
    text: str,
    phrases: list[tuple[str, ...]],
    *,
    prefix_last: bool = False,
    length: int = SNIPPET_CHARS,
    whole: bool = False,
) -> SafeString:
    """The part of `text` around the first match (or all of it with whole=True), escaped,
    matches wrapped in <mark>."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    folded = fold_aligned(text)
    pattern = _pattern(phrases, prefix_last)
    matches = list(pattern.finditer(folded)) if pattern else []
    start, end = 0, len(text)
    if not whole and len(text) > length:
        first = matches[0].start() if matches else 0
        start = max(0, first - length // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + length)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    pieces: list[str] = []
    pos = start
    for m in matches:
        if m.end() <= start or m.start() >= end:
            continue
        s, e = max(m.start(), start), min(m.end(), end)
        pieces.append(escape(text[pos:s]))
        pieces.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    pieces.append(escape(text[pos:end]))
    html = "".join(pieces).replace("</mark> <mark>", " ")  # adjacent words: one mark
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return mark_safe(html)  # noqa: S308 - every piece of the text is escaped above
