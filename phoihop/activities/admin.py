"""Activity reports in the admin: the secretariat reviews, approves and returns them
(one by one or in bulk); every write goes through phoihop.activities.services.

Reports are written by focal points; the admin's form saves only for a staff user who is
also the reporting organization's focal point, through activity_create / activity_update.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phoihop.activities import services
from phoihop.activities.models import (
    Activity,
    Attachment,
    Comment,
    Credit,
    Funding,
    IndicatorValue,
    NilReport,
    Participation,
)
from phoihop.core import permissions
from phoihop.core.admin_base import admin_allowed
from phoihop.core.admin_forms import ReadOnlyInline, ServiceFormAdmin
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program, ProgramContent


def _focal_orgs(request: HttpRequest) -> set[int]:
    scope = permissions.get_scope(request.user)
    return {
        o
        for c in scope.committees_with(permissions.FOCAL)
        for o in scope.orgs_for(c, permissions.FOCAL)
    }


class ActivityActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason for return"),
        required=False,
        help_text=_("Needed to return the selected reports."),
    )


class ActivityAdminForm(forms.ModelForm):
    # The version the form was read at: saving a stale form is refused, not merged.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    co_organizations = forms.ModelMultipleChoiceField(
        label=_("co-organizing organizations"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("They are credited with the activity once they confirm it."),
    )

    class Meta:
        model = Activity
        fields = (
            "program",
            "content",
            "organization",
            "title",
            "start_date",
            "end_date",
            "locality",
            "narrative",
            "not_for_publication",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["co_organizations"].initial = list(
                self.instance.credits.exclude(
                    organization_id=self.instance.organization_id
                ).values_list("organization_id", flat=True)
            )


class _PartInline(admin.TabularInline):
    """Parts are edited with their report, by whoever may edit the report."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not admin_allowed(request):
            return False
        if obj is None:
            return bool(_focal_orgs(request))
        return permissions.can(request.user, permissions.CHANGE, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)


class ParticipationInline(_PartInline):
    model = Participation
    fields = ("target_group", "count")


class IndicatorValueInline(_PartInline):
    model = IndicatorValue
    fields = ("indicator", "value", "denominator")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "indicator":
            # Only the indicators of the report's own content.
            object_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            activity = Activity.objects.filter(pk=object_id).first() if object_id else None
            if activity is not None:
                kwargs["queryset"] = activity.content.indicators.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FundingInline(_PartInline):
    model = Funding
    fields = ("source", "amount")


