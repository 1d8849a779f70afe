from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SIGNING = "signing", _("being signed")
    IN_FORCE = "in_force", _("in force")
    IN_REVIEW = "in_review", _("under review")
    CLOSED = "closed", _("closed")


class Frequency(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum")
    MAX = "max", _("maximum")
    LATEST = "latest", _("latest value")
    RATIO = "ratio", _("ratio (numerator ÷ denominator)")


class Unit(models.TextChoices):
    """Units of measure seen in such programs (DOMAIN.md §1)."""

    PERSON = "người", _("people")
    TURN = "lượt", _("person-times")
    SESSION = "buổi", _("sessions")
    EVENT = "cuộc", _("events")
    HOUSEHOLD = "hộ", _("households")
    GIFT = "suất quà", _("gift packages")
    MILLION_VND = "triệu đồng", _("million đồng")
    BLOOD_UNIT = "đơn vị máu", _("blood units")
    PRACTICE = "mô hình", _("models")
    HOUSE = "căn nhà", _("houses")
    SAVINGS_BOOK = "sổ", _("savings books")
    WORKDAY = "ngày công", _("workdays")
    KM = "km", _("km")
    HECTARE = "ha", _("hectares")
    CITIZEN = "công dân", _("citizens")
    VEHICLE = "phương tiện", _("vehicles")
    SCHOOL = "trường học", _("schools")
    PERCENT = "%", _("percent")
    ARTICLE = "tin, bài", _("news items")
    UNIT = "đơn vị", _("units")


class LegalKind(models.TextChoices):
    RESOLUTION = "NQ", _("resolution")
    CONCLUSION = "KL", _("conclusion")
    DIRECTIVE = "CT", _("directive")
    GUIDANCE = "HD", _("guidance")
    DECREE = "ND", _("decree")
    DECISION = "QD", _("decision")
    LAW = "LUAT", _("law")
    PLAN = "KH", _("plan")
    OTHER = "KHAC", _("other")
