"""The admin, on the same rules as the pages: querysets restricted by core.permissions,
saves and deletes through services, status fields read-only, every change audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db import models, transaction
from django.http import HttpRequest

from phoihop.core import audit, permissions
from phoihop.core import services as core_services
from phoihop.core.models import TrashableModel


def admin_allowed(request: HttpRequest) -> bool:
    """The admin is for system admins and the secretariat."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    scope = permissions.get_scope(user)
    return scope.is_admin or bool(scope.committees_with(permissions.SECRETARIAT))


class ServiceModelAdmin(admin.ModelAdmin):
    """Subclasses may override `save_via_service` / `delete_via_service`."""

    status_fields: tuple[str, ...] = ("status",)

    # -- permissions: one mechanism ---------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        return permissions.restrict(qs, request.user, permissions.VIEW)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return admin_allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request) and (
            obj is None or permissions.can(request.user, "view", obj)
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return admin_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request) and (
            obj is None or permissions.can(request.user, permissions.CHANGE, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request) and (
            obj is None or permissions.can(request.user, permissions.DELETE, obj)
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        model_fields = {f.name for f in self.model._meta.get_fields()}
        status = tuple(f for f in self.status_fields if f in model_fields)
        return tuple(super().get_readonly_fields(request, obj)) + status

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # bulk delete would bypass the services
        return actions

    # -- writes: through services ----------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Audit is written in save_related, once M2M values are saved too.
        request._phoihop_before = (  # type: ignore[attr-defined]
            audit.snapshot(type(obj)._base_manager.get(pk=obj.pk)) if change else None
        )
        self.save_via_service(request=request, obj=obj, form=form, change=change)

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.full_clean()
        obj.save()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            before = getattr(request, "_phoihop_before", None)
            after = audit.snapshot(obj)
            if not change:
                audit.record(actor=request.user, action="create", obj=obj, after=after)
            elif before != after:
                audit.record(
                    actor=request.user, action="update", obj=obj, before=before, after=after
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_via_service(request=request, obj=obj)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        if isinstance(obj, TrashableModel):
            core_services.trash(actor=request.user, obj=obj)
        else:
            core_services.model_delete(actor=request.user, obj=obj)


class ReadOnlyAdmin(ServiceModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdministratorsOnlyAdmin(ReadOnlyAdmin):
    """Derived tables (rollups, the search index): shown to system administrators only;
    everyone else reads them through the selectors built on them."""

    administrators_only = True
    status_fields: tuple[str, ...] = ()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)
