"""Committees, organizations, people, positions and roles in the admin: every save and
delete goes through phoihop.orgs.services, so the same rules and audit apply."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phoihop.core import permissions
from phoihop.core.admin_forms import ReadOnlyInline, ServiceFormAdmin
from phoihop.orgs import services
from phoihop.orgs.choices import Role
from phoihop.orgs.models import (
    Committee,
    CommitteePosition,
    Organization,
    OrganizationParent,
    OrganizationSuccession,
    Person,
    RoleAssignment,
)


def _is_admin(request: HttpRequest) -> bool:
    return permissions.get_scope(request.user).is_admin


# -- committees ---------------------------------------------------------------------------
@admin.register(Committee)
class CommitteeAdmin(ServiceFormAdmin):
    list_display = ("name", "short_name", "code", "province", "valid_from", "valid_to", "successor")
    search_fields = ("name", "short_name", "code")
    list_select_related = ("province", "successor")
    fields = ("code", "name", "short_name", "province", "valid_from", "valid_to", "successor")
    committee_fields = ()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and _is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a committee's data hangs on it; its term ends instead

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        if not _is_admin(request):
            readonly += ("code", "province", "successor")
        return readonly

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            values = self.model_values(form, changed_only=False, exclude=("successor",))
            created = services.committee_create(actor=request.user, **values)
            if form.cleaned_data.get("successor") is not None:
                created = services.committee_set_successor(
                    actor=request.user, committee=created, successor=form.cleaned_data["successor"]
                )
            self.adopt(obj, created)
            return
        stored = self.stored(obj)
        data = self.model_values(form, changed_only=True, exclude=("successor",))
        if data:
            stored = services.committee_update(actor=request.user, committee=stored, data=data)
        if "successor" in form.changed_data:
            stored = services.committee_set_successor(
                actor=request.user, committee=stored, successor=form.cleaned_data["successor"]
            )
        self.adopt(obj, stored)


# -- organizations ------------------------------------------------------------------------
class ParentHistoryInline(ReadOnlyInline):
    model = OrganizationParent
    fk_name = "organization"
    fields = ("parent", "valid_from", "valid_to")
    readonly_fields = fields
    verbose_name_plural = _("parent history")


class SuccessionInline(ReadOnlyInline):
    model = OrganizationSuccession
    fk_name = "predecessor"
    fields = ("successor", "kind", "date", "note")
    readonly_fields = fields
    verbose_name_plural = _("succeeded by")


class PredecessionInline(ReadOnlyInline):
    model = OrganizationSuccession
    fk_name = "successor"
    fields = ("predecessor", "kind", "date", "note")
    readonly_fields = fields
    verbose_name_plural = _("continues")


class OrganizationForm(forms.ModelForm):
    parent_since = forms.DateField(
        label=_("under the new parent from"),
        required=False,
        help_text=_(
            "When you change the parent: the first day under the new one (today if empty)."
        ),
    )

    class Meta:
        model = Organization
        fields = (
            "committee",
            "name",
            "abbreviation",
            "kind",
            "level",
            "locality",
            "parent",
            "valid_from",
            "valid_to",
        )


@admin.register(Organization)
class OrganizationAdmin(ServiceFormAdmin):
    form = OrganizationForm
    list_display = ("name", "abbreviation", "kind", "level", "parent", "committee", "valid_to")
    list_filter = ("kind", "level", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "abbreviation")
    folded_search_fields = ("folded_name",)
    list_select_related = ("committee", "parent")
    autocomplete_fields = ("parent",)
    raw_id_fields = ("locality",)
    inlines = (ParentHistoryInline, PredecessionInline, SuccessionInline)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(OrganizationForm.Meta.fields)
        if obj is not None:
            fields.insert(fields.index("parent") + 1, "parent_since")
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "committee") if obj is not None else readonly

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            values = self.model_values(form, changed_only=False, exclude=("committee",))
            created = services.organization_create(
                actor=request.user, committee=form.cleaned_data["committee"], **values
            )
            self.adopt(obj, created)
            return
        stored = self.stored(obj)
        data = self.model_values(form, changed_only=True, exclude=("parent",))
        if data:
            stored = services.organization_update(
                actor=request.user, organization=stored, data=data
            )
        if "parent" in form.changed_data:
            stored = services.organization_reparent(
                actor=request.user,
                organization=stored,
                parent=form.cleaned_data["parent"],
                on=form.cleaned_data.get("parent_since") or timezone.localdate(),
            )
        self.adopt(obj, stored)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.organization_trash(actor=request.user, organization=obj)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            from django.shortcuts import redirect

            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", object_id)


class SuccessionForm(forms.ModelForm):
    move_users = forms.BooleanField(
        label=_("move the focal points to the successor"),
        required=False,
        initial=True,
        help_text=_("Their roles at the predecessor end the day before and start again here."),
    )

    class Meta:
        model = OrganizationSuccession
        fields = ("predecessor", "successor", "kind", "date", "note")


@admin.register(OrganizationSuccession)
class OrganizationSuccessionAdmin(ServiceFormAdmin):
    """Successions are recorded (and focal points moved) by organization_succeed; a
    recorded one is history and is not edited."""

    form = SuccessionForm
    list_display = ("predecessor", "successor", "kind", "date")
    list_filter = ("kind",)
    search_fields = ("predecessor__name", "successor__name")
    list_select_related = ("predecessor", "successor")
    autocomplete_fields = ("predecessor", "successor")
    date_hierarchy = "date"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["predecessor", "successor", "kind", "date", "note"]
        return [*fields, "move_users"] if obj is None else fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        links = services.organization_succeed(
            actor=request.user,
            predecessors=[data["predecessor"]],
            successor=data["successor"],
            kind=data["kind"],
            on=data["date"],
            move_users=data.get("move_users", False),
            note=data.get("note", ""),
        )
        self.adopt(obj, links[0])


# -- people and positions -----------------------------------------------------------------
class PositionInline(ReadOnlyInline):
    model = CommitteePosition
    fk_name = "person"
    fields = ("position", "title", "organization", "valid_from", "valid_to")
    readonly_fields = fields


@admin.register(Person)
class PersonAdmin(ServiceFormAdmin):
    list_display = ("full_name", "rank", "title", "organization", "committee", "phone", "user")
    list_filter = (
        ("committee", admin.RelatedOnlyFieldListFilter),
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("full_name", "title", "phone", "email")
    folded_search_fields = ("folded_name",)
    list_select_related = ("organization", "committee", "user")
    autocomplete_fields = ("organization", "user")
    fields = (
        "committee",
        "full_name",
        "rank",
        "title",
        "organization",
        "phone",
        "email",
        "user",
    )
    inlines = (PositionInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "committee") if obj is not None else readonly

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            values = self.model_values(form, changed_only=False, exclude=("committee",))
            created = services.person_create(
                actor=request.user, committee=form.cleaned_data["committee"], **values
            )
            self.adopt(obj, created)
            return
        data = self.model_values(form, changed_only=True)
        self.adopt(
            obj, services.person_update(actor=request.user, person=self.stored(obj), data=data)
        )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.person_trash(actor=request.user, person=obj)


@admin.register(CommitteePosition)
class CommitteePositionAdmin(ServiceFormAdmin):
    list_display = (
        "person",
        "position",
        "title",
        "organization",
        "committee",
        "valid_from",
        "valid_to",
    )
    list_filter = ("position", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("person__full_name", "title")
    folded_search_fields = ("person__folded_name",)
    list_select_related = ("person", "organization", "committee")
    autocomplete_fields = ("person", "organization")
    fields = ("committee", "person", "position", "title", "organization", "valid_from", "valid_to")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "committee", "person", "position") if obj is not None else readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # positions are history: end them instead

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            values = self.model_values(
                form, changed_only=False, exclude=("committee", "person", "position")
            )
            created = services.position_assign(
                actor=request.user,
                committee=form.cleaned_data["committee"],
                person=form.cleaned_data["person"],
                position=form.cleaned_data["position"],
                **values,
            )
            self.adopt(obj, created)
            return
        stored = self.stored(obj)
        data = self.model_values(form, changed_only=True)
        if set(data) == {"valid_to"} and stored.valid_to is None and data["valid_to"]:
            stored = services.position_end(actor=request.user, position=stored, on=data["valid_to"])
        elif data:
            stored = services.position_update(actor=request.user, position=stored, data=data)
        self.adopt(obj, stored)


# -- roles --------------------------------------------------------------------------------
@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceFormAdmin):
    list_display = ("user", "role", "committee", "organization", "valid_from", "valid_to")
    list_filter = ("role", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__first_name", "user__last_name", "organization__name")
    folded_search_fields = ("organization__folded_name",)
    list_select_related = ("user", "committee", "organization")
    autocomplete_fields = ("user", "organization")
    fields = ("user", "role", "committee", "organization", "valid_from", "valid_to")
    actions = ("reset_passwords", "deactivate_accounts")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        if obj is None:
            return readonly
        # A role is history once given: only its end can be set.
        return (*readonly, "user", "role", "committee", "organization", "valid_from")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # roles are history: end them instead

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "role" and not _is_admin(request):
            kwargs["choices"] = [c for c in Role.choices if c[0] != Role.ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            data = form.cleaned_data
            created = services.role_assign(
                actor=request.user,
                user=data["user"],
                role=data["role"],
                committee=data.get("committee"),
                organization=data.get("organization"),
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
            )
            self.adopt(obj, created)
            return
        stored = self.stored(obj)
        if "valid_to" in form.changed_data:
            end = form.cleaned_data["valid_to"]
            if end is None:
                raise ValidationError(
                    {"valid_to": gettext("An ended role cannot be reopened: assign it again.")}
                )
            stored = services.role_end(actor=request.user, assignment=stored, on=end)
        self.adopt(obj, stored)

    def _accounts(self, queryset: models.QuerySet) -> list[Any]:
        seen: dict[int, Any] = {}
        for assignment in queryset.select_related("user"):
            seen.setdefault(assignment.user_id, assignment.user)
        return list(seen.values())

    @admin.action(description=_("Reset the passwords of the selected users"))
    def reset_passwords(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for user in self._accounts(queryset):
            try:
                password = services.user_reset_password(actor=request.user, user=user)
            except (PermissionDenied, ValidationError):
                self.message_user(
                    request,
                    gettext(
                        "The password of {user} was not reset: you may not manage this account."
                    ).format(user=user.get_username()),
                    level=messages.WARNING,
                )
                continue
            self.message_user(
                request,
                gettext("One-time password of {user}: {password}").format(
                    user=user.get_username(), password=password
                ),
                level=messages.SUCCESS,
            )

    @admin.action(description=_("Deactivate the selected users' accounts"))
    def deactivate_accounts(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        done = 0
        for user in self._accounts(queryset):
            try:
                services.user_deactivate(actor=request.user, user=user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                reason = " ".join(getattr(exc, "messages", [])) or gettext("not allowed")
                self.message_user(
                    request,
                    gettext("{user} was not deactivated: {reason}").format(
                        user=user.get_username(), reason=reason
                    ),
                    level=messages.WARNING,
                )
        if done:
            self.message_user(request, gettext("Accounts deactivated: {count}.").format(count=done))
