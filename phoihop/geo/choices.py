from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    """Official codes were reused in 2025, so a unit is keyed by (scheme, level, code)."""

    PRE_2025 = "pre2025", _("before 1 July 2025")
    CURRENT = "2025-07", _("from 1 July 2025")


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class AreaKind(models.TextChoices):
    DEEP = "deep", _("deep-lying area (vùng sâu)")
    REMOTE = "remote", _("remote area (vùng xa)")
    BORDER = "border", _("border area")
    EXTREMELY_DIFFICULT = "dbkk", _("extremely disadvantaged (ĐBKK, region III)")
