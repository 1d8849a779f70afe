"""Good-practice models in the admin: saves, status moves and deletes go through
phoihop.practices.services; the status is read-only and changes by the actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phoihop.core.admin_forms import ReadOnlyInline, ServiceFormAdmin
from phoihop.practices import services
from phoihop.practices.models import Evaluation, Practice, Replication


def _searchable(model: type[models.Model]) -> bool:
    """Autocomplete needs the related model's admin with search fields (geo and programs
    provide them); without one the raw id widget is used."""
    model_admin = admin.site._registry.get(model)
    return bool(model_admin is not None and model_admin.search_fields)


class SearchableRelationsMixin:
    """Fields shown as autocomplete when their model's admin can search, else raw ids."""

    searchable_relations: tuple[str, ...] = ()

    def get_autocomplete_fields(self, request: HttpRequest) -> tuple[str, ...]:
        fields = tuple(super().get_autocomplete_fields(request))  # type: ignore[misc]
        extra = tuple(
            name
            for name in self.searchable_relations
            if _searchable(self.model._meta.get_field(name).related_model)  # type: ignore[attr-defined]
        )
        return fields + extra


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = ("evaluated_on", "evaluator", "score", "criteria", "conclusion")
    readonly_fields = fields


class ReplicationInline(ReadOnlyInline):
    model = Replication
    fields = ("locality", "organization", "since", "results")
    readonly_fields = fields


@admin.register(Practice)
class PracticeAdmin(SearchableRelationsMixin, ServiceFormAdmin):
    list_display = ("title", "owner", "status", "started_on", "replications", "committee")
    list_filter = (
        "status",
        ("committee", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "description", "owner__name")
    folded_search_fields = ("folded_title",)
    list_select_related = ("owner", "committee")
    autocomplete_fields = ("owner",)
    raw_id_fields = ("content", "localities")
    searchable_relations = ("content", "localities")
    fields = (
        "owner",
        "title",
        "description",
        "content",
        "localities",
        "started_on",
        "status",
        "committee",
    )
    inlines = (EvaluationInline, ReplicationInline)
    actions = ("mark_effective", "recommend", "stop", "resume")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).annotate(replication_total=Count("replications"))

    @admin.display(description=_("replications"), ordering="replication_total")
    def replications(self, obj: Practice) -> int:
        return getattr(obj, "replication_total", 0)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*super().get_readonly_fields(request, obj), "committee")

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.practice_register(
                actor=request.user,
                owner=data["owner"],
                title=data["title"],
                started_on=data["started_on"],
                description=data.get("description", ""),
                content=data.get("content"),
                localities=data.get("localities") or (),
            )
            self.adopt(obj, created)
            return
        changed = self.model_values(form, changed_only=True, exclude=("localities",))
        localities = data.get("localities") if "localities" in form.changed_data else None
        updated = services.practice_update(
            actor=request.user, practice=self.stored(obj), data=changed, localities=localities
        )
        self.adopt(obj, updated)

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.practice_trash(actor=request.user, practice=obj)

    # -- status moves, one practice at a time, each with its own outcome ---------------------
    def _each(
        self, request: HttpRequest, queryset: models.QuerySet, move: Callable[..., Practice]
    ) -> None:
        done = 0
        for practice in queryset:
            try:
                move(actor=request.user, practice=practice)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                reason = " ".join(getattr(exc, "messages", [])) or gettext("not allowed")
                self.message_user(
                    request,
                    gettext("“{title}” was not changed: {reason}").format(
                        title=practice.title, reason=reason
                    ),
                    level=messages.WARNING,
                )
        if done:
            self.message_user(request, gettext("Models changed: {count}.").format(count=done))

    @admin.action(description=_("Mark as effective (after a good evaluation)"))
    def mark_effective(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.practice_mark_effective)

    @admin.action(description=_("Recommend for replication"))
    def recommend(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.practice_recommend)

    @admin.action(description=_("Stop"))
    def stop(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.practice_stop)

    @admin.action(description=_("Resume as a pilot"))
    def resume(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._each(request, queryset, services.practice_resume)


@admin.register(Evaluation)
class EvaluationAdmin(ServiceFormAdmin):
    """Evaluations are records: added through practice_evaluate, never edited."""

    list_display = ("practice", "evaluated_on", "evaluator", "score")
    list_filter = ("evaluated_on",)
    search_fields = ("practice__title", "evaluator", "criteria")
    list_select_related = ("practice",)
    autocomplete_fields = ("practice",)
    fields = ("practice", "evaluated_on", "evaluator", "criteria", "score", "conclusion")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = services.practice_evaluate(
            actor=request.user,
            practice=data["practice"],
            criteria=data["criteria"],
            score=data["score"],
            evaluator=data["evaluator"],
            evaluated_on=data["evaluated_on"],
            conclusion=data.get("conclusion", ""),
        )
        self.adopt(obj, created)


@admin.register(Replication)
class ReplicationAdmin(SearchableRelationsMixin, ServiceFormAdmin):
    list_display = ("practice", "locality", "organization", "since")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("practice__title", "organization__name", "locality__name", "results")
    list_select_related = ("practice", "locality", "organization")
    autocomplete_fields = ("practice", "organization")
    raw_id_fields = ("locality",)
    searchable_relations = ("locality",)
    fields = ("practice", "locality", "organization", "since", "results")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            readonly = (*readonly, "practice", "locality", "organization")
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_via_service(self, *, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.practice_record_replication(
                actor=request.user,
                practice=data["practice"],
                locality=data["locality"],
                organization=data["organization"],
                since=data["since"],
                results=data.get("results", ""),
            )
            self.adopt(obj, created)
            return
        updated = services.replication_update(
            actor=request.user,
            replication=self.stored(obj),
            data=self.model_values(form, changed_only=True),
        )
        self.adopt(obj, updated)
