"""Review events that apps above reviews act on, announced inside the transaction.

The news app (a floor above) registers a listener that turns a recorded conference into a
draft article for an editor; reviews imports nothing above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConferenceArticleDraft:
    """What the reviews app proposes as the news article about a conference."""

    conference_id: int
    committee_id: int
    title: str
    lead: str
    body_html: str  # cleaned again by the news service that saves it


ConferenceListener = Callable[[ConferenceArticleDraft, Any], Any]
_conference_listeners: list[ConferenceListener] = []


def register_conference_listener(listener: ConferenceListener) -> ConferenceListener:
    """Usable as a decorator; the listener gets (draft, actor) and may return the article."""
    if listener not in _conference_listeners:
        _conference_listeners.append(listener)
    return listener


def unregister_conference_listener(listener: ConferenceListener) -> None:
    if listener in _conference_listeners:
        _conference_listeners.remove(listener)


def announce_conference_article(draft: ConferenceArticleDraft, *, actor: Any) -> list[Any]:
    """Called by the reviews service inside its transaction; returns what listeners made."""
    return [listener(draft, actor) for listener in list(_conference_listeners)]
