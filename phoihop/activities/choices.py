from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    SUPERSEDED = "superseded", _("superseded by a revision")


class FundingSource(models.TextChoices):
    STATE = "state", _("state budget")
    OWN = "own", _("organization's own funds")
    MOBILIZED = "mobilized", _("mobilized (xã hội hóa)")
    OTHER = "other", _("other")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    DOCUMENT = "document", _("document")
