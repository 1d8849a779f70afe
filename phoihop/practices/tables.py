"""Tables of the practice pages."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from phoihop.orgs.tables import DateColumn
from phoihop.practices.models import Practice


class PracticeTable(tables.Table):
    title = tables.Column(
        verbose_name=_("Model name"), linkify=("practices:detail", {"pk": tables.A("pk")})
    )
    owner = tables.Column(verbose_name=_("Owner organization"), order_by=("owner__name",))
    started_on = DateColumn(verbose_name=_("Started on"))
    status = tables.Column(verbose_name=_("Status"))
    replication_count = tables.Column(
        verbose_name=_("Replications"), attrs={"td": {"class": "num"}}
    )

    class Meta:
        model = Practice
        fields = ("title", "owner", "started_on", "status")
        sequence = ("title", "owner", "started_on", "status", "replication_count")
        order_by = ("-started_on",)
        empty_text = _("No model yet.")
