"""Filters of the API lists (django-filter). Related objects are filtered by id."""

from __future__ import annotations

from typing import Any

import django_filters as df

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity, Credit, NilReport
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Committee, Organization
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
)
from phoihop.reviews.models import ReviewPeriod

MAX_ID = 2**62


class IdFilter(df.NumberFilter):
    """An id: a whole number (a filter on another committee's id finds nothing)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


def _ids(model: Any, *names: str, **extra: Any) -> type[df.FilterSet]:
    attrs: dict[str, Any] = {name: IdFilter(field_name=name) for name in names}
    attrs.update(extra)
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}Filter", (df.FilterSet,), attrs)


CommitteeFilter = _ids(Committee, "province")
OrganizationFilter = _ids(
    Organization,
    "committee",
    "parent",
    "locality",
    kind=df.CharFilter(max_length=40),
    level=df.CharFilter(max_length=40),
)
AdminUnitFilter = _ids(
    AdminUnit,
    "parent",
    "province",
    scheme=df.CharFilter(max_length=20),
    level=df.CharFilter(max_length=20),
    name=df.CharFilter(field_name="folded_name", lookup_expr="icontains", max_length=100),
)
ProgramFilter = _ids(
    Program,
    "committee",
    year=df.NumberFilter(min_value=1900, max_value=3000, decimal_places=0),
    status=df.CharFilter(max_length=20),
)
ContentFilter = _ids(ProgramContent, "program", "lead")
IndicatorFilter = _ids(Indicator, "content", program=IdFilter(field_name="content__program"))
TargetFilter = _ids(
    Target, "indicator", "organization", program=IdFilter(field_name="indicator__content__program")
)
PartyFilter = _ids(ProgramParty, "program", "organization")
SignatureFilter = _ids(Signature, "party", program=IdFilter(field_name="party__program"))
ActivityFilter = _ids(
    Activity,
    "program",
    "content",
    "organization",
    "locality",
    status=df.MultipleChoiceFilter(choices=ActivityStatus.choices),
    start_from=df.DateFilter(field_name="start_date", lookup_expr="gte"),
    start_to=df.DateFilter(field_name="start_date", lookup_expr="lte"),
    uuid=df.UUIDFilter(),
)
CreditFilter = _ids(
    Credit,
    "activity",
    "organization",
    confirmed=df.BooleanFilter(field_name="confirmed_at", lookup_expr="isnull", exclude=True),
)
NilReportFilter = _ids(NilReport, "program", "organization")
PracticeFilter = _ids(Practice, "owner", "content", status=df.CharFilter(max_length=20))
EvaluationFilter = _ids(Evaluation, "practice")
ReplicationFilter = _ids(Replication, "practice", "organization", "locality")
ReviewFilter = _ids(ReviewPeriod, "program", status=df.CharFilter(max_length=20))
