"""Generic write services that app services build on: create, update, trash, restore.

Each validates with full_clean(), saves, and writes an audit event, atomically.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from phoihop.core import audit, clock
from phoihop.core.models import Notification, SiteFlag, TrashableModel, User

M = TypeVar("M", bound=models.Model)
T = TypeVar("T", bound=TrashableModel)

TRASH_DAYS = 30


@transaction.atomic
def model_create[M: models.Model](
    *, actor: Any, obj: M, m2m: Mapping[str, Iterable[Any]] | None = None
) -> M:
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit.record(actor=actor, action="create", obj=obj, after=audit.snapshot(obj))
    return obj


@transaction.atomic
def model_update[M: models.Model](
    *,
    actor: Any,
    obj: M,
    data: dict[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    action: str = "update",
) -> M:
    """Set the given fields, validate, save, and audit the before/after values."""
    before = audit.snapshot(obj)
    previous = {name: getattr(obj, name) for name in data}
    for name, value in data.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError:
        # The caller's object keeps its stored values, not the refused ones.
        for name, value in previous.items():
            setattr(obj, name, value)
        raise
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    after = audit.snapshot(obj)
    if after != before:
        audit.record(actor=actor, action=action, obj=obj, before=before, after=after)
    return obj


@transaction.atomic
def trash[T: TrashableModel](*, actor: Any, obj: T) -> T:
    before = audit.snapshot(obj)
    obj.deleted_at = clock.now()
    obj.deleted_by = actor if getattr(actor, "is_authenticated", False) else None
    obj.save(update_fields=["deleted_at", "deleted_by"])
    audit.record(actor=actor, action="trash", obj=obj, before=before, after=audit.snapshot(obj))
    return obj


@transaction.atomic
def restore[T: TrashableModel](*, actor: Any, obj: T) -> T:
    """Bring a row back from the trash; unique constraints are checked again."""
    before = audit.snapshot(obj)
    obj.deleted_at = None
    obj.deleted_by = None
    obj.full_clean()
    obj.save(update_fields=["deleted_at", "deleted_by"])
    audit.record(actor=actor, action="restore", obj=obj, before=before, after=audit.snapshot(obj))
    return obj


@transaction.atomic
def model_delete(*, actor: Any, obj: models.Model) -> None:
    """Hard delete, for rows that have no trash (reference data, link rows)."""
    before = audit.snapshot(obj)
    audit.record(actor=actor, action="delete", obj=obj, before=before)
    obj.delete()


def trash_expired(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment before which trashed rows may be purged."""
    return (now or clock.now()) - datetime.timedelta(days=TRASH_DAYS)


@transaction.atomic
def site_flag_set(*, key: str, value: dict[str, Any]) -> SiteFlag:
    flag, _ = SiteFlag.objects.update_or_create(key=key, defaults={"value": value})
    return flag


@transaction.atomic
def user_password_changed(*, actor: Any, user: User) -> User:
    """After the user set a password of their own, the one-time password is over."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
        audit.record(
            actor=actor,
            action="password_changed",
            obj=user,
            before={"must_change_password": True},
            after={"must_change_password": False},
        )
    return user


def save_checked[T: models.Model](obj: T, *, exclude: Iterable[str] = (), **save_kwargs: Any) -> T:
    """full_clean() and save, with the model's constraints checked by the database.

    Django's full_clean() asks the database about every unique and check constraint,
    one query each, before the save that the database would refuse anyway. Here the
    fields and clean() are validated as usual, the save runs in a savepoint, and only
    when the database refuses it are the constraints validated one by one — so the
    person gets the same message saying what to fix, and the usual path saves the
    queries. Callers that rely on a constraint's message must go through this path
    or full_clean(), never a bare save().
    """
    excluded = list(exclude)
    obj.full_clean(exclude=excluded, validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            obj.save(**save_kwargs)
    except IntegrityError:
        obj.validate_unique(exclude=excluded)
        obj.validate_constraints(exclude=excluded)
        raise
    return obj


# -- notifications ---------------------------------------------------------------------------


@transaction.atomic
def notification_create(
    *,
    recipients: Iterable[User | int | None],
    kind: str,
    text: str,
    url: str = "",
) -> list[Notification]:
    """Tell each recipient something, in the app (one row per distinct recipient).

    - `recipients`: users or user ids; None and repeats are skipped, so callers may
      pass e.g. `[report.created_by_id, report.submitted_by_id]` as they are;
    - `kind`: a short code of what happened (`"returned"`, `"approved"`, `"deadline"`);
    - `text`: the message as the recipient reads it, already translated (e.g. worded
      inside `translation.override(settings.LANGUAGE_CODE)`); cut to 500 characters;
    - `url`: where the notification leads (a path such as `/app/activities/12/`).

    One insert for all recipients; no audit event (a notification is not domain data).
    Returns the rows created. Call it inside the transaction of the change it tells of,
    so that a rolled-back change notifies nobody.
    """
    ids: list[int] = []
    for recipient in recipients:
        pk = recipient.pk if isinstance(recipient, models.Model) else recipient
        if pk is not None and pk not in ids:
            ids.append(int(pk))
    text = (text or "").strip()
    if not ids:
        return []
    if not text:
        raise ValidationError({"text": "A notification needs a text."})
    now = clock.now()
    rows = [
        Notification(
            recipient_id=pk, kind=kind[:32], text=text[:500], url=url[:500], created_at=now
        )
        for pk in ids
    ]
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notifications_mark_read(
    *, actor: User, notifications: Iterable[Notification | int] | None = None
) -> int:
    """Mark the actor's notifications read: the ones given, or all when None. Others'
    notifications are left alone. Returns how many were marked."""
    qs = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if notifications is not None:
        qs = qs.filter(
            pk__in=[n.pk if isinstance(n, Notification) else int(n) for n in notifications]
        )
    return qs.update(read_at=clock.now())
