"""The programs in the admin: every save, delete and status move goes through the services.

The services write the audit events (and the M2M values), so these admins do not use the
base class's generic audit in `save_related`; inline rows are saved through the services
of their own model. Fields of a program past draft are read-only, as in the services.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phoihop.core import permissions
from phoihop.core.admin_base import ServiceModelAdmin, admin_allowed
from phoihop.core.models import User
from phoihop.orgs.models import Committee, Organization, Person
from phoihop.programs import services
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import (
    Indicator,
    LegalDocument,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)
from phoihop.programs.selectors import parties_to_sign


def _searchable_in_admin(model: type[models.Model]) -> bool:
    """Autocomplete needs the related model's admin with search fields; the orgs admin
    may not provide one, and then a plain select is used instead."""
    model_admin = admin.site._registry.get(model)
    return bool(model_admin is not None and model_admin.search_fields)


def _adopt(obj: models.Model, created: models.Model) -> None:
    """Give the admin's unsaved instance the identity of the row a service created, so
    the admin's redirects, messages and inline formsets use it."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False
    obj._state.db = created._state.db


def _actor(request: HttpRequest) -> User:
    """The signed-in user (the admin lets no one else in)."""
    return cast(User, request.user)


def _changed(form: Any, allowed: frozenset[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ProgramsAdmin(ServiceModelAdmin):
    """Base of this app's admins (see the module docstring)."""

    status_fields: tuple[str, ...] = ()
    organization_autocomplete: tuple[str, ...] = ()

    def get_autocomplete_fields(self, request: HttpRequest) -> tuple[str, ...]:
        fields = tuple(super().get_autocomplete_fields(request))
        if _searchable_in_admin(Organization):
            fields += self.organization_autocomplete
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        narrowed = _narrowed_choices(db_field, request)
        if narrowed is not None and "queryset" not in kwargs:
            kwargs["queryset"] = narrowed
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        narrowed = _narrowed_choices(db_field, request)
        if narrowed is not None and "queryset" not in kwargs:
            kwargs["queryset"] = narrowed
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # The service refused (the admin's transaction rolled back): say why.
            self.message_user(request, _error_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.save_via_service(request=request, obj=obj, form=form, change=change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        inline = next(
            cast(ServiceInline, i)
            for i in self.get_inline_instances(request, form.instance)
            if i.model is formset.model
        )
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            inline.delete_via_service(request=request, obj=obj)
        editable = set(inline.get_fields(request, form.instance))
        for obj, changed in formset.changed_objects:
            data = {name: getattr(obj, name) for name in changed if name in editable}
            inline.update_via_service(request=request, obj=obj, data=data)
        for obj in formset.new_objects:
            inline.create_via_service(request=request, obj=obj, parent=form.instance)

    def _run_action(
        self,
        request: HttpRequest,
        queryset: models.QuerySet,
        service: Callable[..., Any],
        done: str,
    ) -> None:
        """Apply a service to each selected row; report what was done and what was refused."""
        count = 0
        for obj in queryset:
            try:
                service(actor=_actor(request), program=obj)
            except ValidationError as exc:
                self.message_user(request, f"{obj}: {_error_text(exc)}", messages.ERROR)
            except PermissionDenied:
                denied = gettext("You may not do this.")
                self.message_user(request, f"{obj}: {denied}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)


def _narrowed_choices(db_field: Any, request: HttpRequest) -> Any:
    """Choices the user may use: organizations, committees and parents (the program of a
    content, the content of an indicator) they manage; earlier programs, contents and
    indicators (`previous`, `lineage`) they can see, predecessors' included."""
    model = db_field.related_model
    if model is Organization:
        return Organization.objects.restrict(request.user, permissions.CHANGE)
    if model is Committee:
        return Committee.objects.restrict(request.user, permissions.CHANGE)
    if model is Person:
        return Person.objects.restrict(request.user, permissions.VIEW)
    if model in (Program, ProgramContent, Indicator):
        action = (
            permissions.VIEW if db_field.name in ("previous", "lineage") else permissions.CHANGE
        )
        return model._default_manager.restrict(request.user, action)
    return None


class ServiceInline(admin.TabularInline):
    """An inline whose rows are written through services, editable only in a draft."""

    extra = 0
    organization_autocomplete: tuple[str, ...] = ()

    def get_autocomplete_fields(self, request: HttpRequest) -> tuple[str, ...]:
        fields = tuple(super().get_autocomplete_fields(request))
        if _searchable_in_admin(Organization):
            fields += self.organization_autocomplete
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        narrowed = _narrowed_choices(db_field, request)
        if narrowed is not None and "queryset" not in kwargs:
            kwargs["queryset"] = narrowed
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def program_of(self, parent: Any) -> Program:
        raise NotImplementedError

    def _editable(self, request: HttpRequest, parent: Any) -> bool:
        if not admin_allowed(request):
            return False
        if parent is None or parent.pk is None:
            return True
        return (
            permissions.can(request.user, permissions.CHANGE, parent)
            and self.program_of(parent).status == ProgramStatus.DRAFT
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def create_via_service(self, *, request: HttpRequest, obj: Any, parent: Any) -> None:
        raise NotImplementedError

    def update_via_service(
        self, *, request: HttpRequest, obj: Any, data: Mapping[str, Any]
    ) -> None:
        raise NotImplementedError

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError


# -- reference data --------------------------------------------------------------------


@admin.register(LegalDocument)
class LegalDocumentAdmin(ProgramsAdmin):
    list_display = ("number", "kind", "date", "issuer", "title")
    list_filter = ("kind", "issuer")
    search_fields = ("number", "title", "issuer")
    date_hierarchy = "date"

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.legal_document_update(
                actor=_actor(request),
                document=obj,
                data=_changed(form, services.LEGAL_DOCUMENT_FIELDS),
            )
        else:
            _adopt(
                obj,
                services.legal_document_create(
                    actor=_actor(request),
                    **{name: form.cleaned_data[name] for name in services.LEGAL_DOCUMENT_FIELDS},
                ),
            )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.legal_document_delete(actor=_actor(request), document=obj)


@admin.register(TargetGroup)
class TargetGroupAdmin(ProgramsAdmin):
    list_display = ("name", "code", "order")
    list_editable = ()
    search_fields = ("name", "code")

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.target_group_update(
                actor=_actor(request), group=obj, data=_changed(form, services.TARGET_GROUP_FIELDS)
            )
        else:
            _adopt(
                obj,
                services.target_group_create(
                    actor=_actor(request),
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    order=form.cleaned_data["order"],
                ),
            )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.target_group_delete(actor=_actor(request), group=obj)


# -- the program -----------------------------------------------------------------------


class PartyInline(ServiceInline):
    model = ProgramParty
    fields = ("order", "organization", "name_as_signed", "signed")
    readonly_fields = ("signed",)
    organization_autocomplete = ("organization",)

    def program_of(self, parent: Any) -> Program:
        return parent

    @admin.display(description=_("signature"))
    def signed(self, party: ProgramParty) -> str:
        signature = getattr(party, "signature", None) if party.pk else None
        if signature is None:
            return "—"
        return f"{signature.signer_name}, {signature.signed_at:%d/%m/%Y}"

    def create_via_service(self, *, request: HttpRequest, obj: Any, parent: Any) -> None:
        services.party_add(
            actor=_actor(request),
            program=parent,
            organization=obj.organization,
            order=obj.order,
            name_as_signed=obj.name_as_signed,
        )

    def update_via_service(
        self, *, request: HttpRequest, obj: Any, data: Mapping[str, Any]
    ) -> None:
        services.party_update(actor=_actor(request), party=obj, data=data)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.party_remove(actor=_actor(request), party=obj)


class ContentInline(ServiceInline):
    model = ProgramContent
    fields = ("order", "title", "lead")
    show_change_link = True
    organization_autocomplete = ("lead",)

    def program_of(self, parent: Any) -> Program:
        return parent

    def create_via_service(self, *, request: HttpRequest, obj: Any, parent: Any) -> None:
        services.content_create(
            actor=_actor(request), program=parent, title=obj.title, lead=obj.lead, order=obj.order
        )

    def update_via_service(
        self, *, request: HttpRequest, obj: Any, data: Mapping[str, Any]
    ) -> None:
        services.content_update(actor=_actor(request), content=obj, data=data)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.content_delete(actor=_actor(request), content=obj)


PROGRAM_ADD_FIELDS = (
    "committee",
    "year",
    "title",
    "number",
    "period_start",
    "period_end",
    "reporting_frequency",
    "deadline_days",
    "lead_may_approve",
    "previous",
    "legal_basis",
)


@admin.register(Program)
class ProgramAdmin(ProgramsAdmin):
    status_fields = ("status",)
    list_display = ("title", "year", "committee", "status", "signed_on", "is_published")
    list_filter = (
        "status",
        "year",
        ("committee", admin.RelatedOnlyFieldListFilter),
        "is_published",
    )
    search_fields = ("title", "number")
    list_select_related = ("committee",)
    autocomplete_fields = ("previous", "legal_basis")
    inlines = (PartyInline, ContentInline)
    actions = (
        "send_for_signing",
        "reopen",
        "start_review",
        "resume",
        "close",
        "publish",
        "unpublish",
        "clone_next_year",
    )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:  # the service fills in the calendar year
            for name in ("period_start", "period_end"):
                form.base_fields[name].required = False
                form.base_fields[name].help_text = _("Leave empty for the calendar year.")
        return form

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return PROGRAM_ADD_FIELDS
        return (*PROGRAM_ADD_FIELDS, "status", "signed_on", "is_published")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = (*super().get_readonly_fields(request, obj), "signed_on", "is_published")
        if obj is None:
            return fields
        fields = (*fields, "committee")
        if obj.status != ProgramStatus.DRAFT:
            editable = (
                services.PROGRAM_FIELDS_AFTER_DRAFT
                if obj.status != ProgramStatus.CLOSED
                else frozenset()
            )
            fields += tuple(f for f in PROGRAM_ADD_FIELDS if f not in editable and f not in fields)
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == ProgramStatus.DRAFT
        )

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.program_update(
                actor=_actor(request), program=obj, data=_changed(form, services.PROGRAM_FIELDS)
            )
            return
        data = form.cleaned_data
        _adopt(
            obj,
            services.program_create(
                actor=_actor(request),
                committee=data["committee"],
                year=data["year"],
                title=data["title"],
                number=data.get("number", ""),
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                reporting_frequency=data["reporting_frequency"],
                deadline_days=data["deadline_days"],
                lead_may_approve=data["lead_may_approve"],
                previous=data.get("previous"),
                legal_basis=data.get("legal_basis") or (),
            ),
        )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.program_trash(actor=_actor(request), program=obj)

    @admin.action(description=_("Send for signing"))
    def send_for_signing(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._run_action(
            request,
            queryset,
            services.program_send_for_signing,
            gettext("{count} program(s) sent for signing."),
        )

    @admin.action(description=_("Reopen for editing (clears signatures)"))
    def reopen(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._run_action(
            request, queryset, services.program_reopen, gettext("{count} program(s) reopened.")
        )

    @admin.action(description=_("Start the review"))
    def start_review(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._run_action(
            request,
            queryset,
            services.program_start_review,
            gettext("{count} program(s) put under review."),
        )

    @admin.action(description=_("Put back in force"))
    def resume(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._run_action(
            request,
            queryset,
            services.program_resume,
            gettext("{count} program(s) put back in force."),
        )

    @admin.action(description=_("Close the program"))
    def close(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._run_action(
            request, queryset, services.program_close, gettext("{count} program(s) closed.")
        )

    @admin.action(description=_("Publish the summary"))
    def publish(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._run_action(
            request, queryset, services.program_publish, gettext("{count} program(s) published.")
        )

    @admin.action(description=_("Withdraw from publication"))
    def unpublish(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._run_action(
            request,
            queryset,
            services.program_unpublish,
            gettext("{count} program(s) withdrawn from publication."),
        )

    @admin.action(description=_("Clone for the next year"))
    def clone_next_year(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        def clone(*, actor: Any, program: Program) -> Program:
            return services.program_clone(actor=actor, source=program, year=program.year + 1)

        self._run_action(
            request, queryset, clone, gettext("{count} program(s) cloned for the next year.")
        )


# -- contents and indicators -----------------------------------------------------------


class IndicatorInline(ServiceInline):
    model = Indicator
    fields = ("order", "name", "unit", "aggregation")
    show_change_link = True

    def program_of(self, parent: Any) -> Program:
        return parent.program

    def create_via_service(self, *, request: HttpRequest, obj: Any, parent: Any) -> None:
        services.indicator_create(
            actor=_actor(request),
            content=parent,
            name=obj.name,
            unit=obj.unit,
            aggregation=obj.aggregation,
            order=obj.order,
        )

    def update_via_service(
        self, *, request: HttpRequest, obj: Any, data: Mapping[str, Any]
    ) -> None:
        services.indicator_update(actor=_actor(request), indicator=obj, data=data)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.indicator_delete(actor=_actor(request), indicator=obj)


CONTENT_FIELDS = (
    "program",
    "order",
    "title",
    "description",
    "lead",
    "co_organizations",
    "target_groups",
    "legal_basis",
    "starts_on",
    "ends_on",
    "lineage",
)


@admin.register(ProgramContent)
class ProgramContentAdmin(ProgramsAdmin):
    list_display = ("title", "program", "lead", "order")
    list_filter = (
        "program__year",
        ("program__committee", admin.RelatedOnlyFieldListFilter),
        "program__status",
    )
    search_fields = ("title", "folded_title")
    list_select_related = ("program", "lead")
    fields = CONTENT_FIELDS
    autocomplete_fields = ("program", "legal_basis", "lineage")
    organization_autocomplete = ("lead", "co_organizations")
    inlines = (IndicatorInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        fields += ("program",)
        if obj.program.status != ProgramStatus.DRAFT:
            fields += tuple(f for f in CONTENT_FIELDS if f not in ("program", "lineage"))
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.program.status == ProgramStatus.DRAFT
        )

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.content_update(
                actor=_actor(request), content=obj, data=_changed(form, services.CONTENT_FIELDS)
            )
            return
        data = form.cleaned_data
        _adopt(
            obj,
            services.content_create(
                actor=_actor(request),
                program=data["program"],
                title=data["title"],
                lead=data["lead"],
                order=data["order"],
                description=data.get("description", ""),
                co_organizations=data.get("co_organizations") or (),
                target_groups=data.get("target_groups") or (),
                legal_basis=data.get("legal_basis") or (),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                lineage=data.get("lineage"),
            ),
        )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.content_delete(actor=_actor(request), content=obj)


class TargetInline(ServiceInline):
    model = Target
    fields = ("organization", "value")
    organization_autocomplete = ("organization",)

    def program_of(self, parent: Any) -> Program:
        return parent.content.program

    def create_via_service(self, *, request: HttpRequest, obj: Any, parent: Any) -> None:
        services.target_set(
            actor=_actor(request), indicator=parent, organization=obj.organization, value=obj.value
        )

    def update_via_service(
        self, *, request: HttpRequest, obj: Any, data: Mapping[str, Any]
    ) -> None:
        if "organization" in data:
            # Targets are keyed by organization: moving one is removing it and setting another.
            services.target_delete(actor=_actor(request), target=Target.objects.get(pk=obj.pk))
        services.target_set(
            actor=_actor(request),
            indicator=obj.indicator,
            organization=obj.organization,
            value=obj.value,
        )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.target_delete(actor=_actor(request), target=obj)


@admin.register(Indicator)
class IndicatorAdmin(ProgramsAdmin):
    list_display = ("name", "unit", "aggregation", "content")
    list_filter = ("unit", "aggregation", "content__program__year")
    search_fields = ("name", "content__title")
    list_select_related = ("content",)
    fields = ("content", "order", "name", "unit", "aggregation", "lineage")
    autocomplete_fields = ("content", "lineage")
    inlines = (TargetInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        fields += ("content",)
        if obj.content.program.status != ProgramStatus.DRAFT:
            fields += ("order", "name", "unit", "aggregation")
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.content.program.status == ProgramStatus.DRAFT
        )

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.indicator_update(
                actor=_actor(request), indicator=obj, data=_changed(form, services.INDICATOR_FIELDS)
            )
            return
        data = form.cleaned_data
        _adopt(
            obj,
            services.indicator_create(
                actor=_actor(request),
                content=data["content"],
                name=data["name"],
                unit=data["unit"],
                aggregation=data["aggregation"],
                order=data["order"],
                lineage=data.get("lineage"),
            ),
        )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.indicator_delete(actor=_actor(request), indicator=obj)


# -- signatures ------------------------------------------------------------------------


@admin.register(Signature)
class SignatureAdmin(ProgramsAdmin):
    """Signatures are recorded (through program_sign) and never edited: reopening the
    program clears them."""

    list_display = ("party", "signer_name", "signer_title", "signed_at", "recorded_by")
    list_filter = (
        "party__program__year",
        ("party__program__committee", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("signer_name", "party__name_as_signed", "party__program__title")
    list_select_related = ("party__program", "recorded_by")
    fields = ("party", "signer", "signer_name", "signer_title", "signed_at", "signed_copy")

    def get_autocomplete_fields(self, request: HttpRequest) -> tuple[str, ...]:
        return ("signer",) if _searchable_in_admin(Person) else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "party":
            kwargs["queryset"] = parties_to_sign(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        _adopt(
            obj,
            services.program_sign(
                actor=_actor(request),
                party=data["party"],
                signer_person=data.get("signer"),
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                signed_at=data["signed_at"],
                signed_copy=data.get("signed_copy") or None,
            ),
        )
