"""Forms of the practice pages; the rules are in practices.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phoihop.geo.models import AdminUnit
from phoihop.orgs.models import Organization
from phoihop.programs.models import ProgramContent


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _unit_label(unit: AdminUnit) -> str:
    return f"{unit.name} ({unit.get_level_display()})"


class PracticeForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Owner organization")
    )
    title = forms.CharField(label=_("Model name"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    content = forms.ModelChoiceField(
        queryset=ProgramContent.objects.none(),
        label=_("Program content"),
        required=False,
        help_text=_("The content of the program the model carries out, if any."),
    )
    localities = forms.ModelMultipleChoiceField(
        queryset=AdminUnit.objects.none(),
        label=_("Localities"),
        required=False,
        help_text=_("Hold Ctrl to choose several."),
    )

    def __init__(self, *args: Any, owners: Any, contents: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["content"].queryset = contents
        self.fields["content"].label_from_instance = lambda c: f"{c.program.year} – {c.title}"
        self.fields["localities"].queryset = units
        self.fields["localities"].label_from_instance = _unit_label
        if not self.is_bound and "started_on" not in self.initial:
            self.initial["started_on"] = timezone.localdate()


class EvaluationForm(forms.Form):
    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was judged, e.g. effectiveness, cost, whether it can be replicated."),
    )
    score = forms.DecimalField(
        label=_("Score (0-100)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    evaluator = forms.CharField(label=_("Evaluator"), max_length=200)
    evaluated_on = forms.DateField(label=_("Date"), widget=DateInput())
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "evaluated_on" not in self.initial:
            self.initial["evaluated_on"] = timezone.localdate()


class ReplicationForm(forms.Form):
    locality = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), label=_("Where"))
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Replicating organization")
    )
    since = forms.DateField(label=_("Since"), widget=DateInput())
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = units
        self.fields["locality"].label_from_instance = _unit_label
        self.fields["organization"].queryset = organizations


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
