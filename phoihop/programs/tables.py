"""Tables of the program pages."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phoihop.orgs.tables import DateColumn
from phoihop.programs.models import Program


class ProgramTable(tables.Table):
    title = tables.Column(
        verbose_name=pgettext_lazy("heading of a document", "Title"),
        linkify=("programs:detail", {"pk": tables.A("pk")}),
    )
    year = tables.Column(verbose_name=_("Year"))
    committee = tables.Column(verbose_name=_("Committee"), order_by=("committee__name",))
    status = tables.Column(verbose_name=_("Status"))
    signed_on = DateColumn(verbose_name=_("In force since"))
    is_published = tables.BooleanColumn(verbose_name=_("Published"), yesno=(_("yes"), _("no")))

    class Meta:
        model = Program
        fields = ("title", "year", "committee", "status", "signed_on", "is_published")
        order_by = ("-year",)
        empty_text = _("No program yet.")
