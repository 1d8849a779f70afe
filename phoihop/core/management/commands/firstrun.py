"""`phoihop firstrun`: on a new installation, load the demo once and list its accounts."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from phoihop.core.models import SiteFlag
from phoihop.core.services import site_flag_set

FLAG = "first_run_done"


class Command(BaseCommand):
    help = "Load the demo data on the first run of a new installation."

    def handle(self, *args: Any, **options: Any) -> None:
        if SiteFlag.objects.filter(key=FLAG).exists():
            if "demo" in get_commands():
                call_command("demo", "--accounts")
            return
        if "demo" in get_commands():
            self.stdout.write("First run: loading the demo data (DỮ LIỆU MẪU)…")
            call_command("demo")
            call_command("demo", "--accounts")
        site_flag_set(key=FLAG, value={})
