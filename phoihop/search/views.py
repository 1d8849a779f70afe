"""The search page: one form, GET only, works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from phoihop.news.models import Article
from phoihop.search.selectors import Hit, search

KIND_LABELS = {
    "article": gettext_lazy("News article"),
    "program": gettext_lazy("Program"),
    "activity": gettext_lazy("Activity report"),
    "practice": gettext_lazy("Good practice"),
    "organization": gettext_lazy("Organization"),
}
# Pages of the working app, by kind, tried in order (the first that exists is used).
INTERNAL_URLS = {
    "program": ("programs:detail", "programs:program_detail"),
    "activity": ("activities:detail", "activities:activity_detail"),
    "practice": ("practices:detail", "practices:practice_detail"),
    "organization": ("orgs:detail", "orgs:organization_detail"),
}


def _first_url(names: tuple[str, ...], pk: int) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs={"pk": pk})
        except NoReverseMatch:
            continue
    return None


def _links(hits: list[Hit]) -> dict[tuple[str, int], str | None]:
    links: dict[tuple[str, int], str | None] = {}
    article_ids = [h.object_id for h in hits if h.kind == "article"]
    articles = Article.objects.select_related("committee").in_bulk(article_ids)
    for hit in hits:
        key = (hit.kind, hit.object_id)
        if hit.kind == "article":
            article = articles.get(hit.object_id)
            if article is None:
                links[key] = None
            elif hit.public:
                links[key] = reverse(
                    "news:article", kwargs={"code": article.committee.code, "slug": article.slug}
                )
            else:
                links[key] = reverse("news:manage_edit", kwargs={"pk": article.pk})
        elif hit.kind == "program" and hit.public:
            links[key] = reverse("news:program", kwargs={"pk": hit.object_id})
        else:
            links[key] = _first_url(INTERNAL_URLS.get(hit.kind, ()), hit.object_id)
    return links


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    if kind not in KIND_LABELS:
        kind = ""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    results = search(request.user, text, page=page, kind=kind) if text else None
    rows: list[dict[str, Any]] = []
    if results is not None:
        links = _links(results.hits)
        rows = [
            {
                "hit": hit,
                "label": KIND_LABELS.get(hit.kind, hit.kind),
                "url": links.get((hit.kind, hit.object_id)),
            }
            for hit in results.hits
        ]
    kinds = ["article", "program"]
    if request.user.is_authenticated:
        kinds = list(KIND_LABELS)
    return render(
        request,
        "search/search.html",
        {
            "title": _("Search") if not text else _("Search: {query}").format(query=text),
            "q": text,
            "kind": kind,
            "kinds": [(k, KIND_LABELS[k]) for k in kinds],
            "results": results,
            "rows": rows,
        },
    )
