"""API views: reads through core.permissions.restrict, writes through the services.

An object outside what the caller may see answers 404; visible but not theirs to
change answers 403 (the services refuse, whatever the entry point)."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from phoihop.activities import selectors as activity_selectors
from phoihop.activities import services as activity_services
from phoihop.activities.models import Activity, Credit, NilReport
from phoihop.api import filters, serializers
from phoihop.core import permissions
from phoihop.figures import selectors as figures
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Committee, Organization
from phoihop.practices import services as practice_services
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.programs import services as program_services
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)
from phoihop.reviews import services as review_services
from phoihop.reviews.models import ReviewPeriod

ID = r"[0-9]{1,18}"
ERRORS = {
    400: OpenApiResponse(serializers.ErrorSerializer, description="Invalid input"),
    401: OpenApiResponse(serializers.ErrorSerializer, description="Not signed in"),
    403: OpenApiResponse(serializers.ErrorSerializer, description="Not allowed"),
    404: OpenApiResponse(serializers.ErrorSerializer, description="Not found or not visible"),
}


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of what the caller may see (core.permissions.restrict)."""

    lookup_value_regex = ID
    ordering: tuple[str, ...] = ("pk",)

    def base_queryset(self) -> models.QuerySet:
        assert self.queryset is not None  # noqa: S101 - set on every subclass
        return self.queryset.all()

    def get_queryset(self) -> models.QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.base_queryset().none()
        qs = permissions.restrict(self.base_queryset(), self.request.user, permissions.VIEW)
        return qs.order_by(*self.ordering)

    def get_object_for(self, action_name: str = permissions.VIEW) -> Any:
        obj = permissions.get_for_action(
            self.base_queryset(), self.request.user, permissions.VIEW, pk=self.kwargs["pk"]
        )
        del action_name  # the service decides what the caller may do (403)
        return obj

    def get_object(self) -> Any:
        return self.get_object_for()


def _read(model: Any, serializer: Any, filterset: Any, *related: str, **kw: Any) -> type:
    attrs = {
        "queryset": model._default_manager.select_related(*related)
        if related
        else model._default_manager.all(),
        "serializer_class": serializer,
        "filterset_class": filterset,
        **kw,
    }
    return extend_schema_view(list=extend_schema(responses={200: serializer(many=True), **ERRORS}))(
        type(f"{model.__name__}ViewSet", (ScopedReadViewSet,), attrs)
    )


CommitteeViewSet = _read(Committee, serializers.CommitteeSerializer, filters.CommitteeFilter)
OrganizationViewSet = _read(
    Organization, serializers.OrganizationSerializer, filters.OrganizationFilter
)
AdminUnitViewSet = _read(AdminUnit, serializers.AdminUnitSerializer, filters.AdminUnitFilter)
TargetGroupViewSet = _read(TargetGroup, serializers.TargetGroupSerializer, None)


