from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReviewKind(models.TextChoices):
    """The review cycle of DOMAIN.md §1.3."""

    HALF_YEAR = "half_year", _("six-month review")
    YEAR = "year", _("year review")
    PHASE = "phase", _("phase review")
    CUSTOM = "custom", _("review of another period")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review status", "draft")
    FINALIZED = "finalized", pgettext_lazy("review status", "finalized")


class SectionKey(models.TextChoices):
    """The report's sections, in the order of the official report (DOMAIN.md §2.3)."""

    SITUATION = "situation", _("Situation")
    LEADERSHIP = "leadership", _("Leadership, direction and organization of the work")
    RESULTS = "results", _("Results")
    STRENGTHS = "assessment_strengths", _("Assessment: strengths")
    LIMITS = "assessment_limits", _("Assessment: limitations and shortcomings")
    CAUSES = "causes", _("Causes")
    LESSONS = "lessons", _("Lessons learned")
    DIRECTIONS = "directions", _("Directions and tasks for the next period")
    PROPOSALS = "proposals", _("Proposals and recommendations")


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("collective")
    INDIVIDUAL = "individual", _("individual")


class CommendationForm(models.TextChoices):
    PRAISE = "praise", _("public praise")
    CERTIFICATE = "certificate", _("certificate of commendation")
    MERIT = "merit", _("certificate of merit")


class CommendationStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("commendation status", "proposed")
    APPROVED = "approved", pgettext_lazy("commendation status", "approved")
    REJECTED = "rejected", pgettext_lazy("commendation status", "rejected")


class IssuerType(models.TextChoices):
    """Which header the report carries (DOMAIN.md §2.3): state and armed-forces bodies
    and the Fatherland Front put the national title; the Party and the Youth Union put
    their own name instead."""

    STATE = "state", _("state body")
    MILITARY = "military", _("armed forces")
    PARTY = "party", _("Party body")
    YOUTH = "youth", _("Youth Union")
    FRONT = "front", _("Fatherland Front")
