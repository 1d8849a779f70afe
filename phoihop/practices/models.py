"""Good-practice models (mô hình): their evaluations and replications elsewhere."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phoihop.core.models import RestrictedQuerySet, TimestampedModel, TrashableModel
from phoihop.core.text import fold
from phoihop.practices.choices import PracticeStatus


class Practice(TrashableModel, TimestampedModel):
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="practices",
        editable=False,
    )
    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("owner organization"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    content = models.ForeignKey(
        "programs.ProgramContent",
        verbose_name=_("content"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    title = models.CharField(_("model name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    localities = models.ManyToManyField(
        "geo.AdminUnit", verbose_name=_("localities"), blank=True, related_name="practices"
    )
    started_on = models.DateField(_("started on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PracticeStatus.choices,
        default=PracticeStatus.PILOT,
        editable=False,
    )
    folded_title = models.CharField(max_length=300, editable=False)

    class Meta:
        verbose_name = _("good-practice model")
        verbose_name_plural = _("good-practice models")
        ordering = ["-started_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "title"],
                condition=Q(deleted_at__isnull=True),
                name="practices_practice_title_uniq",
                violation_error_message=_("A model with this name is already registered."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.folded_title = fold(self.title)
        if self.committee_id is None and self.owner_id is not None:
            self.committee_id = self.owner.committee_id  # a practice is its owner's committee's
        errors = {}
        if self.owner_id is not None and self.owner.committee_id != self.committee_id:
            errors["owner"] = _("The owner must belong to the committee.")
        content = self.content
        if content is not None and content.program.committee_id != self.committee_id:
            errors["content"] = _("The content must belong to a program of the same committee.")
        if errors:
            raise ValidationError(errors)


class Evaluation(models.Model):
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("good-practice model"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    evaluated_on = models.DateField(_("date"))
    evaluator = models.CharField(_("evaluator"), max_length=200)
    criteria = models.TextField(_("criteria"))
    score = models.DecimalField(_("score (0-100)"), max_digits=5, decimal_places=2)
    conclusion = models.TextField(_("conclusion"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["practice", "-evaluated_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100),
                name="practices_score_range",
                violation_error_message=_("The score must be between 0 and 100."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice}: {self.score}"

    def audit_committee_id(self) -> int:
        return self.practice.committee_id

    def clean(self) -> None:
        if self.practice_id and self.evaluated_on and self.evaluated_on < self.practice.started_on:
            raise ValidationError(
                {"evaluated_on": _("A model cannot be evaluated before it started.")}
            )


class Replication(models.Model):
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("good-practice model"),
        on_delete=models.CASCADE,
        related_name="replications",
    )
    locality = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("locality"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("replicating organization"),
        on_delete=models.PROTECT,
        related_name="replications",
    )
    since = models.DateField(_("since"))
    results = models.TextField(_("results"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        ordering = ["practice", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "locality", "organization"],
                name="practices_replication_uniq",
                violation_error_message=_("This replication is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} @ {self.locality}"

    def clean(self) -> None:
        if not self.practice_id:
            return
        errors = {}
        if self.organization_id and self.organization.committee_id != self.practice.committee_id:
            errors["organization"] = _("The organization must belong to the same committee.")
        if self.since and self.since < self.practice.started_on:
            errors["since"] = _("A replication cannot start before the model itself.")
        if errors:
            raise ValidationError(errors)

    def audit_committee_id(self) -> int:
        return self.practice.committee_id
