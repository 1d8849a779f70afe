"""Forms of the program pages. They collect input; the rules are in programs.services.

Every create form takes its initial values from the query string too (see
`initial_from_query`), so another page can open it prefilled — e.g. the reviews pages
link to `programs:clone?source=<pk>&year=<y>` and to
`programs:content_add?title=…&description=…` to carry last year's directions and unmet
targets into the new program.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.orgs.models import Organization
from phoihop.programs.choices import Aggregation, Frequency, Unit
from phoihop.programs.models import LegalDocument, Program, TargetGroup

MAX_SCAN_BYTES = 15 * 1024 * 1024


def initial_from_query(query: QueryDict, form_class: type[forms.BaseForm]) -> dict[str, Any]:
    """Initial values for the form's fields named in the query string (lists for
    multiple-choice fields)."""
    initial: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if name not in query:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            initial[name] = query.getlist(name)
        else:
            initial[name] = query.get(name)
    return initial


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CloneForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        label=_("Program to start from"),
        help_text=_(
            "Contents, indicators, target groups, targets and parties are copied; "
            "organizations that were succeeded are replaced by their successors; "
            "signatures are not copied."
        ),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=pgettext_lazy("heading of a document", "Title"),
        max_length=400,
        required=False,
        help_text=_("Left empty: last year's title with the new year."),
    )

    def __init__(self, *args: Any, sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda p: f"{p.year} – {p.title}"


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = (
            "title",
            "number",
            "year",
            "period_start",
            "period_end",
            "reporting_frequency",
            "deadline_days",
            "lead_may_approve",
            "legal_basis",
        )
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].queryset = LegalDocument.objects.order_by("-date")
        self.fields["legal_basis"].required = False
        self.fields["reporting_frequency"].choices = Frequency.choices


class ProgramCreateForm(ProgramForm):
    committee = forms.ModelChoiceField(queryset=None, label=_("Committee"))

    class Meta(ProgramForm.Meta):
        fields = ("committee", *ProgramForm.Meta.fields)

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["period_start"].required = False
        self.fields["period_end"].required = False
        self.only_committee = committees.first() if committees.count() == 1 else None
        if self.only_committee is not None:
            self.fields["committee"].initial = self.only_committee
            self.fields["committee"].required = False
            self.fields["committee"].widget = forms.HiddenInput()

    def clean_committee(self) -> Any:
        return self.cleaned_data.get("committee") or self.only_committee

    def _post_clean(self) -> None:
        """The model is built by the service; skip ModelForm's instance validation."""


class ContentForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading of a document", "Title"), max_length=400)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lead = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Lead organization")
    )
    co_organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        label=_("Co-operating organizations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        queryset=TargetGroup.objects.order_by("order", "name"),
        label=_("Target groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("To"), required=False, widget=DateInput())
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = organizations
        self.fields["co_organizations"].queryset = organizations


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    unit = forms.ChoiceField(label=_("Unit of measure"), choices=Unit.choices)
    aggregation = forms.ChoiceField(
        label=_("How it adds up"), choices=Aggregation.choices, initial=Aggregation.SUM
    )
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0)


class TargetsForm(forms.Form):
    """The overall target and one per organization, on one page."""

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = organizations
        self.fields["overall"] = forms.DecimalField(
            label=_("Overall target"), required=False, min_value=0, max_digits=18, decimal_places=2
        )
        for org in organizations:
            self.fields[f"org_{org.pk}"] = forms.DecimalField(
                label=org.name, required=False, min_value=0, max_digits=18, decimal_places=2
            )

    def values(self) -> list[tuple[Organization | None, Any]]:
        pairs: list[tuple[Organization | None, Any]] = [(None, self.cleaned_data.get("overall"))]
        pairs += [(org, self.cleaned_data.get(f"org_{org.pk}")) for org in self.organizations]
        return pairs


class PartyForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    name_as_signed = forms.CharField(
        label=_("Name as signed"),
        max_length=300,
        required=False,
        help_text=_("Left empty: the organization's name."),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


def check_scan(upload: Any) -> Any:
    """A scanned signed copy: a PDF or a photo, judged by its bytes, never its name."""
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError(_("The scanned copy is larger than 15 MB."))
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        upload.name = "ban-ky.pdf"
        return upload
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(upload.read())) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("The scanned copy must be a PDF or a photo (JPEG or PNG).")
        ) from exc
    finally:
        upload.seek(0)
    if kind not in ("JPEG", "PNG"):
        raise ValidationError(_("The scanned copy must be a PDF or a photo (JPEG or PNG)."))
    upload.name = "ban-ky.jpg" if kind == "JPEG" else "ban-ky.png"
    return upload


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("Signer's name"), max_length=120)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=300,
        help_text=_("As written under the signature, e.g. “Chủ tịch”."),
    )
    signed_at = forms.DateTimeField(
        label=_("Signed at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
    )
    signed_copy = forms.FileField(
        label=_("Scanned signed copy (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "signed_at" not in self.initial:
            self.initial["signed_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_signed_copy(self) -> Any:
        upload = self.cleaned_data.get("signed_copy")
        return check_scan(upload) if upload else None
