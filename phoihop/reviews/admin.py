"""Reviews in the admin: every save, status move and removal goes through
phoihop.reviews.services; statuses and stamps are read-only.

Rejecting a commendation needs a reason, which an admin action cannot ask for, so the
admin offers approval only; rejection is the review pages' (a later issue) or the
service's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phoihop.core import permissions
from phoihop.core.admin_base import ReadOnlyAdmin
from phoihop.core.admin_forms import ReadOnlyInline, ServiceFormAdmin
from phoihop.core.models import User
from phoihop.orgs.models import Organization, Person
from phoihop.programs.models import Program
from phoihop.reviews import services
from phoihop.reviews.models import (
    CarriedItem,
    Commendation,
    Direction,
    ReviewConference,
    ReviewPeriod,
    ReviewSection,
)


def _actor(request: HttpRequest) -> User:
    """The signed-in user (the admin lets no one else in)."""
    return cast(User, request.user)


def _narrowed(db_field: Any, request: HttpRequest) -> models.QuerySet | None:
    """Choices the user may use: reviews and the reviewed program they write to; people,
    organizations and signed programs they can see."""
    model = db_field.related_model
    if model is ReviewPeriod:
        return ReviewPeriod.objects.restrict(request.user, permissions.CHANGE)
    if model is Program:
        action = permissions.VIEW if db_field.name == "programs_signed" else permissions.CHANGE
        return Program.objects.restrict(request.user, action)
    if model in (Person, Organization):
        return model._default_manager.restrict(request.user, permissions.VIEW)
    return None


class ReviewsAdmin(ServiceFormAdmin):
    """Base of this app's admins: narrowed choices, parents fixed once created."""

    parent_fields: tuple[str, ...] = ("review",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        narrowed = _narrowed(db_field, request)
        if narrowed is not None and "queryset" not in kwargs:
            kwargs["queryset"] = narrowed
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        narrowed = _narrowed(db_field, request)
        if narrowed is not None and "queryset" not in kwargs:
            kwargs["queryset"] = narrowed
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += self.parent_fields
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _each(
        self,
        request: HttpRequest,
        queryset: models.QuerySet,
        move: Callable[[Any], Any],
    ) -> None:
        """Apply a move to each selected row; say what was done and what was refused."""
        done = 0
        for obj in queryset:
            try:
                move(obj)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                reason = " ".join(getattr(exc, "messages", [])) or gettext("You may not do this.")
                self.message_user(
                    request,
                    gettext("“{name}” was not changed: {reason}").format(name=obj, reason=reason),
                    level=messages.WARNING,
                )
        if done:
            self.message_user(request, gettext("Changed: {count}.").format(count=done))


class SectionInline(ReadOnlyInline):
    model = ReviewSection
    fields = ("order", "title", "text")
    readonly_fields = fields


class DirectionInline(ReadOnlyInline):
    model = Direction
    fields = ("order", "text")
    readonly_fields = fields


class CommendationInline(ReadOnlyInline):
    model = Commendation
    fields = ("recipient_name", "form", "issuer", "status")
    readonly_fields = fields


@admin.register(ReviewPeriod)
class ReviewPeriodAdmin(ReviewsAdmin):
    list_display = ("title", "program", "kind", "period_start", "period_end", "status")
    list_filter = ("status", "kind", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "program__title")
    list_select_related = ("program",)
    date_hierarchy = "period_end"
    parent_fields = ("program",)
    fields = (
        "program",
        "kind",
        "title",
        "period_start",
        "period_end",
        "status",
        "committee",
        "finalized_at",
        "finalized_by",
    )
    inlines = (SectionInline, DirectionInline, CommendationInline)
    actions = ("finalize", "reopen")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = (*super().get_readonly_fields(request, obj), "committee")
        readonly += ("finalized_at", "finalized_by")
        if obj is not None and not obj.is_draft:
            readonly += ("kind", "title", "period_start", "period_end")
        return readonly

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.review_create(
                actor=_actor(request),
                program=data["program"],
                kind=data["kind"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
            self.adopt(obj, created)
            return
        updated = services.review_update(
            actor=_actor(request),
            review=self.stored(obj),
            data=self.model_values(form, changed_only=True),
        )
        self.adopt(obj, updated)

    @admin.action(description=_("Finalize the selected reviews"))
    def finalize(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(
            request, queryset, lambda r: services.review_finalize(actor=_actor(request), review=r)
        )

    @admin.action(description=_("Reopen the selected reviews (system administrators)"))
    def reopen(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(
            request, queryset, lambda r: services.review_reopen(actor=_actor(request), review=r)
        )


@admin.register(ReviewSection)
class ReviewSectionAdmin(ReviewsAdmin):
    list_display = ("title", "review", "order")
    list_filter = ("key",)
    search_fields = ("title", "text", "review__title")
    list_select_related = ("review",)
    parent_fields = ("review", "key")
    fields = ("review", "key", "title", "text", "order")

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        review = obj.review if change else data["review"]
        saved = services.section_set(
            actor=_actor(request),
            review=review,
            key=obj.key,
            text=data.get("text", ""),
            title=data.get("title"),
            order=data.get("order"),
        )
        self.adopt(obj, saved)


@admin.register(Direction)
class DirectionAdmin(ReviewsAdmin):
    list_display = ("__str__", "review", "order")
    search_fields = ("text", "review__title")
    list_select_related = ("review",)
    fields = ("review", "text", "order")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return ServiceFormAdmin.has_delete_permission(self, request, obj) and (
            obj is None or obj.review.is_draft
        )

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.direction_add(
                actor=_actor(request), review=data["review"], text=data["text"], order=data["order"]
            )
            self.adopt(obj, created)
            return
        updated = services.direction_update(
            actor=_actor(request),
            direction=self.stored(obj),
            data=self.model_values(form, changed_only=True),
        )
        self.adopt(obj, updated)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.direction_remove(actor=_actor(request), direction=obj)


@admin.register(Commendation)
class CommendationAdmin(ReviewsAdmin):
    list_display = ("recipient_name", "recipient_kind", "form", "issuer", "status", "review")
    list_filter = ("status", "form", "recipient_kind")
    search_fields = ("recipient_name", "reason", "issuer", "review__title")
    list_select_related = ("review",)
    fields = (
        "review",
        "recipient_kind",
        "organization",
        "person",
        "recipient_name",
        "form",
        "issuer",
        "reason",
        "status",
        "decided_at",
        "decided_by",
        "decision_note",
    )
    actions = ("approve",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (
            *super().get_readonly_fields(request, obj),
            "decided_at",
            "decided_by",
            "decision_note",
        )

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.commendation_propose(
                actor=_actor(request),
                review=data["review"],
                recipient_kind=data["recipient_kind"],
                form=data["form"],
                issuer=data["issuer"],
                reason=data["reason"],
                organization=data.get("organization"),
                person=data.get("person"),
                recipient_name=data.get("recipient_name", ""),
            )
            self.adopt(obj, created)
            return
        updated = services.commendation_update(
            actor=_actor(request),
            commendation=self.stored(obj),
            data=self.model_values(form, changed_only=True),
        )
        self.adopt(obj, updated)

    @admin.action(description=_("Approve the selected proposals"))
    def approve(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(
            request,
            queryset,
            lambda c: services.commendation_approve(actor=_actor(request), commendation=c),
        )


@admin.register(ReviewConference)
class ReviewConferenceAdmin(ReviewsAdmin):
    list_display = ("review", "date", "place", "chair_name")
    search_fields = ("place", "chair_name", "attendees", "review__title")
    list_select_related = ("review",)
    date_hierarchy = "date"
    fields = (
        "review",
        "date",
        "place",
        "chair",
        "chair_name",
        "chair_title",
        "attendees",
        "programs_signed",
        "notes",
    )

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.conference_record(
                actor=_actor(request),
                review=data["review"],
                date=data["date"],
                place=data["place"],
                chair=data.get("chair"),
                chair_name=data.get("chair_name", ""),
                chair_title=data.get("chair_title", ""),
                attendees=data.get("attendees", ""),
                programs_signed=data.get("programs_signed") or (),
                notes=data.get("notes", ""),
            )
            self.adopt(obj, created)
            return
        signed = data.get("programs_signed") if "programs_signed" in form.changed_data else None
        updated = services.conference_update(
            actor=_actor(request),
            conference=self.stored(obj),
            data=self.model_values(form, changed_only=True, exclude=("programs_signed",)),
            programs_signed=signed,
        )
        self.adopt(obj, updated)


@admin.register(CarriedItem)
class CarriedItemAdmin(ReadOnlyAdmin):
    """What was carried from a review into the next program (written by the carry-over)."""

    status_fields = ()
    list_display = ("review", "program", "direction", "source_indicator")
    list_select_related = ("review", "program", "direction", "source_indicator")
