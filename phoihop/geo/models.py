"""Administrative units from the `vietnam-provinces` package, before and after 1 July 2025."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phoihop.core.models import RestrictedQuerySet
from phoihop.core.text import fold
from phoihop.geo.choices import AreaKind, Level, Scheme

REORGANIZATION_DATE = datetime.date(2025, 7, 1)


class AdminUnitQuerySet(RestrictedQuerySet):
    def valid_on(self, day: datetime.date) -> AdminUnitQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def communes(self) -> AdminUnitQuerySet:
        return self.filter(level=Level.COMMUNE)


class AdminUnit(models.Model):
    scheme = models.CharField(_("code scheme"), max_length=8, choices=Scheme.choices)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    code = models.PositiveIntegerField(_("official code"))
    name = models.CharField(_("name"), max_length=120)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    codename = models.CharField(_("code name"), max_length=120, blank=True)
    folded_name = models.CharField(max_length=120, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province the unit lies in (itself for a province)."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["scheme", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "level", "code"], name="geo_unit_scheme_level_code_uniq"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="geo_unit_valid_range",
                violation_error_message=_("The end of validity must not be before its start."),
            ),
        ]
        indexes = [models.Index(fields=["province", "level"], name="geo_unit_province_level_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.folded_name = fold(self.name)

    @property
    def is_current(self) -> bool:
        return self.scheme == Scheme.CURRENT


class AdminUnitSuccession(models.Model):
    """A pre-2025 unit and the current unit its area went to (many-to-many in general)."""

    old = models.ForeignKey(
        AdminUnit, verbose_name=_("old unit"), on_delete=models.CASCADE, related_name="successions"
    )
    new = models.ForeignKey(
        AdminUnit,
        verbose_name=_("new unit"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    is_partial = models.BooleanField(
        _("split"),
        default=False,
        help_text=_("The old unit was split: only part of it went to the new one."),
    )
    effective = models.DateField(_("effective"), default=REORGANIZATION_DATE)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="geo_succession_old_new_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class AreaClassification(models.Model):
    """A commune's classification (vùng sâu, vùng xa, biên giới, ĐBKK) for a period."""

    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="areas",
        limit_choices_to={"level": Level.COMMUNE},
    )
    kind = models.CharField(_("classification"), max_length=8, choices=AreaKind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("decision"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("area classification")
        verbose_name_plural = _("area classifications")
        ordering = ["unit", "kind", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "valid_from"], name="geo_area_unit_kind_from_uniq"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="geo_area_valid_range",
                violation_error_message=_("The end of validity must not be before its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.unit_id is not None and self.unit.level != Level.COMMUNE:
            raise ValidationError(
                {
                    "unit": _("Only a commune can be classified; “{unit}” is a {level}.").format(
                        unit=self.unit, level=self.unit.get_level_display()
                    )
                }
            )
        if self.unit_id is None or not self.kind or self.valid_from is None:
            return
        clash = self.overlapping().first()
        if clash is not None:
            raise ValidationError(
                _(
                    "“{unit}” is already classified as “{kind}” {period}. End that period "
                    "first, or choose dates that do not overlap it."
                ).format(unit=self.unit, kind=clash.get_kind_display(), period=clash.period)
            )

    def overlapping(self) -> models.QuerySet[AreaClassification]:
        """Other periods of the same kind for the same unit that share a day with this one."""
        qs = AreaClassification.objects.filter(unit_id=self.unit_id, kind=self.kind).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to is not None:
            qs = qs.filter(valid_from__lte=self.valid_to)
        if self.pk is not None:
            qs = qs.exclude(pk=self.pk)
        return qs.order_by("valid_from")

    @property
    def period(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y")
        if self.valid_to is None:
            return _("from {start}, with no end date").format(start=start)
        return _("from {start} to {end}").format(
            start=start, end=self.valid_to.strftime("%d/%m/%Y")
        )
