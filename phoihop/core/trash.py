"""The 30-day trash, across apps: what a secretariat may see in it and bring back.

Every model inheriting `TrashableModel` with a `committee` takes part. Listing shows the
trashed rows of the committees where the user is secretariat (all of them for a system
admin), through `restrict`. Restoring goes through the owning app's own service, found
by the naming rule every app follows — `<app>.services.<model>_restore(*, actor,
<model>=obj)` — in the way Django's admin autodiscovers `admin.py`; apps may also
`register_restorer(Model, func)` explicitly. A model without one is restored by
`core.services.restore` after the secretariat check.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from phoihop.core import permissions
from phoihop.core import services as core_services
from phoihop.core.models import TrashableModel

Restorer = Callable[..., Any]
_restorers: dict[type[models.Model], Restorer] = {}


def register_restorer(model: type[models.Model], func: Restorer) -> None:
    """`func(actor=..., obj=...)` restores one row of `model`."""
    _restorers[model] = func


def trashable_models() -> list[type[TrashableModel]]:
    """Models with a trash that belongs to a committee, in a stable order."""
    found = []
    for model in apps.get_models():
        if not issubclass(model, TrashableModel):
            continue
        names = {f.name for f in model._meta.get_fields()}
        if "committee" in names:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def model_for(label: str) -> type[TrashableModel] | None:
    return next((m for m in trashable_models() if m._meta.label_lower == label), None)


def _committees(user: Any) -> frozenset[int] | None:
    """The committees whose trash the user manages; None means every committee."""
    scope = permissions.get_scope(user)
    if scope.is_admin:
        return None
    return scope.committees_with(permissions.SECRETARIAT)


def may_use_trash(user: Any) -> bool:
    committees = _committees(user)
    return committees is None or bool(committees)


def trashed_queryset(model: type[TrashableModel], user: Any) -> models.QuerySet[Any]:
    qs = model.all_objects.filter(deleted_at__isnull=False)
    committees = _committees(user)
    if committees is not None:
        # Every trashable model here has a committee (see trashable_models).
        lookup = "committee_id__in"
        qs = qs.filter(**{lookup: committees})
    return permissions.restrict(qs, user, permissions.VIEW)


@dataclass(frozen=True)
class TrashedItem:
    label: str
    kind: str
    obj: Any
    deleted_at: datetime.datetime
    deleted_by: Any
    purge_on: datetime.date


def trashed_items(user: Any, *, limit: int = 500) -> list[TrashedItem]:
    """Everything in the user's trash, newest deletion first."""
    items: list[TrashedItem] = []
    keep = datetime.timedelta(days=core_services.TRASH_DAYS)
    for model in trashable_models():
        rows = (
            trashed_queryset(model, user)
            .select_related("deleted_by", "committee")
            .order_by("-deleted_at")[:limit]
        )
        for obj in rows:
            items.append(
                TrashedItem(
                    label=model._meta.label_lower,
                    kind=str(model._meta.verbose_name),
                    obj=obj,
                    deleted_at=obj.deleted_at,
                    deleted_by=obj.deleted_by,
                    purge_on=timezone.localdate(obj.deleted_at + keep),
                )
            )
    items.sort(key=lambda i: i.deleted_at, reverse=True)
    return items[:limit]


def _restorer(model: type[models.Model]) -> Restorer | None:
    if model in _restorers:
        return _restorers[model]
    name = str(model._meta.model_name)
    config = model._meta.app_config
    if config is None:  # pragma: no cover - every installed model has one
        return None
    try:
        module = importlib.import_module(f"{config.name}.services")
    except ModuleNotFoundError:
        return None
    func = getattr(module, f"{name}_restore", None)
    if func is None:
        return None

    def call(*, actor: Any, obj: Any) -> Any:
        return func(actor=actor, **{name: obj})

    return call


def restore_item(*, actor: Any, obj: TrashableModel) -> TrashableModel:
    """Bring `obj` back through its app's service (which checks permissions again)."""
    committees = _committees(actor)
    if committees is not None and getattr(obj, "committee_id", None) not in committees:
        raise PermissionDenied
    func = _restorer(type(obj))
    if func is not None:
        func(actor=actor, obj=obj)
    else:
        core_services.restore(actor=actor, obj=obj)
    return obj
