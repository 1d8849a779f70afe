"""`phoihop demo`: load the demo province (once; a second run changes nothing)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from phoihop.demo import data
from phoihop.demo.builder import DemoBuilder, demo_accounts, demo_loaded
from phoihop.orgs.choices import Role


class Command(BaseCommand):
    help = "Load the demo data: Hòa Bình 2022–2023 and Phú Thọ from 1 July 2025."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--accounts", action="store_true", help="Only list the demo accounts.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Share of the activities to generate (tests)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["accounts"]:
            self.print_accounts()
            return
        if demo_loaded():
            self.stdout.write(_("The demo data is already loaded; nothing changed."))
            return
        started = time.monotonic()
        DemoBuilder(activities_scale=options["scale"], log=self.stdout.write).build()
        seconds = round(time.monotonic() - started)
        self.stdout.write(_("Demo data loaded in {seconds} s.").format(seconds=seconds))

    def print_accounts(self) -> None:
        rows = demo_accounts()
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (DEMO DATA, for trying the system only):"))
        self.stdout.write(_("  password: {password}").format(password=data.DEMO_PASSWORD))
        width = max(len(r[0]) for r in rows)
        labels = dict(Role.choices)
        for username, role, where in rows:
            label = str(labels.get(role, role))
            self.stdout.write(f"  {username.ljust(width)}  {label:<32} {where}")
        self.stdout.write("")
