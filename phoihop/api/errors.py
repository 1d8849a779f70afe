"""The one error shape of the API: `{"message": "...", "extra": {field: [messages]}}`.

Every refusal — a DRF or Django validation error, a permission refusal, a missing
object, a version conflict, a bad token — goes out in that shape, in Vietnamese
(or the language the person chose). `extra` maps a field (dotted for nested input,
e.g. `participants.3`) to its messages; errors that belong to no field are under
`non_field_errors` only when there are also field errors, otherwise `extra` is empty
and `message` says it all.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from phoihop.activities.services import ActivityConflict

NON_FIELD = "non_field_errors"


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {dotted field: [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key in ("__all__", NON_FIELD) and not prefix else str(key)
            for field, messages in _flatten(value, f"{prefix}{name}.").items():
                out.setdefault(field, []).extend(messages)
        return out
    if isinstance(detail, (list, tuple)):
        if all(not isinstance(item, (dict, list, tuple)) for item in detail):
            key = prefix[:-1] if prefix else NON_FIELD
            out.setdefault(key, []).extend(str(item) for item in detail)
            return out
        for index, item in enumerate(detail):
            if item in ({}, []):
                continue
            for field, messages in _flatten(item, f"{prefix}{index}.").items():
                out.setdefault(field, []).extend(messages)
        return out
    key = prefix[:-1] if prefix else NON_FIELD
    out.setdefault(key, []).append(str(detail))
    return out


def _django_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD: [str(m) for m in exc.messages]}


def _shape(extra: dict[str, list[str]], fallback: str) -> dict[str, Any]:
    """The message: the errors that belong to no field, or a summary naming the fields."""
    general = extra.pop(NON_FIELD, [])
    if general and not extra:
        return {"message": " ".join(general), "extra": {}}
    if general:
        extra[NON_FIELD] = general
    if extra:
        message = _("Some values are not valid; see the fields: {fields}.").format(
            fields=", ".join(sorted(extra))
        )
        return {"message": message, "extra": extra}
    return {"message": fallback, "extra": {}}


def error_body(message: str, extra: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"message": message, "extra": extra or {}}


def _simple(exc: Exception) -> tuple[str, int] | None:
    """Message and status of the refusals that carry no field errors."""
    table: list[tuple[type[Exception] | tuple[type[Exception], ...], Any, int]] = [
        ((Http404, exceptions.NotFound), _("Not found, or you may not see it."), 404),
        ((DjangoPermissionDenied, exceptions.PermissionDenied), _("You may not do this."), 403),
        (
            exceptions.NotAuthenticated,
            _("Sign in first: send “Authorization: Token <your token>” or a session cookie."),
            401,
        ),
        (
            exceptions.AuthenticationFailed,
            _("The token or the session is not valid; get a new token."),
            401,
        ),
        (exceptions.MethodNotAllowed, _("This method is not allowed here."), 405),
        (
            exceptions.NotAcceptable,
            _("This response format is not available; ask for JSON."),
            406,
        ),
        (
            exceptions.UnsupportedMediaType,
            _("Send the request body as JSON (or as a form, for file uploads)."),
            415,
        ),
        (exceptions.Throttled, _("Too many requests; wait a moment and try again."), 429),
    ]
    for klass, message, code in table:
        if isinstance(exc, klass):
            return str(message), code
    if isinstance(exc, exceptions.ParseError):
        return _("The request body could not be read: {error}").format(error=exc.detail), 400
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else _("The request failed.")
        return str(detail), exc.status_code
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    headers: dict[str, str] = {}
    if isinstance(exc, ActivityConflict):
        body = error_body(str(exc.messages[0]), {"current_version": [str(exc.current_version)]})
        code = status.HTTP_409_CONFLICT
    elif isinstance(exc, DjangoValidationError):
        body = _shape(_django_detail(exc), _("The request is not valid."))
        code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.ValidationError):
        body = _shape(_flatten(exc.detail), _("The request is not valid."))
        code = status.HTTP_400_BAD_REQUEST
    else:
        simple = _simple(exc)
        if simple is None:
            return None
        body, code = error_body(simple[0]), simple[1]
        request = context.get("request")
        if code == status.HTTP_401_UNAUTHORIZED and request is not None and request.authenticators:
            header = request.authenticators[0].authenticate_header(request)
            if header:
                headers["WWW-Authenticate"] = header
    set_rollback()
    return Response(body, status=code, headers=headers)
