"""Versioned per-process cache of the report filters' select lists: the programs and
organizations a user may pick (filtersets.ActivityFilter), the pattern of the figures'
cache (`figures.cache`: a version read in one indexed query, results kept in a bounded
in-process LRU under the version) on this lower floor.

What the lists hold depends on two things only:

- who looks: the view policy of both models is the tenant rule (`core.permissions`:
  members and successors read their committees' rows, administrators read every row),
  so the lists are a function of the readable committees, or "all" for an
  administrator — that is the key, not the user;
- the committees' programs and organizations: each committee has a version (a
  `core.SiteFlag` row, `activities.choices.<committee id>`), replaced by a fresh random
  value in the transaction of every save or delete of one of its programs or
  organizations (`post_save` / `post_delete`, registered at start-up: creation,
  renaming, trash and restore, hard delete). A program or organization never moves to
  another committee (the services and the admin keep `committee` fixed), so its
  committee's version is the one to renew. A role given or ended changes the readable
  committees, hence the key.

A page costs one query for the versions instead of the two lists (none for a user who
reads no committee). The empty filter form, rendered from the lists alone, is kept
beside them, per language (`rendered`). Not covered by a signal (bulk writes send none): programs or
organizations written with `bulk_create` / `update()`: call `renew()` after them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from phoihop.core import permissions
from phoihop.core.lru import LRU
from phoihop.core.models import SiteFlag

PREFIX = "activities.choices."
MAX_ENTRIES = 256

Choices = tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """(id, label) of what the filter lists, in the order it lists them; `key`, what
    they are cached under (who reads them, and the versions)."""

    programs: Choices
    organizations: Choices
    key: Hashable = None


_store = LRU(MAX_ENTRIES)
stats = _store.stats


def clear() -> None:
    """Forget every cached list of this process."""
    _store.clear()


def _flag(committee_id: int) -> str:
    return f"{PREFIX}{committee_id}"


def versions(scope: permissions.Scope) -> tuple[tuple[str, str], ...]:
    """The versions of the committees the scope reads (every committee's for an
    administrator), in one query; a committee never written since has none."""
    flags = SiteFlag.objects.all()
    if scope.is_admin:
        flags = flags.filter(key__startswith=PREFIX)
    else:
        flags = flags.filter(key__in=[_flag(c) for c in scope.readable_committees])
    return tuple(
        (key, str(value.get("version", "")))
        for key, value in flags.order_by("key").values_list("key", "value")
    )


def _build(user: Any, key: Hashable) -> FilterChoices:
    # Through the permission mechanism, as the filter's querysets that validate a choice;
    # the labels are the models' __str__ (title, name).
    from phoihop.orgs.models import Organization
    from phoihop.programs.models import Program

    programs = (
        Program.objects.restrict(user, permissions.VIEW)
        .order_by("-year", "title")
        .values_list("pk", "title")
    )
    organizations = (
        Organization.objects.restrict(user, permissions.VIEW)
        .order_by("name")
        .values_list("pk", "name")
    )
    return FilterChoices(programs=tuple(programs), organizations=tuple(organizations), key=key)


def filter_choices(user: Any) -> FilterChoices:
    """The programs and organizations `user` may pick in the report filter."""
    scope = permissions.get_scope(user)
    if not scope.is_admin and not scope.readable_committees:
        return FilterChoices(programs=(), organizations=())
    key = (
        "all" if scope.is_admin else tuple(sorted(scope.readable_committees)),
        versions(scope),
    )
    return _store.get_or_build(key, lambda: _build(user, key))


def rendered[T](choices: FilterChoices, language: str, build: Callable[[], T]) -> T:
    """What `build` renders from `choices` alone (and the language of its labels): kept
    beside them, so it is renewed with their version."""
    return _store.get_or_build(("rendered", choices.key, language), build)


# -- new versions ---------------------------------------------------------------------------


def renew(committee_ids: Iterable[int]) -> None:
    """Give the committees' lists a new version (in the caller's transaction)."""
    ids = sorted({c for c in committee_ids if c is not None})
    if not ids:
        return
    SiteFlag.objects.bulk_create(
        [SiteFlag(key=_flag(c), value={"version": uuid.uuid4().hex}) for c in ids],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value"],
    )


def _written(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    renew([instance.committee_id])


def register() -> None:
    from phoihop.orgs.models import Organization
    from phoihop.programs.models import Program

    for model in (Organization, Program):
        for signal in (post_save, post_delete):
            signal.connect(
                _written, sender=model, dispatch_uid=f"activities.cache.{model.__name__}"
            )
