"""A database that is busy or full gives a clear page, not a server error.

SQLite answers "database is locked" when a writer held the lock past the busy timeout
(a backup being restored, a long import); PostgreSQL and SQLite refuse writes when the
disk is full. Neither is a bug in the page: the person should wait and try again, and
nothing they sent was saved (every write is one transaction). The middleware turns
those errors into a 503 page in the person's language with Retry-After; the API gets
the same as JSON in its one error shape.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import OperationalError
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("phoihop.dbfaults")

BUSY = ("database is locked", "database table is locked", "could not obtain lock")
FULL = ("database or disk is full", "no space left on device", "could not extend file")
RETRY_AFTER = 30


def classify(exc: BaseException) -> str | None:
    """'busy', 'full' or None for any other error."""
    if not isinstance(exc, DatabaseError):
        return None
    text = str(exc).lower()
    if isinstance(exc, OperationalError) and any(s in text for s in BUSY):
        return "busy"
    if any(s in text for s in FULL):
        return "full"
    return None


def fault_response(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == "busy":
        message = _(
            "The system is busy with other work and could not finish your request. "
            "Nothing was saved. Wait a moment, then send it again; what you typed is "
            "still in the form if you go back."
        )
    else:
        message = _(
            "The server has run out of storage space, so nothing could be saved. "
            "Please tell the system administrator; what you typed is still in the form "
            "if you go back."
        )
    title = _("Please try again shortly")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"message": message, "extra": {"reason": f"database_{kind}"}}, status=503
        )
    else:
        # Rendered without context processors: they would ask the database again.
        template = loader.get_template("core/unavailable.html")
        response = HttpResponse(template.render({"title": title, "message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


FAULT_ATTRIBUTE = "_phoihop_database_fault"


def _note_fault(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """An error raised outside the view (the session saved after it, say) never reaches
    process_exception; Django announces it with this signal while handling it."""
    kind = classify(sys.exc_info()[1] or Exception())
    if kind is not None and request is not None:
        setattr(request, FAULT_ATTRIBUTE, kind)


got_request_exception.connect(_note_fault, dispatch_uid="phoihop.dbfaults")


class DatabaseFaultMiddleware:
    """Turns a busy (locked) or full database into a friendly 503.

    Errors in the view come through process_exception; errors in the middleware below
    this one (saving the session, the messages) become a 500 response there, which is
    replaced here when the signal above noted a database fault."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        kind = getattr(request, FAULT_ATTRIBUTE, None)
        if kind is not None and response.status_code == 500:
            return fault_response(request, kind)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        kind = classify(exception)
        if kind is None:
            return None
        logger.warning("database %s on %s: %s", kind, request.path, exception)
        return fault_response(request, kind)
