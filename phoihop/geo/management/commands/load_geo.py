"""`phoihop load_geo`: administrative units and their 2025 successions from the package."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import formats
from django.utils.translation import gettext as _

from phoihop.geo import services
from phoihop.geo.choices import Level, Scheme


def _n(value: int) -> str:
    """10.051 in Vietnamese, 10,051 in English."""
    return formats.number_format(value, force_grouping=True)


class Command(BaseCommand):
    help = "Load administrative units (before and after 1 July 2025) from vietnam-provinces."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        summary = services.admin_units_load(actor=None)
        old, cur = Scheme.PRE_2025, Scheme.CURRENT
        lines = [
            _("Administrative units from vietnam-provinces {version}:").format(
                version=summary.version
            ),
            _(
                "  before 1 July 2025: {provinces} provinces, {districts} districts, "
                "{communes} communes"
            ).format(
                provinces=_n(summary.count(old, Level.PROVINCE)),
                districts=_n(summary.count(old, Level.DISTRICT)),
                communes=_n(summary.count(old, Level.COMMUNE)),
            ),
            _("  from 1 July 2025: {provinces} provinces, {communes} communes").format(
                provinces=_n(summary.count(cur, Level.PROVINCE)),
                communes=_n(summary.count(cur, Level.COMMUNE)),
            ),
            _("  successions old → new: {count}, of which {partial} from a split unit").format(
                count=_n(summary.successions), partial=_n(summary.partial_successions)
            ),
        ]
        if summary.changed:
            lines.append(
                _(
                    "Units: {created} added, {updated} updated. Successions: {s_created} "
                    "added, {s_updated} updated, {s_removed} removed."
                ).format(
                    created=_n(summary.units_created),
                    updated=_n(summary.units_updated),
                    s_created=_n(summary.successions_created),
                    s_updated=_n(summary.successions_updated),
                    s_removed=_n(summary.successions_removed),
                )
            )
        else:
            lines.append(_("Nothing to change: the database already matches the package."))
        if summary.units_unknown:
            lines.append(
                _("{count} units in the database are not in the package; they were kept.").format(
                    count=_n(summary.units_unknown)
                )
            )
        lines.append(
            _("Done in {seconds} s.").format(
                seconds=formats.number_format(time.monotonic() - started, decimal_pos=1)
            )
        )
        self.stdout.write("\n".join(lines))
