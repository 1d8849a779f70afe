"""`phoihop restore PATH`: replace the database and media files with a backup's.

Every checksum is verified before anything changes; a damaged or altered archive is
refused whole. Stop the web server and the worker first (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phoihop.core.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = "Restore a backup made by `phoihop backup` (verified by checksum first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The backup archive (.tar.gz).")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the archive's checksums; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                manifest = verify_backup(options["path"])
                self.stdout.write(
                    _("The backup is intact: {count} files, checksums match.").format(
                        count=len(manifest["files"])
                    )
                )
                return
            manifest = restore_backup(options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored the backup of {created}: the database and {count} media files.").format(
                created=manifest["created_at"], count=len(manifest["files"]) - 1
            )
        )