class CreditInline(admin.TabularInline):
    """Credits are shown here; co-organizers are chosen in the form and confirm in the app."""

    model = Credit
    extra = 0
    fields = ("organization", "confirmed_at", "confirmed_by")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttachmentInline(ReadOnlyInline):
    """Photos and documents are uploaded in the app, where they are checked and re-encoded."""

    model = Attachment
    fields = ("kind", "file", "caption", "original_name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ("at", "author", "text")
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(ServiceFormAdmin):
    committee_fields = ()
    form = ActivityAdminForm
    action_form = ActivityActionForm
    status_fields = ("status", "version")
    list_display = (
        "title",
        "organization",
        "program",
        "start_date",
        "status",
        "version",
        "not_for_publication",
    )
    list_filter = (
        "status",
        ("program", admin.RelatedOnlyFieldListFilter),
        ("organization", admin.RelatedOnlyFieldListFilter),
        "not_for_publication",
    )
    search_fields = ("title", "narrative", "organization__name", "organization__abbreviation")
    list_select_related = ("organization", "program")
    date_hierarchy = "start_date"
    raw_id_fields = ("locality",)
    readonly_fields = (
        "uuid",
        "created_by",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "return_reason",
        "revision_of",
    )
    inlines = (
        ParticipationInline,
        IndicatorValueInline,
        FundingInline,
        CreditInline,
        AttachmentInline,
        CommentInline,
    )
    actions = ("approve_selected", "return_selected")

    fieldsets = (
        (
            None,
            {
                "fields": (
                    "program",
                    "content",
                    "organization",
                    "title",
                    ("start_date", "end_date"),
                    "locality",
                    "narrative",
                    "not_for_publication",
                    "co_organizations",
                    "expected_version",
                )
            },
        ),
        (
            _("Status"),
            {
                "fields": (
                    ("status", "version"),
                    "uuid",
                    "revision_of",
                    "created_by",
                    ("submitted_at", "submitted_by"),
                    ("decided_at", "decided_by"),
                    "return_reason",
                )
            },
        ),
    )

    # -- permissions --------------------------------------------------------------------
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return admin_allowed(request) and bool(_focal_orgs(request))

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return admin_allowed(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            # Who reports and under which program never changes after creation.
            fields += ("program", "organization")
        return fields

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user
        fields = form.base_fields
        if "organization" in fields:
            fields["organization"].queryset = Organization.objects.filter(
                pk__in=_focal_orgs(request)
            )
        if "program" in fields:
            fields["program"].queryset = Program.objects.restrict(user).filter(
                status__in=services.DRAFTING
            )
        if "content" in fields:
            contents = ProgramContent.objects.restrict(user)
            if obj is not None:
                contents = contents.filter(program_id=obj.program_id)
            fields["content"].queryset = contents
        if "co_organizations" in fields:
            orgs = Organization.objects.restrict(user)
            if obj is not None:
                orgs = orgs.filter(committee_id=obj.committee_id).exclude(pk=obj.organization_id)
            fields["co_organizations"].queryset = orgs
        return form

    # -- writes through the services (their errors come back as form errors) -------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved with its parts in save_related, in one service call."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        data = form.cleaned_data
        parts: dict[str, Any] = {"co_organizations": list(data.get("co_organizations") or [])}
        for formset in formsets:
            # The service saves the rows; the admin's change message reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            rows = [
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            if formset.model is Participation:
                parts["participants"] = {r["target_group"]: r["count"] for r in rows}
            elif formset.model is IndicatorValue:
                parts["values"] = {r["indicator"]: (r["value"], r["denominator"]) for r in rows}
            elif formset.model is Funding:
                parts["funding"] = {r["source"]: r["amount"] for r in rows}
        obj = form.instance
        if not change:
            created = services.activity_create(
                actor=request.user,
                program=data["program"],
                content=data["content"],
                organization=data["organization"],
                title=data["title"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                locality=data["locality"],
                narrative=data.get("narrative", ""),
                not_for_publication=data.get("not_for_publication", False),
                **parts,
            )
            self.adopt(obj, created)
            return
        fields = {
            name: data[name]
            for name in services.UPDATABLE_FIELDS
            if name in data and name in form.changed_data
        }
        expected = data.get("expected_version") or obj.version
        services.activity_update(
            actor=request.user, activity=obj, expected_version=expected, **fields, **parts
        )

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.activity_trash(actor=request.user, activity=obj)

    # -- actions: the bulk services --------------------------------------------------------
    def _bulk(self, request: HttpRequest, run: Any, done: str) -> None:
        try:
            changed = run()
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            self.message_user(request, _("Nothing was changed."), messages.WARNING)
            return
        except PermissionDenied:
            self.message_user(request, _("You may not decide on these reports."), messages.ERROR)
            return
        self.message_user(request, done.format(count=len(changed)), messages.SUCCESS)

    @admin.action(description=_("Approve the selected reports"), permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        self._bulk(
            request,
            lambda: services.activities_approve_many(actor=request.user, activities=list(queryset)),
            gettext("Reports approved: {count}."),
        )

    @admin.action(
        description=_("Return the selected reports (with the reason above)"),
        permissions=["approve"],
    )
    def return_selected(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        self._bulk(
            request,
            lambda: services.activities_return_many(
                actor=request.user, activities=list(queryset), reason=request.POST.get("reason", "")
            ),
            gettext("Reports returned: {count}."),
        )


@admin.register(NilReport)
class NilReportAdmin(ServiceFormAdmin):
    committee_fields = ()
    status_fields = ()
    list_display = ("organization", "program", "period_start", "period_end", "created_by")
    list_filter = (
        ("program", admin.RelatedOnlyFieldListFilter),
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("organization__name", "note")
    list_select_related = ("organization", "program", "created_by")
    fields = ("program", "organization", "period_start", "period_end", "note")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A nil report is withdrawn and entered again, never edited.
        return obj is None and admin_allowed(request)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "program" in form.base_fields:
            form.base_fields["program"].queryset = Program.objects.restrict(request.user)
        if "organization" in form.base_fields:
            form.base_fields["organization"].queryset = Organization.objects.restrict(request.user)
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = services.nil_report_create(
            actor=request.user,
            program=data["program"],
            organization=data["organization"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            note=data.get("note", ""),
        )
        self.adopt(obj, created)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service audited the creation already."""

    def delete_via_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.nil_report_delete(actor=request.user, report=obj)
