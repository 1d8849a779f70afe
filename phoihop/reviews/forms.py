"""Forms of the review pages: input only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phoihop.orgs.models import Organization, Person
from phoihop.programs.models import Program
from phoihop.reviews.choices import CommendationForm, RecipientKind, ReviewKind
from phoihop.reviews.models import ReviewConference, ReviewPeriod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewCreateForm(forms.Form):
    program = forms.ModelChoiceField(label=_("program"), queryset=Program.objects.none())
    kind = forms.ChoiceField(label=_("kind of review"), choices=ReviewKind.choices)
    title = forms.CharField(label=_("title of the report"), max_length=400)
    period_start = forms.DateField(label=_("period start"), widget=DATE)
    period_end = forms.DateField(label=_("period end"), widget=DATE)

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class HeaderForm(forms.ModelForm):
    class Meta:
        model = ReviewPeriod
        fields = [
            "title",
            "issuer_type",
            "parent_body",
            "issuing_body",
            "number",
            "place_name",
            "document_date",
            "signer_authority",
            "signer_position",
            "signer_rank",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "document_date": DATE,
            "recipients": forms.Textarea(attrs={"rows": 5}),
        }


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("One paragraph per line; a line starting with “## ” is a sub-heading."),
    )


class DirectionForm(forms.Form):
    text = forms.CharField(label=_("direction or task"), widget=forms.Textarea(attrs={"rows": 2}))


class CommendationProposalForm(forms.Form):
    recipient_kind = forms.ChoiceField(label=_("recipient"), choices=RecipientKind.choices)
    organization = forms.ModelChoiceField(
        label=_("organization"), queryset=Organization.objects.none(), required=False
    )
    person = forms.ModelChoiceField(
        label=_("person"), queryset=Person.objects.none(), required=False
    )
    form = forms.ChoiceField(label=_("form of commendation"), choices=CommendationForm.choices)
    issuer = forms.CharField(label=_("issued by"), max_length=300)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organizations: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["person"].queryset = people


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("approve")), ("reject", _("reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("note or reason"), required=False, max_length=1000)


class ConferenceForm(forms.ModelForm):
    class Meta:
        model = ReviewConference
        fields = ["date", "place", "chair", "chair_name", "chair_title", "attendees", "notes"]
        widgets = {
            "date": DATE,
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people


class NextProgramForm(forms.Form):
    year = forms.IntegerField(label=_("year of the new program"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("title of the new program"), max_length=400, required=False)


class CarryOverForm(forms.Form):
    """The ticks of the carry-over page: directions, unmet targets (with the target to
    set for each) and the organization that leads the new contents."""

    def __init__(self, *args: Any, directions: Any, targets: Any, leads: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["directions"] = forms.TypedMultipleChoiceField(
            label=_("directions to add as new contents"),
            choices=[(d.id, d.text) for d in directions if not d.carried],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["lead"] = forms.ModelChoiceField(
            label=_("lead organization of the new contents"),
            queryset=leads,
            required=False,
        )
        self.fields["targets"] = forms.TypedMultipleChoiceField(
            label=_("unmet targets to carry"),
            choices=[(t.indicator_id, t.name) for t in targets if t.carried is None],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.value_fields = {}
        for t in targets:
            if t.carried is None:
                name = f"value_{t.indicator_id}"
                self.fields[name] = forms.DecimalField(
                    label=_("new target for “{name}”").format(name=t.name),
                    min_value=0,
                    max_digits=18,
                    decimal_places=2,
                    required=False,
                    initial=t.proposed,
                )
                self.value_fields[t.indicator_id] = name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("directions") and data.get("lead") is None:
            self.add_error("lead", _("Choose the organization that leads the new contents."))
        if not data.get("directions") and not data.get("targets") and not self.errors:
            raise forms.ValidationError(_("Tick at least one direction or target to carry."))
        return data

    def values(self) -> dict[int, Any]:
        return {
            pk: self.cleaned_data.get(name)
            for pk, name in self.value_fields.items()
            if self.cleaned_data.get(name) is not None
        }
