"""Audit events: every service records what it changed, in the same transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from phoihop.core import clock
from phoihop.core.bulk import insert_rows
from phoihop.core.middleware import current_request_id
from phoihop.core.models import AuditEvent

_SKIP = frozenset({"updated_at", "password"})


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model, *, m2m: bool = True) -> dict[str, Any]:
    """The object's concrete field values (FKs as ids, M2M as sorted ids) as JSON values."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    if m2m and obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(
                _jsonable(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True)
            )
    return data


def committee_of(obj: models.Model) -> int | None:
    """The tenant an object belongs to, when it has one (see core.permissions)."""
    getter = getattr(obj, "audit_committee_id", None)
    if callable(getter):
        return getter()
    value = getattr(obj, "committee_id", None)
    return int(value) if value is not None else None


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        at=clock.now(),
        actor_id=actor_id,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        committee_id=committee_of(obj),
        before=before,
        after=after,
        request_id=current_request_id.get(),
        note=note,
    )


def record_many(
    *, actor: Any, action: str, changes: list[tuple[models.Model, dict | None, dict | None]]
) -> list[AuditEvent]:
    """One audit row per object of a bulk operation, written in one COPY on PostgreSQL
    (an import's tens of thousands of events), in INSERTs of 500 rows elsewhere."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    request_id = current_request_id.get()
    rows = [
        AuditEvent(
            at=clock.now(),
            actor_id=actor_id,
            action=action,
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            committee_id=committee_of(obj),
            before=before,
            after=after,
            request_id=request_id,
        )
        for obj, before, after in changes
    ]
    return insert_rows(AuditEvent, rows, ids=True, batch_size=500)


def history(obj: models.Model) -> models.QuerySet[AuditEvent]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")
