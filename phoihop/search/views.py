"""The search page: one form, GET only, works without JavaScript.

Searches are rate limited in the shared cache (phoihop.core.ratelimit), per signed-in
user or per client address, so that one robot cannot keep the database busy: a person
reading results never sends `SEARCH_LIMIT` searches in `SEARCH_WINDOW` seconds. Only
requests that search count; the empty form is free.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from phoihop.core import permissions, ratelimit
from phoihop.dashboard import selectors as dashboard
from phoihop.news.models import Article
from phoihop.orgs.models import Organization
from phoihop.programs.models import Program
from phoihop.search.selectors import Hit, search

KIND_LABELS = {
    "article": gettext_lazy("News article"),
    "program": gettext_lazy("Program"),
    "activity": gettext_lazy("Activity report"),
    "practice": gettext_lazy("Good practice"),
    "organization": gettext_lazy("Organization"),
}
SEARCH_LIMIT = 30
SEARCH_WINDOW = 60  # seconds
# Pages of the working app, by kind. A hit was already checked by its model's policy.
INTERNAL_URLS = {
    "program": "programs:detail",
    "activity": "activities:detail",
    "practice": "practices:detail",
}


def _organization_pages(user: Any, ids: list[int]) -> set[int]:
    """The organizations whose summary page the user may open: every organization of a
    committee the user reads as leader or secretariat, a focal point's own ones."""
    if not ids or not user.is_authenticated:
        return set()
    shown = set()
    by_committee: dict[int, list[Organization]] = {}
    for org in Organization.objects.select_related("committee").filter(pk__in=ids):
        by_committee.setdefault(org.committee_id, []).append(org)
    for orgs in by_committee.values():
        committee = orgs[0].committee
        if dashboard.is_reader(user, committee):
            shown.update(o.pk for o in orgs)
        else:
            own = set(dashboard.focal_organizations(user, committee).values_list("pk", flat=True))
            shown.update(o.pk for o in orgs if o.pk in own)
    return shown


def _links(user: Any, hits: list[Hit]) -> dict[tuple[str, int], str | None]:
    """Where each hit leads: the public page of a public article or program for visitors,
    the working page of everything else for signed-in users; no link rather than a page
    the user could not open."""
    links: dict[tuple[str, int], str | None] = {}
    signed_in = bool(user.is_authenticated)
    article_ids = [h.object_id for h in hits if h.kind == "article"]
    articles = Article.objects.select_related("committee").in_bulk(article_ids)
    organizations = _organization_pages(
        user, [h.object_id for h in hits if h.kind == "organization"]
    )
    # A public program may be found by someone who may not open its working page.
    program_ids = [h.object_id for h in hits if h.kind == "program"]
    workable_programs = (
        set(
            permissions.restrict(Program.objects.filter(pk__in=program_ids), user).values_list(
                "pk", flat=True
            )
        )
        if signed_in and program_ids
        else set()
    )
    for hit in hits:
        key = (hit.kind, hit.object_id)
        links[key] = None
        if hit.kind == "article":
            article = articles.get(hit.object_id)
            if article is not None and hit.public:
                links[key] = reverse(
                    "news:article", kwargs={"code": article.committee.code, "slug": article.slug}
                )
            elif article is not None and signed_in:
                links[key] = reverse("news:manage_edit", kwargs={"pk": article.pk})
        elif hit.kind == "organization":
            if hit.object_id in organizations:
                links[key] = reverse("dashboard:organization", kwargs={"pk": hit.object_id})
        elif hit.kind == "program" and hit.object_id in workable_programs:
            links[key] = reverse(INTERNAL_URLS["program"], kwargs={"pk": hit.object_id})
        elif signed_in and hit.kind in ("activity", "practice"):
            links[key] = reverse(INTERNAL_URLS[hit.kind], kwargs={"pk": hit.object_id})
        elif hit.kind == "program" and hit.public:
            links[key] = reverse("news:program", kwargs={"pk": hit.object_id})
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
    if text:
        usage = ratelimit.exceeded(request, "search", limit=SEARCH_LIMIT, window=SEARCH_WINDOW)
        if usage is not None:
            return ratelimit.too_many(request, usage)
    results = search(request.user, text, page=page, kind=kind) if text else None
    rows: list[dict[str, Any]] = []
    if results is not None:
        links = _links(request.user, results.hits)
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
