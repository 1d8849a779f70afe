"""Serializers: shapes and types only. Rules live in the services the views call."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from phoihop.activities.choices import FundingSource
from phoihop.activities.models import (
    Activity,
    Credit,
    Funding,
    IndicatorValue,
    NilReport,
    Participation,
)
from phoihop.core import permissions
from phoihop.figures import types as ft
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Committee, Organization, Person
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)
from phoihop.reviews.models import ReviewPeriod


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id the caller may see; anything else is reported as not found, so
    another committee's rows are not revealed."""

    default_error_messages = {
        "does_not_exist": _("No object with id {pk_value} that you may see."),
        "incorrect_type": _("Give the id as a whole number."),
    }

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        request = self.context.get("request")
        return permissions.restrict(queryset, getattr(request, "user", None), permissions.VIEW)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or (isinstance(data, int) and abs(data) > 2**62):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


def scoped(model: Any, **kwargs: Any) -> ScopedPrimaryKeyField:
    manager = getattr(model, "objects", None) or model._default_manager
    return ScopedPrimaryKeyField(queryset=manager.all(), **kwargs)


# -- reference data ----------------------------------------------------------------------


class AdminUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdminUnit
        fields = [
            "id",
            "scheme",
            "level",
            "code",
            "name",
            "division_type",
            "parent",
            "province",
            "valid_from",
            "valid_to",
        ]


class CommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Committee
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "province",
            "valid_from",
            "valid_to",
            "successor",
        ]


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "committee",
            "name",
            "abbreviation",
            "kind",
            "level",
            "locality",
            "parent",
            "valid_from",
            "valid_to",
        ]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "committee", "full_name", "title", "rank", "organization"]


class TargetGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetGroup
        fields = ["id", "code", "name", "order"]


# -- programs ----------------------------------------------------------------------------


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "id",
            "committee",
            "year",
            "title",
            "number",
            "period_start",
            "period_end",
            "status",
            "previous",
            "reporting_frequency",
            "deadline_days",
            "lead_may_approve",
            "signed_on",
            "is_published",
        ]


class ContentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgramContent
        fields = [
            "id",
            "program",
            "order",
            "title",
            "description",
            "lead",
            "co_organizations",
            "target_groups",
            "starts_on",
            "ends_on",
            "lineage",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "content", "order", "name", "unit", "aggregation", "lineage"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "indicator", "organization", "value"]


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signature
        fields = ["id", "party", "signer", "signer_name", "signer_title", "signed_at"]


class PartySerializer(serializers.ModelSerializer):
    signature = SignatureSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProgramParty
        fields = ["id", "program", "organization", "order", "name_as_signed", "signature"]


class SignInput(serializers.Serializer):
    signer_name = serializers.CharField(max_length=200)
    signer_title = serializers.CharField(max_length=200)
    signed_at = serializers.DateTimeField()
    signer_person = scoped(Person, required=False, allow_null=True)


# -- activities --------------------------------------------------------------------------


class ParticipationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participation
        fields = ["target_group", "count"]


class ValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["indicator", "value", "denominator"]


class FundingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Funding
        fields = ["source", "amount"]


class CreditSerializer(serializers.ModelSerializer):
    class Meta:
        model = Credit
        fields = ["id", "activity", "organization", "confirmed_at", "confirmed_by"]


class ActivitySerializer(serializers.ModelSerializer):
    participants = ParticipationSerializer(source="participations", many=True, read_only=True)
    values = ValueSerializer(many=True, read_only=True)
    funding = FundingSerializer(many=True, read_only=True)
    credits = CreditSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "uuid",
            "series",
            "revision_of",
            "committee",
            "program",
            "content",
            "organization",
            "title",
            "start_date",
            "end_date",
            "locality",
            "narrative",
            "not_for_publication",
            "status",
            "version",
            "created_by",
            "submitted_at",
            "decided_at",
            "return_reason",
            "participants",
            "values",
            "funding",
            "credits",
        ]


class ParticipantInput(serializers.Serializer):
    target_group = serializers.IntegerField(min_value=1, max_value=2**62)
    count = serializers.IntegerField(max_value=2**31)


