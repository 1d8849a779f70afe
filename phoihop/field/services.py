"""Writes from the offline app: each upload is idempotent, each conflict is reported.

The phone sends a report with the id it generated and the server version it last saw.
A retry after a dropped connection finds the report it created the first time; an edit
made on the phone against a version the server has moved past is refused with the
server's copy, so the person chooses, never the server silently.
"""

from __future__ import annotations

import datetime
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from phoihop.activities import services as activity_services
from phoihop.activities.models import Activity, Attachment
from phoihop.core import permissions
from phoihop.core.models import User
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program, ProgramContent

SYNCED_FIELDS = ("title", "start_date", "end_date", "narrative", "not_for_publication")


class SyncConflictError(Exception):
    """The server's copy changed since the phone last saw it, or may no longer change."""

    def __init__(self, activity: Activity, message: str) -> None:
        super().__init__(message)
        self.activity = activity
        self.message = message


@dataclass(frozen=True)
class SyncResult:
    activity: Activity
    created: bool


def _date(value: Any, label: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({label: [_("Enter a date as dd/mm/yyyy.")]}, code="invalid") from None


def _ids(mapping: Any) -> dict[int, Any]:
    if not isinstance(mapping, dict):
        return {}
    out = {}
    for key, value in mapping.items():
        if value in ("", None):
            continue
        try:
            out[int(key)] = value
        except (TypeError, ValueError):
            continue
    return out


def _visible(model: type[Model], user: User, pk: Any, field: str) -> Any:
    try:
        return permissions.restrict(model._default_manager.all(), user, permissions.VIEW).get(
            pk=int(pk)
        )
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise ValidationError({field: [_("Choose one of the listed values.")]}) from None


def _fields(user: User, data: dict[str, Any]) -> dict[str, Any]:
    content = _visible(ProgramContent, user, data.get("content"), "content")
    try:
        locality = AdminUnit.objects.get(pk=int(data.get("locality") or 0), level="commune")
    except (AdminUnit.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"locality": [_("Choose the commune from the list.")]}) from None
    return {
        "content": content,
        "locality": locality,
        "title": str(data.get("title") or "").strip(),
        "start_date": _date(data.get("start_date"), "start_date"),
        "end_date": _date(data.get("end_date") or data.get("start_date"), "end_date"),
        "narrative": str(data.get("narrative") or ""),
        "not_for_publication": bool(data.get("not_for_publication")),
        "participants": dict(_ids(data.get("participants"))),
        "values": _ids(data.get("values")),
        "funding": {
            str(k): v for k, v in (data.get("funding") or {}).items() if v not in ("", None)
        },
    }


@transaction.atomic
def report_sync(*, actor: User, data: dict[str, Any]) -> SyncResult:
    """Create the report the phone made, or apply the phone's edit to it.

    `data["uuid"]` is the phone's id; `data["base_version"]` the server version the
    phone's copy was made from (None for a report the server has never seen)."""
    try:
        client_id = uuidlib.UUID(str(data.get("uuid")))
    except ValueError:
        raise ValidationError({"uuid": [_("The report has no valid id.")]}) from None
    existing = Activity.all_objects.filter(uuid=client_id).first()
    if existing is None:
        fields = _fields(actor, data)
        content: ProgramContent = fields.pop("content")
        program: Program = content.program
        organization = _visible(Organization, actor, data.get("organization"), "organization")
        activity = activity_services.activity_create(
            actor=actor,
            program=program,
            content=content,
            organization=organization,
            uuid=client_id,
            **fields,
        )
        return SyncResult(activity, created=True)
    if not permissions.can(actor, permissions.VIEW, existing):
        # Someone else's id: treat it as unknown rather than reveal the report.
        raise ValidationError({"uuid": [_("The report has no valid id.")]})
    base = data.get("base_version")
    if base is None:
        # A retry of the first upload whose answer was lost: the report is already here.
        return SyncResult(existing, created=False)
    if existing.deleted_at is not None:
        raise SyncConflictError(existing, _("This report was deleted on the server."))
    if int(base) != existing.version:
        raise SyncConflictError(
            existing,
            _("This report changed on the server while you were offline."),
        )
    if existing.status not in ("draft", "returned"):
        raise SyncConflictError(
            existing, _("This report was already sent for approval and can no longer change.")
        )
    fields = _fields(actor, data)
    try:
        activity = activity_services.activity_update(
            actor=actor, activity=existing, expected_version=existing.version, **fields
        )
    except activity_services.ActivityConflict:
        existing.refresh_from_db()
        raise SyncConflictError(
            existing, _("This report changed on the server while you were offline.")
        ) from None
    return SyncResult(activity, created=False)


@transaction.atomic
def photo_upload(
    *, actor: User, report_uuid: Any, photo_id: Any, file: File, caption: str = ""
) -> tuple[Attachment, bool]:
    """Attach a photo under the phone's own id; sending it again attaches nothing more."""
    try:
        photo_uuid = uuidlib.UUID(str(photo_id))
        report = uuidlib.UUID(str(report_uuid))
    except ValueError:
        raise ValidationError(_("The photo has no valid id.")) from None
    visible = get_object_or_404(
        permissions.restrict(Activity.objects.all(), actor, permissions.VIEW), uuid=report
    )
    # Two uploads of the same photo wait for each other here; the second finds the first.
    activity = Activity.objects.select_for_update().get(pk=visible.pk)
    existing = Attachment.objects.filter(uuid=photo_uuid).first()
    if existing is not None:
        if existing.activity_id != activity.pk:
            raise ValidationError(_("The photo has no valid id."))
        return existing, False
    attachment = activity_services.attachment_add(
        actor=actor, activity=activity, file=file, caption=caption
    )
    # The phone's id becomes the photo's public id, so a retry finds it.
    Attachment.objects.filter(pk=attachment.pk).update(uuid=photo_uuid)
    attachment.uuid = photo_uuid
    return attachment, True
