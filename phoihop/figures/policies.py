"""Permission policies of the rollup tables.

The rollups are derived data: pages, reports, exports and the API read them only through
`phoihop.figures.selectors`, which take a program the caller has already authorized.
Read directly, they are for system administrators only.
"""

from django.db import models

from phoihop.core import permissions as p
from phoihop.figures.models import (
    FigureCell,
    FigurePlace,
    FigureSpan,
    FigureSummary,
    ProgramRollup,
)


def _administrators_only(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    return qs if scope.is_admin and action == p.VIEW else qs.none()


for _model in (FigureCell, FigureSummary, FigurePlace, FigureSpan, ProgramRollup):
    p.register_policy(_model)(_administrators_only)
