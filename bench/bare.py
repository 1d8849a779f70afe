"""Bare reference views of the benchmark: a page rendered from constant data.

`render`: the page's own templates rendered, on every request, from a constant context.
The context is captured once per worker process: at its first request the view calls
the real view for the signed-in user with the template rendering intercepted, keeps the
context the real view handed to its template, and freezes it (querysets evaluated,
the choices of model select fields listed, tables bound to the page they read). Every
request after that renders that context through the same server, middleware and
context processors as the real page, and runs none of the view's queries: real ÷ render
is what our queries and Python work cost beyond rendering the page (the issue's
reference: "a bare Django view that renders the same page from constant data").

`floor`: the page's HTML bytes, captured once, served as they are: the cost of the
server and middleware alone, a floor no page rendering can reach (for reference only).

The pages are named in var/bench/bare/<database>/pages.json (name -> path), written by
bench.load.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import BaseForm, ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render as render_template
from django.template.backends.django import Template
from django.urls import resolve

BARE = Path(__file__).resolve().parent.parent / "var" / "bench" / "bare"
_BYTES: dict[str, bytes] = {}
_CONTEXTS: dict[str, tuple[str, dict[str, Any]]] = {}
_lock = threading.Lock()
_local = threading.local()


def captured() -> Path:
    """var/bench/bare/<database>/: a run of another scale at the same time keeps its own
    pages (the dashboard's program differs from one database to the next)."""
    return BARE / str(settings.DATABASES["default"]["NAME"])


def page_path(page: str) -> str:
    """The real page's path (with its query) that `page` names; 404 for an unknown name."""
    index = captured() / "pages.json"
    pages = json.loads(index.read_text()) if index.is_file() else {}
    if page not in pages:
        raise Http404
    return pages[page]


@login_required
def floor(request: HttpRequest, page: str) -> HttpResponse:
    body = _BYTES.get(page)
    if body is None:
        path = captured() / f"{page}.html"
        if not path.is_file():
            raise Http404
        body = _BYTES[page] = path.read_bytes()
    return HttpResponse(body)


@login_required
def render(request: HttpRequest, page: str) -> HttpResponse:
    path = page_path(page)
    # The templates see the real page's path and query (its menu item, the language
    # form's `next`), so the answer is the real page's HTML.
    pose_as(request, path)
    captured = _CONTEXTS.get(page)
    if captured is None:
        with _lock:  # gthread workers: one thread captures, the others wait for it
            captured = _CONTEXTS.get(page)
            if captured is None:
                captured = _CONTEXTS[page] = capture(request, path)
    template_name, context = captured
    return render_template(request, template_name, context)


def pose_as(request: HttpRequest, path: str) -> None:
    url = urlsplit(path)
    request.path = request.path_info = url.path
    request.GET = QueryDict(url.query)
    request.META["PATH_INFO"], request.META["QUERY_STRING"] = url.path, url.query


def capture(request: HttpRequest, path: str) -> tuple[str, dict[str, Any]]:
    """Call the real view of `path` as `request` (already posed as the page's); the
    template it renders and the context it gives it, frozen."""
    url = urlsplit(path)
    match = resolve(url.path)
    seen: list[tuple[str, dict[str, Any]]] = []
    original = Template.render

    def spy(self: Template, context: Any = None, request: Any = None) -> Any:
        if getattr(_local, "capturing", False) and not seen:
            seen.append((self.template.name, dict(context or {})))
        return original(self, context, request)

    Template.render = spy  # type: ignore[method-assign]
    _local.capturing = True
    try:
        response = match.func(request, *match.args, **match.kwargs)
    finally:
        _local.capturing = False
        Template.render = original  # type: ignore[method-assign]
    if response.status_code != 200 or not seen:
        raise RuntimeError(f"{path} answered {response.status_code} without a template")
    template_name, context = seen[0]
    freeze(context)
    return template_name, context


def freeze(value: Any, seen: set[int] | None = None) -> None:
    """Make `value` render without queries: querysets keep their rows, model select
    fields a list of their choices; containers, dataclasses, forms and filtersets are
    walked. A table keeps the page of rows its first rendering read."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, str | bytes | int | float | bool | type(None)):
        return
    seen.add(id(value))
    if isinstance(value, QuerySet):
        list(value)  # fills the result cache: iteration, len, count and exists read it
        return
    if isinstance(value, BaseForm):
        for field in value.fields.values():
            if isinstance(field, ModelChoiceField):
                # The field's iterator runs its query on every rendering; a list does not.
                field.widget.choices = list(field.choices)
        return
    form = getattr(type(value), "form", None)
    if isinstance(form, property) and hasattr(value, "filters"):  # a django-filter FilterSet
        freeze(value.form, seen)
        return
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        return
    for item in items:
        freeze(item, seen)
