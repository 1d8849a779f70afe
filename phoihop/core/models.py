"""Base models and the cross-cutting records: users, audit events, site flags, glossary."""

from __future__ import annotations

from typing import Any, Self, cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phoihop.core import clock
from phoihop.core.text import fold


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user may do (see core.permissions)."""

    def restrict(self, user: Any, action: str = "view") -> Self:
        from phoihop.core.permissions import restrict

        return cast("Self", restrict(cast(Any, self), user, action))


class TrashableQuerySet(RestrictedQuerySet):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def trashed(self) -> Self:
        return self.filter(deleted_at__isnull=False)


class TrashableManager(models.Manager.from_queryset(TrashableQuerySet)):  # type: ignore[misc]
    """The default manager hides trashed rows; `all_objects` sees them."""

    def get_queryset(self) -> TrashableQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class CheckedModel(models.Model):
    """Validation without redundant queries.

    full_clean() checks each foreign key by asking the database whether the row
    exists. When the related object is already loaded on this instance (read from
    the database, with the same id), that query answers a question already answered;
    the database's own foreign key still guards against a concurrent delete.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        skip = set(exclude or ())
        for field in self._meta.concrete_fields:
            relation = cast(Any, field)
            if not field.many_to_one or field.name in skip or not relation.is_cached(self):
                continue
            related = relation.get_cached_value(self)
            if (
                related is not None
                and not related._state.adding
                and related.pk == getattr(self, field.attname)
            ):
                skip.add(field.name)
        super().clean_fields(exclude=skip)


class TrashableModel(CheckedModel):
    """Deleting moves a row to the trash for 30 days (core.services.trash / restore)."""

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = TrashableManager()
    all_objects = models.Manager.from_queryset(TrashableQuerySet)()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None


class TimestampedModel(CheckedModel):
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """An account. People without accounts are orgs.Person; a user may link to one."""

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for one-time passwords: the next login asks for a new password."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditEvent(models.Model):
    """One change to domain data: who, when, what, with the values before and after.

    Written by services in the same transaction as the change (core.audit.record).
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("object type"), on_delete=models.PROTECT
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    committee_id = models.BigIntegerField(_("committee"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class SiteFlag(models.Model):
    """Installation-wide facts, such as whether demo data is loaded."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    value = models.JSONField(_("value"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("site flag")
        verbose_name_plural = _("site flags")

    def __str__(self) -> str:
        return self.key


class Abbreviation(models.Model):
    """The glossary (PHHĐ, CHQS, CTĐ, ...): used by search and by generated documents."""

    short = models.CharField(_("abbreviation"), max_length=32, unique=True)
    expansion = models.CharField(_("in full"), max_length=300)
    english = models.CharField(_("English"), max_length=300, blank=True)
    folded = models.CharField(max_length=300, editable=False, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("abbreviation")
        verbose_name_plural = _("glossary")
        ordering = ["short"]

    def __str__(self) -> str:
        return f"{self.short} – {self.expansion}"

    def clean(self) -> None:
        self.folded = fold(self.expansion)


class Notification(models.Model):
    """An in-app message to one person: a report returned or approved, a deadline near.

    Written through core.services.notification_create; the text is stored as worded when
    the event happened (in the site's language), with a link to what it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(
        _("kind"),
        max_length=32,
        help_text=_("What happened, as a short code: returned, approved, deadline, ..."),
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="core_notif_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
