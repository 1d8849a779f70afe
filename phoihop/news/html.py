"""Article bodies are cleaned through an allow-list, whatever wrote them (the admin, the
editor, an API, an import, the review conference): the services call `clean_body`.

Everything not listed is removed: scripts, styles and their content, event handlers,
`style` attributes, iframes, forms, `javascript:` and `data:` links. Images may only
show files of our own media storage, so an article cannot load (or track readers
through) anything from elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from django.conf import settings

TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "a",
        "blockquote",
        "figure",
        "figcaption",
        "img",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with everything inside them, not just their tags.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})
LINK_REL = "noopener noreferrer"


def media_prefix() -> str:
    """The path our uploaded files are served under, e.g. "/media/"."""
    return "/" + settings.MEDIA_URL.strip("/") + "/"


def is_own_media(src: str) -> bool:
    parts = urlsplit(src.strip())
    return (
        not parts.scheme
        and not parts.netloc
        and parts.path.startswith(media_prefix())
        and ".." not in parts.path
        and "\\" not in src
    )


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if is_own_media(value) else None
    if attribute in ("colspan", "rowspan"):
        return value if value.isdigit() and 0 < int(value) <= 100 else None
    return value


def clean_body(html: str) -> str:
    """The body with only the allowed markup; links get rel="noopener noreferrer"."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
    ).strip()
