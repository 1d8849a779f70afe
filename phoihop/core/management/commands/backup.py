"""`phoihop backup PATH`: the database and the uploaded files, in one verified archive.

PATH is a file (`/srv/backups/phoihop.tar.gz`) or a folder (a dated name is chosen).
Safe while the site runs. See phoihop/core/backup.py and docs/deploy.md (cron).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phoihop.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive with checksums."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="Archive file (.tar.gz) or a folder to write it in.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = len(result.manifest["files"]) - 1
        self.stdout.write(
            _("Backup written to {path}: the database and {count} media files.").format(
                path=result.path, count=files
            )
        )
