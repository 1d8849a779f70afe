"""Changes of reports that others keep figures on, announced inside the transaction.

The figures module (above this app) registers a listener to update its rollups in the
same transaction as each approval, return, revision, credit change and deletion; a
listener that raises rolls the change back, so figures and reports never disagree.
This app imports nothing above it: listeners register themselves here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# Kinds of change.
APPROVED = "approved"  # an activity became the counted revision of its series
RETURNED = "returned"
SUPERSEDED = "superseded"  # an approved revision stopped counting
CREDIT_ADDED = "credit_added"
CREDIT_REMOVED = "credit_removed"
CREDIT_CONFIRMED = "credit_confirmed"
TRASHED = "trashed"
RESTORED = "restored"


@dataclass(frozen=True)
class ActivityChange:
    kind: str
    activity_ids: tuple[int, ...]
    # For credit changes: the organization concerned.
    organization_id: int | None = None


Listener = Callable[[ActivityChange], None]
_listeners: list[Listener] = []


def register_listener(listener: Listener) -> Listener:
    """Usable as a decorator; registering the same function twice has no effect."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def unregister_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def announce(kind: str, activity_ids: Sequence[int], *, organization_id: int | None = None) -> None:
    """Called by the services inside their transaction."""
    if not activity_ids:
        return
    change = ActivityChange(kind, tuple(activity_ids), organization_id)
    for listener in list(_listeners):
        listener(change)


# -- rows written without signals --------------------------------------------------------
# `activities_create_many` inserts with bulk_create and `activities_update_many` writes
# with bulk_update; neither sends post_save. Modules above this app that follow saves (the
# search index) register here to be told which reports were written (new or changed),
# inside the same transaction. Kept apart from the listeners above: a draft changes no
# figures.
CreatedListener = Callable[[Sequence[int]], None]
# Told the Activity objects themselves, as just inserted, instead of their ids.
InsertedListener = Callable[[Sequence[Any]], None]
_created_listeners: list[CreatedListener] = []
_inserted_listeners: dict[CreatedListener, InsertedListener] = {}


def register_created_listener(
    listener: CreatedListener, *, inserted: InsertedListener | None = None
) -> CreatedListener:
    """Usable as a decorator; registering the same function twice has no effect.
    `inserted`, if given, is called in its place with the objects when the caller has
    just inserted them (they are as written: the listener need not read them back)."""
    if listener not in _created_listeners:
        _created_listeners.append(listener)
    if inserted is not None:
        _inserted_listeners[listener] = inserted
    return listener


def announce_created(activity_ids: Sequence[int], *, inserted: Sequence[Any] = ()) -> None:
    """Called by bulk services inside their transaction; `inserted`: the activities of
    `activity_ids` when they were inserted by the caller, as written."""
    if not activity_ids:
        return
    ids = tuple(activity_ids)
    for listener in list(_created_listeners):
        by_objects = _inserted_listeners.get(listener)
        if inserted and by_objects is not None:
            by_objects(inserted)
        else:
            listener(ids)