class ValueInput(serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1, max_value=2**62)
    value = serializers.DecimalField(max_digits=18, decimal_places=2)
    denominator = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )


class FundingInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=FundingSource.choices)
    amount = serializers.IntegerField(max_value=10**15)


class ActivityParts(serializers.Serializer):
    """The parts of a report; each one given replaces the stored one as a whole."""

    participants = ParticipantInput(many=True, required=False)
    values = ValueInput(many=True, required=False)
    funding = FundingInput(many=True, required=False)
    co_organizations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False
    )

    def service_parts(self) -> dict[str, Any]:
        """The validated parts in the services' form (mappings keyed by id)."""
        data = self.validated_data
        out: dict[str, Any] = {}
        if "participants" in data:
            out["participants"] = {p["target_group"]: p["count"] for p in data["participants"]}
        if "values" in data:
            out["values"] = {
                v["indicator"]: (v["value"], v.get("denominator")) for v in data["values"]
            }
        if "funding" in data:
            out["funding"] = {f["source"]: f["amount"] for f in data["funding"]}
        if "co_organizations" in data:
            out["co_organizations"] = list(data["co_organizations"])
        return out


class ActivityCreateInput(ActivityParts):
    uuid = serializers.UUIDField(required=False)
    program = scoped(Program)
    content = scoped(ProgramContent)
    organization = scoped(Organization)
    title = serializers.CharField(max_length=300)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    locality = scoped(AdminUnit)
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    not_for_publication = serializers.BooleanField(required=False, default=False)


class ActivityUpdateInput(ActivityParts):
    expected_version = serializers.IntegerField(min_value=1, max_value=2**31)
    content = scoped(ProgramContent, required=False)
    title = serializers.CharField(max_length=300, required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    locality = scoped(AdminUnit, required=False)
    narrative = serializers.CharField(required=False, allow_blank=True)
    not_for_publication = serializers.BooleanField(required=False)


class VersionInput(serializers.Serializer):
    expected_version = serializers.IntegerField(
        min_value=1, max_value=2**31, required=False, allow_null=True
    )


class ReturnInput(VersionInput):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class ReviseInput(serializers.Serializer):
    uuid = serializers.UUIDField(required=False)


class NilReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = NilReport
        fields = [
            "id",
            "committee",
            "program",
            "organization",
            "period_start",
            "period_end",
            "note",
            "created_by",
        ]
        read_only_fields = ["committee", "created_by"]


class NilReportInput(serializers.Serializer):
    program = scoped(Program)
    organization = scoped(Organization)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


# -- practices and reviews ---------------------------------------------------------------


class PracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practice
        fields = [
            "id",
            "committee",
            "owner",
            "content",
            "title",
            "description",
            "started_on",
            "status",
            "localities",
        ]


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "practice", "evaluated_on", "evaluator", "criteria", "score", "conclusion"]


class ReplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Replication
        fields = ["id", "practice", "locality", "organization", "since", "results"]


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewPeriod
        fields = [
            "id",
            "program",
            "committee",
            "kind",
            "title",
            "period_start",
            "period_end",
            "status",
            "finalized_at",
        ]


class ErrorSerializer(serializers.Serializer):
    """The one error shape (see docs/api.md)."""

    message = serializers.CharField()
    extra = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


PARTS = frozenset({"participants", "values", "funding", "co_organizations"})


class FiguresQuery(serializers.Serializer):
    """Query of a program's figures (see docs/figures.md for what each number means)."""

    by = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="Comma-separated dimensions: " + ", ".join(ft.DIMENSIONS),
    )
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    include_submitted = serializers.BooleanField(required=False, default=False)
    current_units = serializers.BooleanField(required=False, default=False)

    def validate_by(self, value: str) -> tuple[str, ...]:
        names = tuple(part.strip() for part in value.split(",") if part.strip())
        unknown = [name for name in names if name not in ft.DIMENSIONS]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown dimension(s): {names}. Use: {known}.").format(
                    names=", ".join(unknown), known=", ".join(ft.DIMENSIONS)
                )
            )
        if len(set(names)) != len(names):
            raise serializers.ValidationError(_("A dimension is given twice."))
        return names
