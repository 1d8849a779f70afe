"""Reviews of a program (sơ kết, tổng kết): the period reviewed, the report's sections,
next period's directions, commendations and the review conference.

The figures of a review (and the frozen `snapshot` with its `snapshot_hash`) are filled
by the figures module in a later issue; here they stay empty.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.models import CheckedModel, RestrictedQuerySet, TimestampedModel
from phoihop.reviews.choices import (
    CommendationForm,
    CommendationStatus,
    IssuerType,
    RecipientKind,
    ReviewKind,
    ReviewStatus,
    SectionKey,
)


class ReviewPeriod(TimestampedModel):
    """One review of a program over a period: a six-month or year review, a phase review,
    or any other range of dates."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="reviews",
        editable=False,
    )
    kind = models.CharField(_("kind of review"), max_length=10, choices=ReviewKind.choices)
    title = models.CharField(pgettext_lazy("heading of a document", "title"), max_length=400)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True, editable=False)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalized by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The document's header and signature (Decree 30/2020/NĐ-CP, DOMAIN.md §2).
    issuer_type = models.CharField(
        _("kind of issuing body"),
        max_length=10,
        choices=IssuerType.choices,
        default=IssuerType.STATE,
    )
    parent_body = models.CharField(
        _("governing body"),
        max_length=300,
        blank=True,
        help_text=_("The body directly above the issuer, if any (e.g. UBND TỈNH HÒA BÌNH)."),
    )
    issuing_body = models.CharField(_("issuing body"), max_length=300, blank=True)
    number = models.CharField(
        _("number/symbol"), max_length=60, blank=True, help_text=_("e.g. 05/BC-BCĐ")
    )
    place_name = models.CharField(
        _("place name"), max_length=120, blank=True, help_text=_("e.g. Hòa Bình")
    )
    document_date = models.DateField(_("date of the report"), null=True, blank=True)
    signer_authority = models.CharField(
        _("signing authority"),
        max_length=200,
        blank=True,
        help_text=_("e.g. TM. BAN CHỈ ĐẠO or KT. TRƯỞNG BAN"),
    )
    signer_position = models.CharField(
        _("signer's position"), max_length=200, blank=True, help_text=_("e.g. TRƯỞNG BAN")
    )
    signer_rank = models.CharField(
        _("signer's military rank"),
        max_length=60,
        blank=True,
        help_text=_("Armed-forces signers only; shown before the name."),
    )
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    recipients = models.TextField(
        _("recipients"),
        blank=True,
        help_text=_("One per line; the records office (Lưu: VT) is added at the end."),
    )
    # Filled on finalizing from the figures module.
    snapshot = models.JSONField(_("frozen figures"), null=True, blank=True, editable=False)
    snapshot_hash = models.CharField(
        _("hash of the frozen figures"), max_length=64, blank=True, editable=False
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["committee", "-period_end", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reviews_review_period_order",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.UniqueConstraint(
                fields=["program", "kind", "period_start"],
                name="reviews_review_program_kind_start_uniq",
                violation_error_message=_(
                    "This program already has a review of this kind starting on that day."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.program_id is None:
            return  # reported by the field itself
        program = self.program
        if self.committee_id is None:
            self.committee_id = program.committee_id
        if self.committee_id != program.committee_id:
            raise ValidationError({"program": _("The program must belong to the committee.")})
        if self.period_start is None or self.period_end is None:
            return
        # A review may reach a little beyond its program (cut-off dates such as 15/12 to
        # 14/12) or span several programs (a phase), but must share days with it.
        if self.period_end < program.period_start or self.period_start > program.period_end:
            raise ValidationError(
                {
                    "period_end": _(
                        "The review's period must overlap the program's period ({start} – {end})."
                    ).format(
                        start=program.period_start.strftime("%d/%m/%Y"),
                        end=program.period_end.strftime("%d/%m/%Y"),
                    )
                }
            )

    @property
    def is_draft(self) -> bool:
        return self.status == ReviewStatus.DRAFT


class ReviewConference(CheckedModel):
    """The conference where the review was presented (hội nghị sơ kết / tổng kết)."""

    review = models.OneToOneField(
        ReviewPeriod,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="conference",
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300)
    chair = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chair_name = models.CharField(
        _("chair's name"),
        max_length=120,
        blank=True,
        help_text=_("As it was at the conference; taken from the person when left empty."),
    )
    chair_title = models.CharField(
        _("chair's title"),
        max_length=300,
        blank=True,
        help_text=_("As it was at the conference; taken from the person when left empty."),
    )
    attendees = models.TextField(_("attendees"), blank=True)
    programs_signed = models.ManyToManyField(
        "programs.Program",
        verbose_name=_("programs signed at the conference"),
        blank=True,
        related_name="signed_at_conferences",
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("review conference")
        verbose_name_plural = _("review conferences")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.review} – {self.date:%d/%m/%Y}"

    def audit_committee_id(self) -> int:
        return self.review.committee_id


class ReviewSection(CheckedModel):
    """A section of the review report, edited by the secretariat before finalizing."""

    review = models.ForeignKey(ReviewPeriod, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=24, choices=SectionKey.choices)
    title = models.CharField(pgettext_lazy("heading of a document", "title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["review", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "key"],
                name="reviews_section_review_key_uniq",
                violation_error_message=_("The report already has this section."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def audit_committee_id(self) -> int:
        return self.review.committee_id


class Direction(CheckedModel):
    """A direction or task for the next period, carried over to the next program."""

    review = models.ForeignKey(ReviewPeriod, on_delete=models.CASCADE, related_name="directions")
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("direction for the next period")
        verbose_name_plural = _("directions for the next period")
        ordering = ["review", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def audit_committee_id(self) -> int:
        return self.review.committee_id


class Commendation(CheckedModel):
    """A proposed commendation of a collective (an organization) or an individual."""

    review = models.ForeignKey(ReviewPeriod, on_delete=models.CASCADE, related_name="commendations")
    recipient_kind = models.CharField(_("recipient"), max_length=10, choices=RecipientKind.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField(
        _("recipient's name"),
        max_length=300,
        blank=True,
        help_text=_("As written in the report; taken from the organization or person if empty."),
    )
    form = models.CharField(
        _("form of commendation"), max_length=12, choices=CommendationForm.choices
    )
    issuer = models.CharField(_("issued by"), max_length=300)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommendationStatus.choices,
        default=CommendationStatus.PROPOSED,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("note on the decision"), blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["review", "form", "recipient_kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    recipient_kind=RecipientKind.COLLECTIVE,
                    organization__isnull=False,
                    person__isnull=True,
                )
                | Q(recipient_kind=RecipientKind.INDIVIDUAL, person__isnull=False),
                name="reviews_commendation_recipient",
                violation_error_message=_(
                    "Name the recipient: an organization (and no person) for a collective, "
                    "a person for an individual."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()}: {self.recipient_name}"

    def clean(self) -> None:
        if self.review_id is None:
            return
        committee_id = self.review.committee_id
        errors = {}
        if self.organization is not None and self.organization.committee_id != committee_id:
            errors["organization"] = _("The organization must belong to the review's committee.")
        if self.person is not None and self.person.committee_id != committee_id:
            errors["person"] = _("The person must belong to the review's committee.")
        if errors:
            raise ValidationError(errors)
        if not self.recipient_name:
            recipient = (
                self.person if self.recipient_kind == RecipientKind.INDIVIDUAL else None
            ) or self.organization
            if recipient is not None:
                self.recipient_name = str(recipient)

    def audit_committee_id(self) -> int:
        return self.review.committee_id


class CarriedItem(CheckedModel):
    """What a review carried into the next program: a direction (which became a new
    content) or an unmet target (which set the matching indicator's overall target).
    One row per item and program, so carrying twice adds nothing."""

    review = models.ForeignKey(ReviewPeriod, on_delete=models.CASCADE, related_name="carried")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="carried_from_reviews"
    )
    direction = models.ForeignKey(
        Direction, null=True, blank=True, on_delete=models.CASCADE, related_name="carried"
    )
    source_indicator = models.ForeignKey(
        "programs.Indicator",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carried_targets",
    )
    content = models.ForeignKey(
        "programs.ProgramContent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_directions",
    )
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("item carried to the next program")
        verbose_name_plural = _("items carried to the next program")
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "direction"],
                condition=Q(direction__isnull=False),
                name="reviews_carried_direction_once",
            ),
            models.UniqueConstraint(
                fields=["program", "source_indicator"],
                condition=Q(source_indicator__isnull=False),
                name="reviews_carried_target_once",
            ),
            models.CheckConstraint(
                condition=Q(direction__isnull=True, source_indicator__isnull=False)
                | Q(direction__isnull=False, source_indicator__isnull=True),
                name="reviews_carried_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} → {self.program_id}"

    def audit_committee_id(self) -> int:
        return self.review.committee_id
