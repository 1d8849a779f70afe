"""Reads of the news section: the public pages (only what policies.public_articles and
the programs' "public" action allow) and the editors' lists (through restrict)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

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
class PublicProgram:
    program: Program
    contents: list[ProgramContent]
    parties: list[ProgramParty]
    review: ReviewPeriod | None
    figures: list[Figure]


def headline_figures(snapshot: Any) -> list[Figure]:
    """The headline figures of a frozen review snapshot, read defensively: a list under
    "headline" of {label, value, unit}, else a mapping under "totals" (label -> value).
    Anything else shows nothing rather than guessing."""
    if not isinstance(snapshot, dict):
        return []
    figures: list[Figure] = []
    headline = snapshot.get("headline")
    if isinstance(headline, list):
        for item in headline:
            if isinstance(item, dict) and "label" in item and "value" in item:
                figures.append(Figure(str(item["label"]), item["value"], str(item.get("unit", ""))))
        return figures
    totals = snapshot.get("totals")
    if isinstance(totals, dict):
        figures = [Figure(str(k), v) for k, v in totals.items() if isinstance(v, (int, float, str))]
    return figures


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
    figures = headline_figures(review.snapshot) if review is not None else []
    return PublicProgram(program, contents, parties, review, figures)


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
