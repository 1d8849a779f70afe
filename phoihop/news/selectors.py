"""Reads of the news section: the public pages (only what policies.public_articles and
the programs' "public" action allow) and the editors' lists (through restrict)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from phoihop.core import permissions
from phoihop.news.models import Article, ArticleImage, Category
from phoihop.news.policies import WRITERS, public_articles
from phoihop.programs.models import Program, ProgramContent, ProgramParty
from phoihop.programs.policies import PUBLIC as PROGRAM_PUBLIC
from phoihop.reviews.choices import ReviewStatus
from phoihop.reviews.models import ReviewPeriod

HOME_PER_CATEGORY = 4
HOME_SCAN = 80
RELATED = 4


def public_list() -> QuerySet[Article]:
    return public_articles().select_related("category", "committee")


def home_sections() -> tuple[list[Article], list[tuple[Category, list[Article]]]]:
    """The latest public articles, and the latest few of each category holding one."""
    latest = list(public_list()[:HOME_SCAN])
    sections: OrderedDict[int, tuple[Category, list[Article]]] = OrderedDict()
    for article in latest:
        if article.category is None:
            continue
        entry = sections.setdefault(article.category.pk, (article.category, []))
        if len(entry[1]) < HOME_PER_CATEGORY:
            entry[1].append(article)
    ordered = sorted(sections.values(), key=lambda s: (s[0].order, s[0].name))
    return latest[:5], ordered


def public_category(code: str, slug: str) -> Category:
    category = (
        permissions.restrict(Category.objects.all(), None)
        .select_related("committee")
        .filter(committee__code=code, slug=slug)
        .first()
    )
    if category is None:
        raise Http404
    return category


def public_article(code: str, slug: str) -> Article:
    images = Prefetch("images", queryset=ArticleImage.objects.order_by("order", "id"))
    article = public_list().prefetch_related(images).filter(committee__code=code, slug=slug).first()
    if article is None:
        raise Http404
    return article


def related_articles(article: Article) -> list[Article]:
    qs = public_list().exclude(pk=article.pk)
    if article.category_id:
        qs = qs.filter(category_id=article.category_id)
    else:
        qs = qs.filter(committee_id=article.committee_id)
    return list(qs[:RELATED])


def public_image(name: str) -> ArticleImage | None:
    """An image of a public article, by its stored file name."""
    return (
        permissions.restrict(ArticleImage.objects.all(), None)
        .filter(image=name)
        .select_related("article")
        .first()
    )


def visible_image(user: Any, name: str) -> ArticleImage | None:
    return (
        permissions.restrict(ArticleImage.objects.all(), user)
        .filter(image=name)
        .select_related("article")
        .first()
    )


# -- public programs -----------------------------------------------------------------------
def public_programs() -> QuerySet[Program]:
    return (
        permissions.restrict(Program.objects.all(), None, PROGRAM_PUBLIC)
        .select_related("committee")
        .order_by("-year", "committee__name")
    )


@dataclass(frozen=True)
class Figure:
    label: str
    value: Any
    unit: str = ""


@dataclass(frozen=True)
class IndicatorFigure:
    content: str
    name: str
    unit: str
    result: Decimal | None
    target: Decimal | None
    achievement: Decimal | None


@dataclass(frozen=True)
class PublicProgram:
    program: Program
    contents: list[ProgramContent]
    parties: list[ProgramParty]
    review: ReviewPeriod | None
    figures: list[Figure]
    indicators: list[IndicatorFigure] = field(default_factory=list)


def _number(value: Any) -> Decimal | None:
    """A number of the snapshot (ints, or decimals stored as strings); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def headline_figures(snapshot: Any) -> list[Figure]:
    """The totals of a frozen review snapshot (phoihop.reviews.figures_data: "total" holds
    activities, participants and funding). Only numbers found in the snapshot are shown;
    anything missing or malformed is left out rather than guessed."""
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("total"), dict):
        return []
    total = snapshot["total"]
    labels = (
        ("activities", _("Activity reports counted"), ""),
        ("participants", _("Participants (person-times)"), ""),
        ("funding", _("Funding (đồng)"), ""),
    )
    figures = []
    for key, label, unit in labels:
        value = _number(total.get(key))
        if value is not None:
            figures.append(Figure(str(label), value, str(unit)))
    return figures


def indicator_figures(snapshot: Any) -> list[IndicatorFigure]:
    """The indicators of a frozen review snapshot with their result, target and
    achievement (%), in the snapshot's order."""
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("indicators"), list):
        return []
    lines = []
    for item in snapshot["indicators"]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        lines.append(
            IndicatorFigure(
                content=str(item.get("content_title") or ""),
                name=item["name"],
                unit=str(item.get("unit") or ""),
                result=_number(item.get("result")),
                target=_number(item.get("target")),
                achievement=_number(item.get("achievement")),
            )
        )
    return lines


def public_program(pk: int) -> PublicProgram:
    program = public_programs().filter(pk=pk).first()
    if program is None:
        raise Http404
    contents = list(
        permissions.restrict(ProgramContent.objects.filter(program=program), None, PROGRAM_PUBLIC)
        .select_related("lead")
        .prefetch_related("co_organizations")
        .order_by("order", "id")
    )
    parties = list(
        permissions.restrict(ProgramParty.objects.filter(program=program), None, PROGRAM_PUBLIC)
        .select_related("organization")
        .order_by("order")
    )
    # No "published" flag exists on a review: a finalized one with its frozen figures is
    # what the public may see; drafts never.
    review = (
        ReviewPeriod.objects.filter(
            program=program, status=ReviewStatus.FINALIZED, snapshot__isnull=False
        )
        .order_by("-period_end")
        .first()
    )
    snapshot = review.snapshot if review is not None else None
    return PublicProgram(
        program,
        contents,
        parties,
        review,
        headline_figures(snapshot),
        indicator_figures(snapshot),
    )


# -- editors -------------------------------------------------------------------------------
def editable_articles(user: Any, *, status: str = "") -> QuerySet[Article]:
    qs = permissions.restrict(Article.objects.all(), user, permissions.CHANGE).select_related(
        "category", "committee", "author"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


def editable_categories(user: Any) -> QuerySet[Category]:
    return (
        permissions.restrict(Category.objects.all(), user, permissions.CHANGE)
        .select_related("committee")
        .order_by("committee__name", "order", "name")
    )


def writer_committees(user: Any) -> list[Any]:
    from phoihop.orgs.models import Committee

    scope = permissions.get_scope(user)
    qs = Committee.objects.all()
    if not scope.is_admin:
        qs = qs.filter(pk__in=scope.committees_with(*WRITERS))
    return list(qs.order_by("name"))


def is_writer(user: Any) -> bool:
    scope = permissions.get_scope(user)
    return scope.is_admin or bool(scope.committees_with(*WRITERS))
