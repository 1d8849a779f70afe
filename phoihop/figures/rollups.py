"""Rollup tables kept current by the activities' announcements (see docs/figures.md)."""

from __future__ import annotations

import datetime

from phoihop.figures import cells as fc


def read_cells(
    program_id: int,
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    include_submitted: bool,
    organizations: tuple[int, ...] | None,
) -> dict[fc.CellKey, fc.Acc] | None:
    """The cells from the rollups, or None when the slice needs the raw rows."""
    return None
