"""The Excel import through the API: what the pages under /app/exports/ do, for a
script with a token. Download an organization's workbook for a program, upload it
filled in (a job answers at once), follow the job until it is finished, and fetch the
marked copy when rows were refused. Same services and permissions as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phoihop.api.views import ERRORS, ScopedReadViewSet
from phoihop.core import permissions
from phoihop.core.models import User
from phoihop.exports import services
from phoihop.exports.models import ImportJob
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportJobSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField(
        help_text=_("What a running import does: queued, reading, checking, writing; finished.")
    )
    done = serializers.SerializerMethodField(help_text=_("Rows of the current phase done so far."))
    phase_total = serializers.SerializerMethodField(
        help_text=_("Rows of the current phase (while reading, as the sheets announce them).")
    )
    percent = serializers.SerializerMethodField(
        help_text=_("The whole import's progress, 0 to 100, as the job page's bar shows it.")
    )
    finished = serializers.SerializerMethodField()
    has_marked_file = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "program",
            "organization",
            "original_name",
            "status",
            "finished",
            "total_rows",
            "phase",
            "done",
            "phase_total",
            "percent",
            "created_count",
            "updated_count",
            "unchanged_count",
            "error_count",
            "errors",
            "message",
            "created_at",
            "finished_at",
            "has_marked_file",
        ]
        read_only_fields = fields

    def _progress(self, job: ImportJob) -> services.Progress:
        # Read once per job and serialization: the four fields agree.
        cache = self.context.setdefault("progress", {})
        if job.pk not in cache:
            cache[job.pk] = services.progress(job)
        return cache[job.pk]

    def get_phase(self, job: ImportJob) -> str:
        return self._progress(job).phase

    def get_done(self, job: ImportJob) -> int:
        return self._progress(job).done

    def get_phase_total(self, job: ImportJob) -> int:
        return self._progress(job).total

    def get_percent(self, job: ImportJob) -> int:
        return self._progress(job).percent

    def get_finished(self, job: ImportJob) -> bool:
        return job.is_finished

    def get_has_marked_file(self, job: ImportJob) -> bool:
        return bool(job.marked_file)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The filled-in workbook (.xlsx)."))


def _pair(request: Request, program: int, organization: int) -> tuple[Program, Organization]:
    found_program = permissions.get_for_action(Program.objects.all(), request.user, pk=program)
    found_org = permissions.get_for_action(
        Organization.objects.all(), request.user, pk=organization
    )
    if found_org.committee_id != found_program.committee_id:
        raise Http404
    return found_program, found_org


class ExcelTemplateView(APIView):
    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook"),
            **ERRORS,
        },
        summary="The workbook of an organization's reports for a program, to fill in",
    )
    def get(self, request: Request, program: int, organization: int) -> HttpResponse:
        found_program, found_org = _pair(request, program, organization)
        content = services.template_for(
            actor=cast(User, request.user), program=found_program, organization=found_org
        )
        name = slugify(f"bao-cao-{found_program.year}-{found_org.abbreviation or found_org.name}")
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name or "bao-cao"}.xlsx"'
        return response


class ExcelUploadView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={202: ImportJobSerializer, **ERRORS},
        summary="Upload a filled-in workbook: the import runs as a job (follow it by its id)",
    )
    def post(self, request: Request, program: int, organization: int) -> Response:
        found_program, found_org = _pair(request, program, organization)
        if not services.may_import(request.user, found_program, found_org):
            raise PermissionDenied
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        uploaded = form.validated_data["file"]
        job = services.import_job_create(
            actor=cast(User, request.user),
            program=found_program,
            organization=found_org,
            file=uploaded,
            name=uploaded.name or "",
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(list=extend_schema(responses={200: ImportJobSerializer(many=True), **ERRORS}))
class ImportJobViewSet(ScopedReadViewSet):
    """Excel imports the caller uploaded (the secretariat: all of its committee's)."""

    queryset = ImportJob.objects.all()
    serializer_class = ImportJobSerializer
    filterset_class = None
    ordering = ("-created_at", "-id")

    def get_object(self) -> ImportJob:
        # A job whose worker died shows as failed, as on its page.
        return services.job_refresh(super().get_object())

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook with each refused cell marked"
            ),
            **ERRORS,
        },
        summary="The marked copy of a refused workbook",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def marked(self, request: Request, pk: str) -> Any:
        job = self.get_object()
        if not job.marked_file:
            raise Http404
        stem = job.original_name.rsplit(".", 1)[0]
        return FileResponse(
            job.marked_file.open("rb"),
            as_attachment=True,
            filename=f"{stem}-loi.xlsx",
            content_type=XLSX,
        )
