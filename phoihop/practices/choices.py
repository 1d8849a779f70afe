from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeStatus(models.TextChoices):
    PILOT = "pilot", _("pilot")
    EFFECTIVE = "effective", _("effective")
    RECOMMENDED = "recommended", _("recommended for replication")
    REPLICATED = "replicated", _("replicated")
    STOPPED = "stopped", _("stopped")
