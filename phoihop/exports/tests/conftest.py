from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from phoihop.activities.tests import factories
from phoihop.exports import workbook


@pytest.fixture
def s(world, settings, tmp_path) -> factories.Setup:
    settings.MEDIA_ROOT = tmp_path / "media"
    return factories.setup(world)


@pytest.fixture
def look(s):
    return workbook.lookups(s.program, s.world.org_a)


def fill(template: bytes, sheets: dict[str, list[list]], *, start: int = 2) -> bytes:
    """The template with rows written from row `start` of each sheet (keys kept in A when
    the given row's key is Ellipsis)."""
    wb = load_workbook(io.BytesIO(template))
    for name, rows in sheets.items():
        ws = wb[name]
        for offset, values in enumerate(rows):
            for column, value in enumerate(values, start=1):
                if value is ...:
                    continue
                ws.cell(row=start + offset, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def keys_of(template: bytes, count: int) -> list[str]:
    wb = load_workbook(io.BytesIO(template), read_only=True)
    ws = wb[workbook.ACTIVITIES]
    keys = [row[0] for row in ws.iter_rows(min_row=2, max_col=1, values_only=True)][:count]
    wb.close()
    return keys