class ProgramViewSet(ScopedReadViewSet):
    queryset = Program.objects.all()
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter

    def _query(self) -> dict[str, Any]:
        query = serializers.FiguresQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)

    @extend_schema(
        parameters=[serializers.FiguresQuery],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="The program's figures: the total and one row per combination of `by`",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def figures(self, request: Request, pk: str) -> Response:
        return Response(figures.program_figures(self.get_object(), **self._query()).as_dict())

    @extend_schema(
        parameters=[serializers.FiguresQuery],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="Every indicator: target, result, achievement, last year's result",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="indicator-summary",
        url_name="indicator-summary",
        filterset_class=None,
        pagination_class=None,
    )
    def indicator_summary(self, request: Request, pk: str) -> Response:
        query = self._query()
        lines = figures.indicator_summary(
            self.get_object(),
            date_from=query["date_from"],
            date_to=query["date_to"],
            include_submitted=query["include_submitted"],
        )
        return Response([line.as_dict() for line in lines])

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="Reports expected, received and on time per organization and period",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def completeness(self, request: Request, pk: str) -> Response:
        return Response(figures.completeness(self.get_object()).as_dict())


ContentViewSet = _read(
    ProgramContent,
    serializers.ContentSerializer,
    filters.ContentFilter,
    ordering=("program_id", "order", "pk"),
    queryset=ProgramContent.objects.prefetch_related("co_organizations", "target_groups"),
)
IndicatorViewSet = _read(Indicator, serializers.IndicatorSerializer, filters.IndicatorFilter)
TargetViewSet = _read(Target, serializers.TargetSerializer, filters.TargetFilter)
SignatureViewSet = _read(Signature, serializers.SignatureSerializer, filters.SignatureFilter)
EvaluationViewSet = _read(Evaluation, serializers.EvaluationSerializer, filters.EvaluationFilter)
ReplicationViewSet = _read(
    Replication, serializers.ReplicationSerializer, filters.ReplicationFilter
)


class PartyViewSet(ScopedReadViewSet):
    queryset = ProgramParty.objects.select_related("signature")
    serializer_class = serializers.PartySerializer
    filterset_class = filters.PartyFilter

    @extend_schema(
        request=serializers.SignInput,
        responses={201: serializers.SignatureSerializer, **ERRORS},
        summary="Sign for a party (a leader for their organization, or the secretariat)",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        party = self.get_object()
        data = serializers.SignInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        signature = program_services.program_sign(
            actor=request.user, party=party, **data.validated_data
        )
        return Response(
            serializers.SignatureSerializer(signature).data, status=status.HTTP_201_CREATED
        )


class ActivityViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ScopedReadViewSet):
    """Activity reports with their participants, indicator values, funding and credits."""

    queryset = Activity.objects.all()
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    ordering = ("-start_date", "-id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> models.QuerySet:
        qs = super().get_queryset()
        return qs.select_related("program").prefetch_related(
            "participations", "values", "funding", "credits"
        )

    def _detail(self, activity: Activity, code: int = status.HTTP_200_OK) -> Response:
        fresh = activity_selectors.activity_detail(self.request.user, pk=activity.pk)
        return Response(serializers.ActivitySerializer(fresh).data, status=code)

    @extend_schema(
        request=serializers.ActivityCreateInput,
        responses={201: serializers.ActivitySerializer, **ERRORS},
        summary="Create a draft (idempotent on a client-generated uuid)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.ActivityCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k not in serializers.PARTS}
        activity = activity_services.activity_create(
            actor=request.user, **fields, **data.service_parts()
        )
        return self._detail(activity, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ActivityUpdateInput,
        responses={200: serializers.ActivitySerializer, 409: serializers.ErrorSerializer, **ERRORS},
        summary="Edit a draft or returned report (give the version you read)",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        data = serializers.ActivityUpdateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        validated = dict(data.validated_data)
        version = validated.pop("expected_version")
        fields = {k: v for k, v in validated.items() if k not in serializers.PARTS}
        activity = activity_services.activity_update(
            actor=request.user,
            activity=activity,
            expected_version=version,
            **fields,
            **data.service_parts(),
        )
        return self._detail(activity)

    @extend_schema(responses={204: None, **ERRORS}, summary="Move the report to the trash")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity_services.activity_trash(actor=request.user, activity=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _step(self, request: Request, service: Any, serializer: Any = None) -> Response:
        activity = self.get_object()
        extra: dict[str, Any] = {}
        if serializer is not None:
            data = serializer(data=request.data, context={"request": request})
            data.is_valid(raise_exception=True)
            extra = dict(data.validated_data)
        return self._detail(service(actor=request.user, activity=activity, **extra))

    @extend_schema(
        request=serializers.VersionInput,
        responses={200: serializers.ActivitySerializer, 409: serializers.ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._step(request, activity_services.activity_submit, serializers.VersionInput)

    @extend_schema(
        request=serializers.VersionInput,
        responses={200: serializers.ActivitySerializer, 409: serializers.ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._step(request, activity_services.activity_approve, serializers.VersionInput)

    @extend_schema(
        request=serializers.ReturnInput,
        responses={200: serializers.ActivitySerializer, 409: serializers.ErrorSerializer, **ERRORS},
        summary="Return the report to its authors with a reason",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._step(request, activity_services.activity_return, serializers.ReturnInput)

    @extend_schema(
        request=serializers.ReviseInput,
        responses={201: serializers.ActivitySerializer, **ERRORS},
        summary="Start a revision of an approved report",
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str) -> Response:
        activity = self.get_object()
        data = serializers.ReviseInput(data=request.data)
        data.is_valid(raise_exception=True)
        revision = activity_services.activity_revise(
            actor=request.user, activity=activity, **data.validated_data
        )
        return self._detail(revision, status.HTTP_201_CREATED)


class CreditViewSet(ScopedReadViewSet):
    queryset = Credit.objects.all()
    serializer_class = serializers.CreditSerializer
    filterset_class = filters.CreditFilter

    @extend_schema(
        request=None,
        responses={200: serializers.CreditSerializer, **ERRORS},
        summary="Confirm that your organization took part",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        credit = activity_services.credit_confirm(actor=request.user, credit=self.get_object())
        return Response(serializers.CreditSerializer(credit).data)


class NilReportViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ScopedReadViewSet):
    queryset = NilReport.objects.all()
    serializer_class = serializers.NilReportSerializer
    filterset_class = filters.NilReportFilter

    @extend_schema(
        request=serializers.NilReportInput,
        responses={201: serializers.NilReportSerializer, **ERRORS},
        summary="Record that an organization had nothing to report for a period",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.NilReportInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        report = activity_services.nil_report_create(actor=request.user, **data.validated_data)
        return Response(
            serializers.NilReportSerializer(report).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={204: None, **ERRORS})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity_services.nil_report_delete(actor=request.user, report=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PracticeViewSet(ScopedReadViewSet):
    queryset = Practice.objects.prefetch_related("localities")
    serializer_class = serializers.PracticeSerializer
    filterset_class = filters.PracticeFilter

    def _move(self, service: Any, **extra: Any) -> Response:
        practice = service(actor=self.request.user, practice=self.get_object(), **extra)
        return Response(serializers.PracticeSerializer(practice).data)

    @extend_schema(request=None, responses={200: serializers.PracticeSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="mark-effective", url_name="mark-effective")
    def mark_effective(self, request: Request, pk: str) -> Response:
        return self._move(practice_services.practice_mark_effective)

    @extend_schema(request=None, responses={200: serializers.PracticeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def recommend(self, request: Request, pk: str) -> Response:
        return self._move(practice_services.practice_recommend)

    @extend_schema(
        request=serializers.ReasonInput, responses={200: serializers.PracticeSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str) -> Response:
        data = serializers.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._move(practice_services.practice_stop, reason=data.validated_data["reason"])

    @extend_schema(request=None, responses={200: serializers.PracticeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        return self._move(practice_services.practice_resume)


class ReviewViewSet(ScopedReadViewSet):
    queryset = ReviewPeriod.objects.all()
    serializer_class = serializers.ReviewSerializer
    filterset_class = filters.ReviewFilter

    @extend_schema(
        parameters=[serializers.FiguresQuery],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="The figures of the review's period (dates default to the review's)",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def figures(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        query = serializers.FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        data["date_from"] = data["date_from"] or review.period_start
        data["date_to"] = data["date_to"] or review.period_end
        program = permissions.get_for_action(
            Program.objects.all(), request.user, pk=review.program_id
        )
        return Response(figures.program_figures(program, **data).as_dict())

    @extend_schema(
        request=None,
        responses={200: serializers.ReviewSerializer, **ERRORS},
        summary="Finalize the review (its figures are frozen)",
    )
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk: str) -> Response:
        review = review_services.review_finalize(actor=request.user, review=self.get_object())
        return Response(serializers.ReviewSerializer(review).data)


class TokenView(ObtainAuthToken):
    """A token for scripts, in exchange for a user name and password."""
