"""The annual program: its parties and signatures, contents, indicators and targets."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.models import RestrictedQuerySet, TimestampedModel, TrashableModel
from phoihop.core.text import fold
from phoihop.programs.choices import Aggregation, Frequency, LegalKind, ProgramStatus, Unit


class LegalDocument(models.Model):
    """A Party or State document a program implements (e.g. Nghị quyết 35-NQ/TW)."""

    kind = models.CharField(_("kind"), max_length=4, choices=LegalKind.choices)
    number = models.CharField(_("number/symbol"), max_length=60)
    date = models.DateField(_("date"))
    issuer = models.CharField(_("issuer"), max_length=200)
    title = models.CharField(pgettext_lazy("heading of a document", "title"), max_length=500)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "date"],
                name="programs_legaldoc_number_date_uniq",
                violation_error_message=_("A document with this number and date already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} {self.number}"


class TargetGroup(models.Model):
    """The catalogue of target groups (cán bộ, hội viên, đoàn viên, CNVCLĐ, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Program(TrashableModel, TimestampedModel):
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="programs",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(pgettext_lazy("heading of a document", "title"), max_length=400)
    number = models.CharField(_("number/symbol"), max_length=60, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_programs",
    )
    legal_basis = models.ManyToManyField(
        LegalDocument, verbose_name=_("legal basis"), blank=True, related_name="programs"
    )
    reporting_frequency = models.CharField(
        _("reporting period"), max_length=8, choices=Frequency.choices, default=Frequency.QUARTER
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("report deadline (days after the period ends)"), default=10
    )
    lead_may_approve = models.BooleanField(
        _("lead organizations approve"),
        default=False,
        help_text=_("The lead organization of a content may approve reports under it."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["committee", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"],
                condition=Q(deleted_at__isnull=True),
                name="programs_program_committee_year_uniq",
                violation_error_message=_("This committee already has a program for that year."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="programs_program_period_order",
                violation_error_message=_("The period must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def contains(self, day: datetime.date) -> bool:
        return self.period_start <= day <= self.period_end


class ProgramParty(models.Model):
    """An organization that signs the program, with the signer as recorded at signing."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_as_signed = models.CharField(
        _("name as signed"),
        max_length=300,
        blank=True,
        help_text=_("The organization's name on the signed document."),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organization"],
                name="programs_party_uniq",
                violation_error_message=_("This organization is already a party to the program."),
            )
        ]

    def __str__(self) -> str:
        return self.name_as_signed or str(self.organization)

    def clean(self) -> None:
        if self.organization_id is None or self.program_id is None:
            return  # reported by the field itself
        if self.organization.committee_id != self.program.committee_id:
            raise ValidationError(
                {"organization": _("The party must belong to the program's committee.")}
            )
        if not self.name_as_signed:
            self.name_as_signed = self.organization.name

    def audit_committee_id(self) -> int:
        return self.program.committee_id


class Signature(models.Model):
    """A party's signature: who signed, with the name and title as they were then."""

    party = models.OneToOneField(ProgramParty, on_delete=models.CASCADE, related_name="signature")
    signer = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("signer's name"), max_length=120)
    signer_title = models.CharField(_("signer's title"), max_length=300)
    signed_at = models.DateTimeField(_("signed at"))
    signed_copy = models.FileField(_("scanned signed copy"), upload_to="signatures/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.party}: {self.signer_name}"

    def audit_committee_id(self) -> int:
        return self.party.program.committee_id


class ProgramContent(TimestampedModel):
    """A content of coordination (nội dung phối hợp), led by one organization."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="contents")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(pgettext_lazy("heading of a document", "title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("lead organization"),
        on_delete=models.PROTECT,
        related_name="led_contents",
    )
    co_organizations = models.ManyToManyField(
        "orgs.Organization",
        verbose_name=_("co-operating organizations"),
        blank=True,
        related_name="cooperating_contents",
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="contents"
    )
    legal_basis = models.ManyToManyField(
        LegalDocument, verbose_name=_("legal basis"), blank=True, related_name="contents"
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    lineage = models.ForeignKey(
        "self",
        verbose_name=_("same content last year"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continuations",
    )
    folded_title = models.CharField(max_length=400, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("program content")
        verbose_name_plural = _("program contents")
        ordering = ["program", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="programs_content_dates_order",
                violation_error_message=_("The content must end on or after its start."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.folded_title = fold(self.title)
        if self.program_id is None:
            return  # reported by the field itself
        if self.lead_id is not None and self.lead.committee_id != self.program.committee_id:
            raise ValidationError(
                {"lead": _("The lead organization must belong to the program's committee.")}
            )
        for name, day in (("starts_on", self.starts_on), ("ends_on", self.ends_on)):
            if day is not None and not self.program.contains(day):
                raise ValidationError({name: _("The date must lie inside the program's period.")})

    def audit_committee_id(self) -> int:
        return self.program.committee_id


class Indicator(models.Model):
    content = models.ForeignKey(ProgramContent, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit of measure"), max_length=20, choices=Unit.choices)
    aggregation = models.CharField(
        _("how it adds up"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    lineage = models.ForeignKey(
        "self",
        verbose_name=_("same indicator last year"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continuations",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["content", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def audit_committee_id(self) -> int:
        return self.content.program.committee_id


class Target(models.Model):
    """A target for an indicator: overall (no organization) or for one organization."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(organization__isnull=True),
                name="programs_target_overall_uniq",
                violation_error_message=_("The indicator already has an overall target."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "organization"],
                condition=Q(organization__isnull=False),
                name="programs_target_org_uniq",
                violation_error_message=_(
                    "The indicator already has a target for this organization."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="programs_target_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"

    def audit_committee_id(self) -> int:
        return self.indicator.content.program.committee_id
