"""Rollup tables: the figures of the counted reports, kept at a fixed grain.

One `FigureCell` row holds one measure of the reports sharing (program, content,
locality as recorded, area key, month of the start date, organization) — organization
empty means "each report once", a credited organization means "the reports credited to
it". Rows are replaced inside the transaction of every change the activities app
announces (see `rollups.py`); `phoihop figures verify` compares them with the raw rows.

The rollup tables are derived data: their foreign keys carry no database constraint
(`db_constraint=False`), since every row is computed from rows that satisfy them and a
constraint check per written row doubled the cost of a rebuild. Deletions still cascade
through Django's `on_delete`, and `rebuild` rewrites them from the raw rows.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    ACTIVITIES = "n", _("reports")
    PARTICIPANTS = "p", _("participants")
    FUNDING = "f", _("funding")
    INDICATOR = "i", _("indicator")


class _Measures(models.Model):
    """The measure columns of every rollup table: what is counted, summed and kept latest."""

    measure = models.CharField(_("measure"), max_length=1, choices=Measure.choices)
    target_group = models.ForeignKey(
        "programs.TargetGroup",
        verbose_name=_("target group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    source = models.CharField(_("source"), max_length=10, blank=True)
    indicator = models.ForeignKey(
        "programs.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    count = models.PositiveIntegerField(_("reports"), default=0)
    total = models.DecimalField(_("total"), max_digits=24, decimal_places=2, default=0)
    denominator = models.DecimalField(_("denominator"), max_digits=24, decimal_places=2, default=0)
    maximum = models.DecimalField(
        _("largest value"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    latest_end = models.DateField(_("latest end date"), null=True, blank=True)
    latest_start = models.DateField(_("latest start date"), null=True, blank=True)
    latest_activity = models.PositiveIntegerField(_("latest report"), null=True, blank=True)
    latest_value = models.DecimalField(
        _("latest value"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True


class FigureCell(_Measures):
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    content = models.ForeignKey(
        "programs.ProgramContent",
        verbose_name=_("content"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    locality = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("locality"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    area = models.CharField(_("area classification"), max_length=40, blank=True)
    month = models.DateField(_("month"))
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("figure cell")
        verbose_name_plural = _("figure cells")
        indexes = [
            models.Index(fields=["program", "month"], name="figures_cell_program_month_idx"),
            models.Index(
                fields=["program", "content", "locality", "month"],
                name="figures_cell_grain_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.content_id}/{self.locality_id}/{self.month}"


class FigureSummary(_Measures):
    """FigureCell merged over locality and area: (program, content, month,
    organization). Serves every breakdown not split or filtered by place."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    content = models.ForeignKey(
        "programs.ProgramContent",
        verbose_name=_("content"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    month = models.DateField(_("month"))
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("figure summary")
        verbose_name_plural = _("figure summaries")
        indexes = [
            models.Index(fields=["program", "month", "content"], name="figures_summary_grain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.content_id}/{self.month}/{self.organization_id}"


class FigurePlace(_Measures):
    """FigureCell merged over content, of each report once (no organization):
    (program, locality, area, month). Serves breakdowns by place and area."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    locality = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("locality"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    area = models.CharField(_("area classification"), max_length=40, blank=True)
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("figure place summary")
        verbose_name_plural = _("figure place summaries")
        indexes = [
            models.Index(fields=["program", "month", "locality"], name="figures_place_grain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.locality_id}/{self.area}/{self.month}"


class FigureSpan(_Measures):
    """FigureCell merged over month and area: (program, content, locality,
    organization), the whole program period. Serves breakdowns by place, content ×
    place and organization × place when no dates are given (the dashboard's)."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    content = models.ForeignKey(
        "programs.ProgramContent",
        verbose_name=_("content"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    locality = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("locality"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("figure span summary")
        verbose_name_plural = _("figure span summaries")
        indexes = [
            models.Index(fields=["program", "content", "locality"], name="figures_span_grain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.content_id}/{self.locality_id}/{self.organization_id}"


class ProgramRollup(models.Model):
    """A program whose rollups are complete: readers may use them. Its row is also the
    lock that serializes rollup updates of the program.

    `version` is the figures version of the program: a fresh random value written in the
    transaction of every change to its rollups or to what its figures read beside them
    (indicators, targets, names; see `figures.cache`). Random, not a counter: a version
    seen inside a transaction that rolls back is never given to other figures."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    built_at = models.DateTimeField(_("built at"))
    updated_at = models.DateTimeField(_("updated at"))
    version = models.UUIDField(_("figures version"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("program rollup")
        verbose_name_plural = _("program rollups")

    def __str__(self) -> str:
        return str(self.program_id)
