"""`phoihop purge_trash`: delete for good what has been in the trash for over 30 days.

Cron-able (daily). A row that other rows still protect (a report referred to by its
revision, say) stays in the trash and is named in the output.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from phoihop.core import audit
from phoihop.core.models import TrashableModel
from phoihop.core.services import trash_expired


class Command(BaseCommand):
    help = "Delete rows that have been in the trash for more than 30 days."

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = trash_expired()
        purged = kept = 0
        for model in apps.get_models():
            if not issubclass(model, TrashableModel):
                continue
            for obj in model.all_objects.filter(deleted_at__lt=cutoff).order_by("pk"):
                try:
                    with transaction.atomic():
                        audit.record(
                            actor=None, action="purge", obj=obj, before=audit.snapshot(obj)
                        )
                        obj.delete()
                    purged += 1
                except (ProtectedError, RestrictedError):
                    kept += 1
                    self.stdout.write(
                        _("Kept in the trash (still referred to): {object}").format(object=obj)
                    )
        self.stdout.write(
            _("Purged {purged} rows from the trash; {kept} kept.").format(purged=purged, kept=kept)
        )
