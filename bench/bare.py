"""Bare reference views: a page's own HTML, captured once, served from constant data.

They pass through the same server and middleware (sessions, authentication, CSP) as
the real pages, so real ÷ bare throughput is what our queries and templates cost.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

CAPTURED = Path(__file__).resolve().parent.parent / "var" / "bench" / "bare"
_PAGES: dict[str, bytes] = {}


@login_required
def page(request: HttpRequest, page: str) -> HttpResponse:
    body = _PAGES.get(page)
    if body is None:
        path = CAPTURED / f"{page}.html"
        if not path.is_file():
            raise Http404
        body = _PAGES[page] = path.read_bytes()
    return HttpResponse(body)
