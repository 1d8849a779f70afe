"""The tenant (a steering committee), organizations, people and their roles."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.core.models import RestrictedQuerySet, TimestampedModel, TrashableModel
from phoihop.core.text import fold
from phoihop.orgs.choices import OrgKind, OrgLevel, Position, Role, SuccessionKind

_VALID_RANGE_MESSAGE = _("The end date must not be before the start date.")


def _valid_range(prefix: str, *, start: str = "valid_from", end: str = "valid_to"):
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=f"{prefix}_valid_range",
        violation_error_message=_VALID_RANGE_MESSAGE,
    )


class ValidityQuerySet(RestrictedQuerySet):
    def valid_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Committee(TimestampedModel):
    """A steering committee (Ban Chỉ đạo) of one province's program: the tenant."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    province = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="committees",
        limit_choices_to={"level": "province"},
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("The committee that took over (its users read this one's data)."),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("steering committee")
        verbose_name_plural = _("steering committees")
        ordering = ["name"]
        constraints = [_valid_range("orgs_committee")]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.successor_id is None:
            return
        if self.successor_id == self.pk:
            raise ValidationError({"successor": _("A committee cannot succeed itself.")})
        # A loop of successors would make every committee in it read the others forever.
        seen: set[int] = set()
        current = self.successor
        while current is not None and current.pk not in seen:
            if current.pk == self.pk:
                raise ValidationError(
                    {"successor": _("This successor already follows this committee: a loop.")}
                )
            seen.add(current.pk)
            current = current.successor

    def audit_committee_id(self) -> int | None:
        return self.pk


class Organization(TrashableModel, TimestampedModel):
    """A party to the program or one of its branches, down to commune level."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    name = models.CharField(_("name"), max_length=300)
    abbreviation = models.CharField(_("abbreviation"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=OrgLevel.choices)
    locality = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
        help_text=_("The current parent; earlier ones are kept in the parent history."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    folded_name = models.CharField(max_length=300, editable=False, db_index=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["committee", "level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name"],
                condition=Q(deleted_at__isnull=True),
                name="orgs_org_committee_name_uniq",
                violation_error_message=_(
                    "The committee already has an organization of this name."
                ),
            ),
            _valid_range("orgs_org"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.folded_name = fold(self.name)
        parent = self.parent
        if parent is None:
            return
        if parent.pk == self.pk:
            raise ValidationError({"parent": _("An organization cannot be its own parent.")})
        if parent.committee_id != self.committee_id:
            raise ValidationError(
                {"parent": _("The parent must belong to the same steering committee.")}
            )
        if parent.is_trashed:
            raise ValidationError({"parent": _("The parent organization is in the trash.")})
        if self.pk is not None:
            # Stored parents, not in-memory ones: one query for the committee's tree.
            parents = dict(
                Organization.all_objects.filter(committee_id=self.committee_id).values_list(
                    "id", "parent_id"
                )
            )
            ancestor: int | None = self.parent_id
            seen: set[int] = set()
            while ancestor is not None and ancestor not in seen:
                if ancestor == self.pk:
                    raise ValidationError(
                        {
                            "parent": _(
                                "The parent cannot be one of the organization's own branches."
                            )
                        }
                    )
                seen.add(ancestor)
                ancestor = parents.get(ancestor)

    @property
    def short(self) -> str:
        return self.abbreviation or self.name


class OrganizationParent(models.Model):
    """The parent an organization had over a period (the history of `parent`)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="parent_history",
    )
    parent = models.ForeignKey(
        Organization,
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("parent period")
        verbose_name_plural = _("parent history")
        ordering = ["organization", "valid_from"]
        constraints = [_valid_range("orgs_orgparent")]

    def __str__(self) -> str:
        return f"{self.organization} ⊂ {self.parent}"

    def audit_committee_id(self) -> int:
        return self.organization.committee_id


class OrganizationSuccession(models.Model):
    """Continuity across reorganizations: e.g. a district command replaced by a regional one."""

    predecessor = models.ForeignKey(
        Organization,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    successor = models.ForeignKey(
        Organization,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization succession")
        verbose_name_plural = _("organization successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="orgs_succession_pair_uniq",
                violation_error_message=_("This succession is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="orgs_succession_not_self",
                violation_error_message=_("An organization cannot succeed itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def audit_committee_id(self) -> int:
        return self.successor.committee_id


class Person(TrashableModel, TimestampedModel):
    """A person named in the program (committee member, signer, commended person),
    with or without an account."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="people"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    title = models.CharField(
        pgettext_lazy("office held by a person", "title"), max_length=300, blank=True
    )
    rank = models.CharField(
        _("military rank"),
        max_length=60,
        blank=True,
        help_text=_("e.g. Đại tá; shown before the name when signing."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    folded_name = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        self.folded_name = fold(self.full_name)
        if self.organization is not None and self.organization.committee_id != self.committee_id:
            raise ValidationError(
                {"organization": _("The organization must belong to the same steering committee.")}
            )


class CommitteePosition(models.Model):
    """A person's position in the committee, with the title as written at the time."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions"
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    title = models.CharField(
        _("titles held"),
        max_length=400,
        blank=True,
        help_text=_("As written then, e.g. “Ủy viên Ban Thường vụ, Trưởng ban Dân vận Tỉnh ủy”."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("representing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee position")
        verbose_name_plural = _("committee positions")
        ordering = ["committee", "position", "valid_from"]
        constraints = [_valid_range("orgs_position")]

    def __str__(self) -> str:
        return f"{self.get_position_display()}: {self.person}"

    def clean(self) -> None:
        errors = {}
        if self.person_id and self.person.committee_id != self.committee_id:
            errors["person"] = _("The person must belong to the same steering committee.")
        organization = self.organization
        if organization is not None and organization.committee_id != self.committee_id:
            errors["organization"] = _(
                "The organization must belong to the same steering committee."
            )
        if errors:
            raise ValidationError(errors)


class RoleAssignment(models.Model):
    """A role a user holds in a committee (for one organization where it applies), for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "committee", "role"]
        constraints = [
            _valid_range("orgs_role"),
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(committee__isnull=False),
                name="orgs_role_committee_required",
                violation_error_message=_(
                    "Every role except system administrator needs a committee."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.FOCAL) | Q(organization__isnull=False),
                name="orgs_role_focal_needs_org",
                violation_error_message=_("A focal point must be assigned to an organization."),
            ),
        ]

    def __str__(self) -> str:
        where = self.organization or self.committee or ""
        return f"{self.user}: {self.get_role_display()} {where}".strip()

    def clean(self) -> None:
        organization = self.organization
        if organization is None:
            return
        if self.committee_id is None:
            raise ValidationError(
                {"committee": _("Choose the committee the organization belongs to.")}
            )
        if organization.committee_id != self.committee_id:
            raise ValidationError(
                {"organization": _("The organization must belong to the selected committee.")}
            )
