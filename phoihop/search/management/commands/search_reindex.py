"""phoihop search_reindex: rebuild the search index from the database (after a bulk
import that sent no signals, a restore, or loading fixtures)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from phoihop.search.index import SOURCES, reindex


class Command(BaseCommand):
    help = "Rebuild the search index (all kinds, or the ones named)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kinds", nargs="*", choices=sorted(SOURCES), help="kinds to rebuild")

    def handle(self, *args: Any, **options: Any) -> None:
        for kind in options["kinds"] or sorted(SOURCES):
            count = reindex(SOURCES[kind].model)
            self.stdout.write(f"{kind}: {count}")
