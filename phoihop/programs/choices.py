from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("program status", "draft")
    SIGNING = "signing", pgettext_lazy("program status", "being signed")
    IN_FORCE = "in_force", pgettext_lazy("program status", "in force")
    IN_REVIEW = "in_review", pgettext_lazy("program status", "under review")
    CLOSED = "closed", pgettext_lazy("program status", "closed")


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

    PERSON = "người", pgettext_lazy("unit of measure", "people")
    TURN = "lượt", pgettext_lazy("unit of measure", "person-times")
    SESSION = "buổi", pgettext_lazy("unit of measure", "sessions")
    EVENT = "cuộc", pgettext_lazy("unit of measure", "events")
    HOUSEHOLD = "hộ", pgettext_lazy("unit of measure", "households")
    GIFT = "suất quà", pgettext_lazy("unit of measure", "gift packages")
    MILLION_VND = "triệu đồng", pgettext_lazy("unit of measure", "million đồng")
    BLOOD_UNIT = "đơn vị máu", pgettext_lazy("unit of measure", "blood units")
    PRACTICE = "mô hình", pgettext_lazy("unit of measure", "models")
    HOUSE = "căn nhà", pgettext_lazy("unit of measure", "houses")
    SAVINGS_BOOK = "sổ", pgettext_lazy("unit of measure", "savings books")
    WORKDAY = "ngày công", pgettext_lazy("unit of measure", "workdays")
    KM = "km", pgettext_lazy("unit of measure", "km")
    HECTARE = "ha", pgettext_lazy("unit of measure", "hectares")
    CITIZEN = "công dân", pgettext_lazy("unit of measure", "citizens")
    VEHICLE = "phương tiện", pgettext_lazy("unit of measure", "vehicles")
    SCHOOL = "trường học", pgettext_lazy("unit of measure", "schools")
    PERCENT = "%", pgettext_lazy("unit of measure", "percent")
    ARTICLE = "tin, bài", pgettext_lazy("unit of measure", "news items")
    UNIT = "đơn vị", pgettext_lazy("unit of measure", "units")


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
