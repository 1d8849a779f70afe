"""`phoihop figures verify` and `phoihop figures rebuild`.

verify: recompute every built program's figures from the raw rows, list each cell
where the rollups differ, and exit with status 1 if there is any.
rebuild: recompute the rollups of the given programs (default: every program), e.g.
after loading data without the services or after changing area classifications.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phoihop.figures import rollups


class Command(BaseCommand):
    help = "Verify the figures' rollups against the raw reports, or rebuild them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "rebuild"])
        parser.add_argument(
            "--program", type=int, action="append", dest="programs", help="program id"
        )

    def handle(self, *args: Any, action: str, programs: list[int] | None, **options: Any) -> None:
        if action == "rebuild":
            # One transaction, set-based: every program at once, or the given ones.
            rows = rollups.rebuild(programs or None)
            which = ", ".join(map(str, programs)) if programs else "every program"
            self.stdout.write(f"{which}: {rows} rollup rows")
            return
        found = rollups.verify(programs)
        total = 0
        for pk, diffs in found.items():
            for diff in diffs:
                self.stdout.write(str(diff))
            total += len(diffs)
            if not rollups.is_built(pk):
                self.stdout.write(f"program {pk}: rollups not built (figures read raw rows)")
        if total:
            raise CommandError(f"{total} difference(s) between rollups and raw reports.")
        self.stdout.write(f"{len(found)} program(s) verified: rollups equal the raw reports.")
