"""Rate limits kept in the shared cache, so they hold across several app servers.

The cache is the database table (`phoihop_cache`) unless `REDIS_URL` is set
(phoihop/config/settings/base.py); both are shared by every gunicorn worker on every
server. Sign-in attempts are limited by django-axes (its own table); use this module
for anything else that a robot could hammer: search, exports, public forms.

How to use it in a view (the search helper's case)::

    from phoihop.core import ratelimit

    def search(request):
        if ratelimit.exceeded(request, "search", limit=30, window=60):
            return ratelimit.too_many(request)
        ...

or as a decorator::

    @ratelimit.limit("search", limit=30, window=60)
    def search(request): ...

The key is the signed-in user's id, else the client address (REMOTE_ADDR, which
nginx sets from the real client; see docs/deploy.md). Counting uses fixed windows: at
most `limit` requests per `window` seconds, the count starting again in the next
window. With Redis the count is exact (INCR is atomic); with the database cache two
requests at the very same moment may count once — a limit meant to stop robots, not
to bill anyone, can live with that.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    reset_in: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return "a" + hashlib.sha256(address.encode()).hexdigest()[:24]


def hit(scope: str, key: str, *, limit: int, window: int, now: float | None = None) -> Usage:
    """Count one request of `key` in `scope`; return the count in the current window."""
    moment = time.time() if now is None else now
    slot = int(moment // window)
    cache_key = f"phoihop:rl:{scope}:{key}:{slot}"
    # add() is a no-op when the key exists, so the first request of a window starts at 0.
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    reset_in = int((slot + 1) * window - moment) + 1
    return Usage(count=count, limit=limit, reset_in=reset_in)


def exceeded(request: HttpRequest, scope: str, *, limit: int, window: int) -> Usage | None:
    """The usage if this request goes over the limit, else None."""
    usage = hit(scope, client_key(request), limit=limit, window=window)
    if usage.exceeded:
        request.ratelimit_usage = usage  # type: ignore[attr-defined]
        return usage
    return None


def too_many(request: HttpRequest, usage: Usage | None = None) -> HttpResponse:
    """The 429 page: in Vietnamese, saying when to try again."""
    usage = usage or getattr(request, "ratelimit_usage", None)
    seconds = usage.reset_in if usage else 60
    response = render(
        request,
        "core/ratelimited.html",
        {
            "title": _("Too many requests"),
            "message": _(
                "You have sent too many requests in a short time. "
                "Wait {seconds} seconds, then try again."
            ).format(seconds=seconds),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def limit(
    scope: str, *, limit: int, window: int
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator form of `exceeded` + `too_many`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            usage = exceeded(request, scope, limit=limit, window=window)
            if usage is not None:
                return too_many(request, usage)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
