from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    MILITARY = "military", _("military command")
    FRONT = "front", _("Fatherland Front")
    SOCIOPOLITICAL = "sociopolitical", _("socio-political organization")
    RED_CROSS = "redcross", _("Red Cross")
    OTHER = "other", _("other")


class OrgLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    REGION = "region", _("defence region")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("merge")
    SPLIT = "split", _("split")
    RENAME = "rename", _("rename")
    REPARENT = "reparent", _("moved under another parent")
    REPLACE = "replace", _("replaced")


class Position(models.TextChoices):
    HEAD = "head", _("Head (Trưởng ban)")
    DEPUTY = "deputy", _("Deputy head (Phó Trưởng ban)")
    MEMBER = "member", _("Member (Ủy viên)")
    SECRETARY = "secretary", _("Secretary (Thư ký)")


class Role(models.TextChoices):
    ADMIN = "admin", _("system administrator")
    SECRETARIAT = "secretariat", _("secretariat")
    LEADER = "leader", _("leader")
    EDITOR = "editor", _("news editor")
    FOCAL = "focal", _("focal point of an organization")
