"""Forms of the editors' pages; they only shape input, the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.news.images import MAX_UPLOAD_BYTES
from phoihop.news.models import TITLE_MAX, Category


class ArticleForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=None, label=_("Committee"), required=True)  # type: ignore[arg-type]
    title = forms.CharField(label=pgettext_lazy("news article", "Title"), max_length=TITLE_MAX)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=_("Category"), required=False
    )
    lead = forms.CharField(
        label=pgettext_lazy("news article", "Lead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The opening paragraph shown under the title."),
    )
    body = forms.CharField(
        label=pgettext_lazy("news article", "Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "rich-text", "data-rich-text": "1"}),
        help_text=_(
            "Paragraphs, subheadings, bold, italics, lists, links and quotes; other markup is "
            "removed when saved."
        ),
    )
    origin = forms.CharField(label=_("Source"), max_length=300, required=False)

    def __init__(self, *args: Any, committees: list[Any], categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["committee"])
        from phoihop.orgs.models import Committee

        field.queryset = Committee.objects.filter(pk__in=[c.pk for c in committees])
        if len(committees) == 1:
            field.initial = committees[0].pk
            field.widget = forms.HiddenInput()
        category = cast(forms.ModelChoiceField, self.fields["category"])
        category.queryset = categories

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category, committee = data.get("category"), data.get("committee")
        if category is not None and committee is not None and category.committee_id != committee.pk:
            self.add_error("category", _("Choose a category of the article's committee."))
        return data


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at (leave empty to publish now)"),
        required=False,
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class ImageForm(forms.Form):
    image = forms.ImageField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG, WebP, GIF, BMP or TIFF, up to {size} MB; resized to 1,600 px."
        ).format(size=MAX_UPLOAD_BYTES // 1024 // 1024),
    )
    alt_text = forms.CharField(
        label=_("Alternative text"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class ImageEditForm(forms.Form):
    alt_text = forms.CharField(label=_("Alternative text"), max_length=300)
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999)


class CategoryForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=None, label=_("Committee"))  # type: ignore[arg-type]
    name = forms.CharField(label=_("Name"), max_length=120)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, committees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from phoihop.orgs.models import Committee

        field = cast(forms.ModelChoiceField, self.fields["committee"])
        field.queryset = Committee.objects.filter(pk__in=[c.pk for c in committees])
        if len(committees) == 1:
            field.initial = committees[0].pk
            field.widget = forms.HiddenInput()
