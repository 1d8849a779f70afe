"""Admin plumbing for models whose services write their own audit rows.

core.admin_base.ServiceModelAdmin audits in `save_related`, after `save_via_service`;
when the service is one of ours (which audits itself) that would write every change
twice. `ServiceFormAdmin` hands the whole save to the service, turns the service's
ValidationError into form errors instead of a server error, and soft-deletes without
Django's cascade check (nothing is deleted, so protected relations do not matter).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse

from phoihop.core import permissions
from phoihop.core.admin_base import ServiceModelAdmin
from phoihop.core.models import TrashableModel
from phoihop.core.text import fold

_SERVICE_ERROR = "_phoihop_service_error"


class ServiceFormAdmin(ServiceModelAdmin):
    # Fields whose choices are narrowed to the committees the user may write to.
    committee_fields: tuple[str, ...] = ("committee",)
    # Accent-insensitive search: the term is folded and matched against these fields.
    folded_search_fields: tuple[str, ...] = ()

    # -- writes -----------------------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.save_via_service(request=request, obj=obj, form=form, change=change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many values go through the services too; inlines here are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @staticmethod
    def stored(obj: models.Model) -> Any:
        """The row as it is in the database (the form has already changed `obj`)."""
        return type(obj)._base_manager.get(pk=obj.pk)

    @staticmethod
    def model_values(form: Any, *, changed_only: bool, exclude: tuple[str, ...] = ()) -> dict:
        model_fields = {f.name for f in form._meta.model._meta.get_fields()}
        names = form.changed_data if changed_only else list(form.cleaned_data)
        return {
            name: form.cleaned_data[name]
            for name in names
            if name in model_fields and name in form.cleaned_data and name not in exclude
        }

    @staticmethod
    def adopt(obj: models.Model, created: models.Model) -> None:
        """Let the admin (messages, redirect, log) see the row the service created."""
        obj.__dict__.update(created.__dict__)

    # -- service errors become form errors ------------------------------------------------
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
            if request.method != "POST" or hasattr(request, _SERVICE_ERROR):
                raise
            # The first attempt was rolled back; show the form again with the reason.
            setattr(request, _SERVICE_ERROR, exc)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        error: ValidationError | None = getattr(request, _SERVICE_ERROR, None)
        if error is None:
            return form_class
        refused: ValidationError = error

        class WithServiceError(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                if hasattr(refused, "error_dict") and set(refused.error_dict) <= set(self.fields):
                    self.add_error(None, refused)
                else:
                    self.add_error(None, refused.messages)
                return cleaned

        return WithServiceError

    # -- deletes are moves to the trash ---------------------------------------------------
    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple:
        objs = list(objs)
        if objs and all(isinstance(o, TrashableModel) for o in objs):
            return (
                [str(o) for o in objs],
                {self.model._meta.verbose_name_plural: len(objs)},
                set(),
                [],
            )
        return super().get_deleted_objects(objs, request)

    # -- choices narrowed by the same permissions --------------------------------------
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.committee_fields:
            # The committees this user may write to, read through the same mechanism.
            related = db_field.related_model
            kwargs["queryset"] = related.objects.restrict(request.user, permissions.CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if not (folded and self.folded_search_fields):
            return found, may_have_duplicates
        condition = models.Q(pk__in=found.values("pk"))
        for name in self.folded_search_fields:
            condition |= models.Q(**{f"{name}__icontains": folded})
        return queryset.filter(condition), may_have_duplicates


class ReadOnlyInline(admin.TabularInline):
    """History shown beside its object; written only by the services."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # the parent admin has already checked the object

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
