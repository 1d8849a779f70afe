"""Versioned result cache of the figures reads (docs/figures.md, "Cached reads").

A built program's figures are a function of its rollup rows and of a little reference
data (indicators, targets, contents, names of organizations, units and target groups,
unit successions). `ProgramRollup.version` is replaced by a fresh random value in the
transaction of every change to either: the rollup writers (`rollups._refresh`, which the
activities listener and the area classification hook use, and `rollups.rebuild`) and,
here, `post_save` / `post_delete` of the reference models. A read of a built program
costs one indexed query for the version; a result computed for the same arguments, the
same version and the same language is served from a bounded in-process LRU.

Results are frozen dataclasses; the mappings inside the cached ones are read-only
(`MappingProxyType`), so no caller can change what another one will be served.

Not covered by a signal (bulk writes send none): loading reports without the services
(run `phoihop figures rebuild`, which gives a new version) and bulk writes of reference
data (`geo` imports of units and successions): call `touch()` after them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable
from types import MappingProxyType
from typing import Any

from django.db.models import Model, OuterRef, Q, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save

from phoihop.core.lru import LRU
from phoihop.figures import types as ft
from phoihop.figures.models import ProgramRollup

MAX_ENTRIES = 256
# Rows and indicator results held in all (a program year's full breakdown at the
# province scale is ~17,000: 5,208 rows and 12,205 indicator results).
MAX_WEIGHT = 120_000


_store = LRU(MAX_ENTRIES, MAX_WEIGHT)
stats = _store.stats
get = _store.get
put = _store.put


def get_or_build[T](key: Hashable, build: Callable[[], T], weight: Callable[[T], int]) -> T:
    """The cached value of `key`, or `build()` kept under it with its `weight`."""
    return _store.get_or_build(key, build, weight)


def clear() -> None:
    """Forget every cached result of this process (the benchmark's cold reads)."""
    _store.clear()


def version(program_id: int) -> uuid.UUID | None:
    """The program's figures version; None when it is not built (read from raw rows)."""
    return (
        ProgramRollup.objects.filter(program_id=program_id)
        .values_list("version", flat=True)
        .first()
    )


def versions_with_lineage(program_id: int) -> dict[int, uuid.UUID | None]:
    """The versions of the program and of the programs its indicators continue
    (`Indicator.lineage`), in one query; None for a program not built."""
    from phoihop.programs.models import Indicator, Program

    previous = Indicator.objects.filter(
        content__program_id=program_id, lineage__isnull=False
    ).values("lineage__content__program_id")
    rows = (
        Program.all_objects.filter(Q(pk=program_id) | Q(pk__in=previous))
        .annotate(
            v=Subquery(ProgramRollup.objects.filter(program_id=OuterRef("pk")).values("version"))
        )
        .values_list("pk", "v")
        .order_by("pk")
    )
    return dict(rows)


# -- read-only results ----------------------------------------------------------------------


def _read_only(mapping: Any) -> MappingProxyType:
    # A dict built for this instance alone (the selectors build a new one for each) is
    # wrapped as it is: nothing else holds it.
    return MappingProxyType(mapping if type(mapping) is dict else dict(mapping))


def _freeze_measures(m: ft.Measures) -> int:
    # The instance was just built by the caller and is not shared yet. The selectors
    # build the mappings of what they cache read-only already (nothing to wrap).
    if type(m.indicators) is not MappingProxyType:
        object.__setattr__(m, "indicators", _read_only(m.indicators))
    if type(m.funding_by_source) is not MappingProxyType:
        object.__setattr__(m, "funding_by_source", _read_only(m.funding_by_source))
    return 1 + len(m.indicators)


def freeze_breakdown(b: ft.Breakdown) -> int:
    """Make the mappings inside `b` read-only; its weight (rows and indicator results)."""
    weight = _freeze_measures(b.total)
    for row in b.rows:
        weight += _freeze_measures(row.measures)
    return weight


def freeze_lines(lines: tuple[ft.IndicatorLine, ...]) -> int:
    return 1 + len(lines)


# -- new versions ---------------------------------------------------------------------------


def touch(program_ids: Iterable[int] | Any | None = None) -> None:
    """Give the programs (None: every program; or a queryset of ids) a new version."""
    qs = ProgramRollup.objects.all()
    if program_ids is not None:
        qs = qs.filter(program_id__in=program_ids)
    qs.update(version=uuid.uuid4())


def _program(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    touch([instance.pk])


def _content(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    touch([instance.program_id])


def _indicator(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    from phoihop.programs.models import ProgramContent

    touch(ProgramContent.objects.filter(pk=instance.content_id).values("program_id"))


def _target(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    from phoihop.programs.models import Indicator

    touch(Indicator.objects.filter(pk=instance.indicator_id).values("content__program_id"))


def _everything(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    # Names and successions of shared reference data: rare edits, every program.
    touch()


# -- what completeness reads besides --------------------------------------------------------
#
# `selectors.completeness` counts reports submitted in any status (not only those the
# rollups hold), nil reports, and the contents' lead and co-operating organizations. A
# submission, an edit of a submitted report, a nil report and a change of a content's
# co-operating organizations give the program a new version too, in their transaction,
# after locking the program row: the rollup writers lock it before writing the version,
# and the same order (program, then version) keeps them from deadlocking.


def _lock_and_touch(program_ids: Iterable[int]) -> None:
    from django.db import connection

    from phoihop.programs.models import Program

    ids = sorted(set(program_ids))
    if not ids:
        return
    if connection.in_atomic_block:
        list(
            Program.all_objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk")
        )
    touch(ids)


def _activity(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    # A report never submitted (a draft) is not in completeness; one submitted is, in
    # any status.
    if instance.submitted_at is not None:
        _lock_and_touch([instance.program_id])


def _activities_written(activity_ids: Any) -> None:
    """Reports written in bulk (no signals; announced by the activities services)."""
    from phoihop.activities.models import Activity

    _lock_and_touch(
        Activity.all_objects.filter(pk__in=list(activity_ids), submitted_at__isnull=False)
        .values_list("program_id", flat=True)
        .distinct()
        .order_by()
    )


def _nil_report(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    _lock_and_touch([instance.program_id])


def _co_organizations(
    sender: type[Model], instance: Any, action: str, pk_set: Any, **kwargs: Any
) -> None:
    from phoihop.programs.models import ProgramContent

    if not action.startswith("post_"):
        return
    if isinstance(instance, ProgramContent):
        _lock_and_touch([instance.program_id])
    elif pk_set is None:  # an organization's contents cleared
        touch()
    else:  # from the organization's side
        _lock_and_touch(
            ProgramContent.objects.filter(pk__in=pk_set).values_list("program_id", flat=True)
        )


def register() -> None:
    from phoihop.activities import events
    from phoihop.activities.models import Activity, NilReport
    from phoihop.geo.models import AdminUnit, AdminUnitSuccession
    from phoihop.orgs.models import Organization
    from phoihop.programs.models import Indicator, Program, ProgramContent, Target, TargetGroup

    receivers = (
        (Activity, _activity),
        (NilReport, _nil_report),
        (Program, _program),
        (ProgramContent, _content),
        (Indicator, _indicator),
        (Target, _target),
        (TargetGroup, _everything),
        (Organization, _everything),
        (AdminUnit, _everything),
        (AdminUnitSuccession, _everything),
    )
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"figures.cache.{model.__name__}")
    m2m_changed.connect(
        _co_organizations,
        sender=ProgramContent.co_organizations.through,
        dispatch_uid="figures.cache.co_organizations",
    )
    events.register_created_listener(_activities_written)
