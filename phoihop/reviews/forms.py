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
