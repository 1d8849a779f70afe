"""The main navigation, filled by the apps above core.

Core cannot import the domain apps, so each app registers its entries at start-up
(`register(MenuItem(...))` in its `AppConfig.ready()`), and the base template shows the
entries whose roles the signed-in user holds in any committee.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from phoihop.core.permissions import get_scope


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    # Roles (core.permissions role names) that see the entry; empty = every signed-in user.
    roles: frozenset[str] = field(default_factory=frozenset)
    # A further test on the user, for entries that depend on more than roles.
    visible: Callable[[Any], bool] | None = None


_items: dict[str, MenuItem] = {}


def register(item: MenuItem) -> MenuItem:
    """Registering the same key again replaces the entry (apps reload in tests)."""
    _items[item.key] = item
    return item


def items_for(user: Any) -> list[dict[str, str]]:
    """The entries `user` sees, in order, as {key, label, url}."""
    if not getattr(user, "is_authenticated", False):
        return []
    scope = get_scope(user)
    held: set[str] = set()
    for roles in scope.roles.values():
        held |= roles
    shown = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.roles and not (scope.is_admin or item.roles & held):
            continue
        if item.visible is not None and not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        shown.append({"key": item.key, "label": str(item.label), "url": url})
    return shown
