"""Excel imports: one job per uploaded workbook, run in the background worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.models import RestrictedQuerySet


class ImportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import status", "waiting")
    CHECKING = "checking", pgettext_lazy("import status", "checking the file")
    IMPORTING = "importing", pgettext_lazy("import status", "importing")
    DONE = "done", pgettext_lazy("import status", "imported")
    REFUSED = "refused", pgettext_lazy("import status", "refused: errors to fix")
    FAILED = "failed", pgettext_lazy("import status", "failed")


FINISHED = (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)


class ImportJob(models.Model):
    """An uploaded workbook of activity reports for one program and organization.

    Rows are read, validated all together, and imported all or nothing; the result
    (counts, or the errors with a marked copy of the workbook) stays on the job."""

    committee = models.ForeignKey(
        "orgs.Committee", verbose_name=_("committee"), on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("reports added"), default=0)
    updated_count = models.PositiveIntegerField(_("reports updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("reports unchanged"), default=0)
    message = models.TextField(_("message"), blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    marked_file = models.FileField(_("marked copy"), upload_to="imports/%Y/%m/", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
