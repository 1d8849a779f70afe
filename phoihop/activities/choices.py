from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityStatus(models.TextChoices):
    # Contexts keep these apart from other apps' statuses of the same English words.
    DRAFT = "draft", pgettext_lazy("activity status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("activity status", "submitted")
    APPROVED = "approved", pgettext_lazy("activity status", "approved")
    RETURNED = "returned", pgettext_lazy("activity status", "returned")
    SUPERSEDED = "superseded", _("superseded by a revision")


class FundingSource(models.TextChoices):
    STATE = "state", _("state budget")
    OWN = "own", _("organization's own funds")
    MOBILIZED = "mobilized", _("mobilized (xã hội hóa)")
    OTHER = "other", pgettext_lazy("funding source", "other")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    DOCUMENT = "document", _("document")
