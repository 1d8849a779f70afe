"""`phoihop remind`: email focal points about missing reports, notify near deadlines.

Meant for cron, once a day, e.g. `0 7 * * * /srv/phoihop/.venv/bin/phoihop remind
--site-url https://phoihop.example.vn`. Email goes through Django's mailers (SMTP when
EMAIL_HOST is set, else printed to the console)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from phoihop.dashboard.services import NEAR_DAYS, reminders_send


class Command(BaseCommand):
    help = "Email focal points whose reports are missing; notify those whose deadline is near."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD).")
        parser.add_argument(
            "--days",
            type=int,
            default=NEAR_DAYS,
            help="A deadline is near this many days ahead (default %(default)s).",
        )
        parser.add_argument("--site-url", default="", help="Makes the link in the email absolute.")
        parser.add_argument("--dry-run", action="store_true", help="Count only; send nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["date"]:
            try:
                as_of = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        result = reminders_send(
            as_of=as_of,
            near_days=options["days"],
            dry_run=options["dry_run"],
            site_url=options["site_url"],
        )
        verb = "would send" if options["dry_run"] else "sent"
        self.stdout.write(
            f"{verb} {result.emails} email(s) about {result.missing_slots} missing report(s); "
            f"{result.notifications} deadline notification(s)."
        )
        if result.without_email:
            self.stdout.write(
                "focal points with no email address: " + ", ".join(sorted(result.without_email))
            )
