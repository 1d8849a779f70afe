"""Bare reference views: the same templates rendered from constant data.

Under the same server setup as the real pages, they measure what rendering alone costs,
so the real pages' throughput can be read as a ratio of it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

PAGES: dict = {}


def page(request: HttpRequest, page: str) -> HttpResponse:
    render = PAGES.get(page)
    if render is None:
        raise Http404
    return render(request)
