"""Forms of the report pages. They shape input for the services and hold no rules:
what is allowed (contents, groups, indicators, status) is decided in services.py."""

from __future__ import annotations

import uuid as uuidlib
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.activities import selectors
from phoihop.activities.choices import FundingSource
from phoihop.activities.models import Activity
from phoihop.geo.choices import Level
from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Organization
from phoihop.programs.choices import Aggregation
from phoihop.programs.models import ProgramContent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ContentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program.year} · {obj.title}"


class ActivityForm(forms.Form):
    """The report: its fields and, for the chosen content, participants per target group
    (`p_<group>`), indicator values (`v_<indicator>`, `d_<indicator>` for ratios),
    funding per source (`f_<source>`) and co-organizers (`co`)."""

    uuid = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    organization = forms.ModelChoiceField(
        label=_("Reporting organization"), queryset=Organization.objects.none()
    )
    content = ContentChoiceField(
        label=_("Program content"),
        queryset=ProgramContent.objects.none(),
        empty_label=_("– choose the content –"),
    )
    title = forms.CharField(
        label=pgettext_lazy("activity", "Title"),
        max_length=300,
        help_text=_("What was done, where: e.g. “Tuyên truyền Luật Nghĩa vụ quân sự tại xã …”."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE, input_formats=DATE_FORMATS)
    end_date = forms.DateField(label=_("End date"), widget=DATE, input_formats=DATE_FORMATS)
    locality = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=AdminUnit.objects.filter(level=Level.COMMUNE),
        widget=forms.RadioSelect,
        error_messages={"required": _("Search for the commune and choose it in the list.")},
    )
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Results, who took part, what is left to do."),
    )
    not_for_publication = forms.BooleanField(
        label=_("Not for publication"),
        required=False,
        help_text=_(
            "Tick it for a report that must stay internal (military matters, for example): "
            "it never appears on public pages."
        ),
    )

    def __init__(self, *args: Any, user: Any, activity: Activity | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.activity = activity
        organizations = selectors.reporting_organizations(user)
        if activity is not None:
            organizations = Organization.objects.filter(pk=activity.organization_id)
        self.fields["organization"].queryset = organizations
        org_list = list(organizations)
        if len(org_list) == 1:
            self.fields["organization"].initial = org_list[0].pk
            self.fields["organization"].widget = forms.HiddenInput()
        self.organization = self._chosen(
            "organization", org_list[0] if len(org_list) == 1 else None, Organization
        )
        # One organization: its contents; several: any of theirs (the service refuses a
        # content the chosen organization takes no part in, saying so).
        self.fields["content"].queryset = (
            selectors.reportable_contents(user, self.organization)
            if self.organization is not None and len(org_list) <= 1
            else selectors.reportable_contents(user, org_list)
        )
        # A locked field's choices: the unit already chosen only; searching adds others.
        self.content = self._chosen("content", None, ProgramContent)
        self.parts: dict[str, Any] = {"groups": [], "indicators": [], "partners": []}
        if self.content is not None:
            self.parts = selectors.content_parts(self.content)
        self._add_part_fields()
        self.selected_locality = self._chosen("locality", None, AdminUnit)

    def _chosen(self, name: str, default: Any, model: Any) -> Any:
        """The object picked in field `name`: from the data when bound, else the initial."""
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else None
        if raw in (None, ""):
            raw = self.initial.get(name, self.fields[name].initial)
        if isinstance(raw, model):
            return raw
        if raw in (None, ""):
            return default
        qs = self.fields[name].queryset
        related = self._related(model)
        if related:
            qs = qs.select_related(*related)
        try:
            return qs.get(pk=raw)
        except (model.DoesNotExist, ValueError, TypeError):
            return default

    @staticmethod
    def _related(model: Any) -> tuple[str, ...]:
        if model is ProgramContent:
            return ("program", "lead")
        if model is AdminUnit:
            return ("province",)
        return ()

    def _add_part_fields(self) -> None:
        for group in self.parts["groups"]:
            self.fields[f"p_{group.pk}"] = forms.IntegerField(
                label=group.name, required=False, min_value=0
            )
        for indicator in self.parts["indicators"]:
            self.fields[f"v_{indicator.pk}"] = forms.DecimalField(
                label=indicator.name, required=False, min_value=0, max_digits=18, decimal_places=2
            )
            if indicator.aggregation == Aggregation.RATIO:
                self.fields[f"d_{indicator.pk}"] = forms.DecimalField(
                    label=_("{indicator}: out of (denominator)").format(indicator=indicator.name),
                    required=False,
                    min_value=0,
                    max_digits=18,
                    decimal_places=2,
                )
        for source, label in FundingSource.choices:
            self.fields[f"f_{source}"] = forms.IntegerField(
                label=label, required=False, min_value=0
            )
        partners = [
            o
            for o in self.parts["partners"]
            if self.organization is None or o.pk != self.organization.pk
        ]
        self.fields["co"] = forms.MultipleChoiceField(
            label=_("Co-organizers"),
            required=False,
            choices=[(str(o.pk), o.name) for o in partners],
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Organizations that held the activity with yours; each confirms its credit."
            ),
        )

    # -- what the template walks --------------------------------------------------------

    def group_fields(self) -> list[Any]:
        return [self[f"p_{g.pk}"] for g in self.parts["groups"]]

    def indicator_rows(self) -> list[dict[str, Any]]:
        rows = []
        for indicator in self.parts["indicators"]:
            rows.append(
                {
                    "indicator": indicator,
                    "value": self[f"v_{indicator.pk}"],
                    "denominator": self[f"d_{indicator.pk}"]
                    if f"d_{indicator.pk}" in self.fields
                    else None,
                }
            )
        return rows

    def funding_fields(self) -> list[Any]:
        return [self[f"f_{source}"] for source in FundingSource.values]

    # -- for the services ---------------------------------------------------------------

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        participants = {
            g.pk: data.get(f"p_{g.pk}") for g in self.parts["groups"] if data.get(f"p_{g.pk}")
        }
        values: dict[int, Any] = {}
        for indicator in self.parts["indicators"]:
            value = data.get(f"v_{indicator.pk}")
            if value is None:
                continue
            denominator = data.get(f"d_{indicator.pk}")
            values[indicator.pk] = (value, denominator) if denominator is not None else value
        funding = {s: data.get(f"f_{s}") for s in FundingSource.values if data.get(f"f_{s}")}
        return {
            "content": data["content"],
            "title": data["title"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "locality": data["locality"],
            "narrative": data.get("narrative", ""),
            "not_for_publication": bool(data.get("not_for_publication")),
            "participants": participants,
            "values": values,
            "funding": funding,
            "co_organizations": [int(pk) for pk in data.get("co") or []],
        }


def initial_for(activity: Activity | None) -> dict[str, Any]:
    """The form's initial values: a new report (a fresh id) or the saved one."""
    if activity is None:
        return {"uuid": uuidlib.uuid4()}
    initial: dict[str, Any] = {
        "uuid": activity.uuid,
        "version": activity.version,
        "organization": activity.organization_id,
        "content": activity.content_id,
        "title": activity.title,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "locality": activity.locality_id,
        "narrative": activity.narrative,
        "not_for_publication": activity.not_for_publication,
    }
    for p in activity.participations.all():
        initial[f"p_{p.target_group_id}"] = p.count
    for v in activity.values.all():
        initial[f"v_{v.indicator_id}"] = _plain(v.value)
        if v.denominator is not None:
            initial[f"d_{v.indicator_id}"] = _plain(v.denominator)
    for f in activity.funding.all():
        initial[f"f_{f.source}"] = f.amount
    initial["co"] = [
        str(c.organization_id)
        for c in activity.credits.all()
        if c.organization_id != activity.organization_id
    ]
    return initial


def _plain(value: Decimal) -> Decimal:
    """45.00 → 45: what a person typed, not the column's scale."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what to fix, so the authors can correct it."),
        error_messages={
            "required": _("Say why the report is returned, so its authors know what to fix.")
        },
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the comment first.")},
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or document"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class BulkForm(forms.Form):
    """A decision on several reports of the queue at once (all or none, in the service)."""

    action = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("return", _("Return"))],
        error_messages={"required": _("Choose approve or return.")},
    )
    reason = forms.CharField(
        label=_("Reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
