"""Request-scoped context: a request id for audit events and logs."""

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming[:64] if incoming.isascii() and incoming else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ForcePasswordChangeMiddleware:
    """A user with a one-time password may only change it (or sign out) until they do."""

    allowed_url_names = frozenset({"password_change", "password_change_done", "logout"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
        ):
            from django.shortcuts import redirect
            from django.urls import resolve

            match = resolve(request.path_info)
            if match.url_name not in self.allowed_url_names and not request.path_info.startswith(
                "/static/"
            ):
                return redirect("password_change")
        return self.get_response(request)


class LocaleMiddleware:
    """Vietnamese unless the person chose another language (the language cookie set by
    the switcher). The browser's Accept-Language is ignored on purpose: many officers'
    phones and PCs are set to English, and the system's working language is Vietnamese."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SlidingSessionMiddleware:
    """Sessions end SESSION_COOKIE_AGE after the last request, without a database write on
    every request: the session (and so its expiry) is saved again only when its last
    refresh is more than SESSION_REFRESH_SECONDS old. A person who keeps working is never
    signed out; an idle session ends at most that much earlier than the full age.

    Sits after SessionMiddleware, so its response phase runs first and a session marked
    modified here is saved by SessionMiddleware."""

    key = "_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.conf import settings

        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or response.status_code >= 500:
            return response
        now = int(time.time())
        last = session.get(self.key, 0)
        if not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS:
            session[self.key] = now
        return response
