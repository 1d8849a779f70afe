"""The offline reporting app: its shell, manifest, service worker and JSON endpoints.

Everything lives under /app/field/, which is the service worker's scope: the worker can
never cache a page outside the reporting app. JSON endpoints answer 401 (not a redirect
to the sign-in page) when the session has ended, so the phone keeps its reports and asks
the person to sign in again.
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from phoihop.field import selectors, services

# Bump when the shell or its assets change shape, so phones drop the old cache.
SHELL_VERSION = "1"


def _error(message: str, status: int, extra: dict[str, Any] | None = None) -> JsonResponse:
    return JsonResponse({"message": message, "extra": extra or {}}, status=status)


def json_login_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _error(_("Your session has ended. Sign in again; nothing was lost."), 401)
        return view(request, *args, **kwargs)

    return wrapper


def _validation_extra(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _strings() -> dict[str, str]:
    """Every word the script shows, translated here so the catalog holds them."""
    return {
        "waiting": _("Waiting to send"),
        "sent": _("Sent"),
        "conflict": _("Changed on the server: choose a version"),
        "error": _("Not accepted: correct it"),
        "online": _("Online"),
        "offline": _("Offline: reports are kept on this phone"),
        "sending": _("Sending…"),
        "signin": _("Your session has ended. Sign in again; nothing was lost."),
        "saved": _("Saved on this phone."),
        "required": _("Fill in the content, the title, the date and the commune."),
        "no_match": _("No commune matches."),
        "mine": _("On this phone"),
        "server": _("On the server"),
        "keep_mine": _("Keep my version"),
        "take_server": _("Use the server's version"),
        "photo": _("Photo"),
        "photos_waiting": _("photos waiting"),
        "edit": _("Edit"),
        "delete": _("Delete from this phone"),
        "confirm_delete": _("Delete this report from this phone? It has not been sent."),
        "confirm_signout": _(
            "Signing out removes every report kept on this phone for you, including "
            "those not sent yet. Sign out?"
        ),
        "title": _("Title"),
        "date": _("Date"),
        "commune": _("Commune"),
        "participants": _("Participants"),
        "status": _("Status"),
        "narrative": _("Narrative"),
        "returned": _("Returned"),
        "numerator": _("numerator"),
        "denominator": _("denominator"),
    }


@never_cache
@require_GET
def app(request: HttpRequest) -> HttpResponse:
    """The shell. Signed-out visitors go to the sign-in page, then come back here."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "field/app.html",
        {
            "title": _("Report offline"),
            "user_key": str(request.user.pk),
            "has_organizations": bool(selectors.focal_organizations(request.user)),
            "strings": _strings(),
        },
    )


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("field:app")
    data = {
        "name": _("PhốiHợp – activity reports"),
        "short_name": "PhốiHợp",
        "description": _("Report coordination activities, also with no signal."),
        "lang": "vi",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#8b1a1a",
        "icons": [
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@never_cache
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker script, from this path so that its scope is the app and nothing else."""
    precache = [
        reverse("field:app"),
        reverse("field:manifest"),
        static("phoihop/app.css"),
        static("field/field.css"),
        static("field/app.js"),
        static("field/store.js"),
        static("field/icon-192.png"),
    ]
    response = render(
        request,
        "field/sw.js",
        {
            "version": SHELL_VERSION,
            "precache": json.dumps(precache),
            "scope": reverse("field:app"),
            "reference": reverse("field:reference"),
        },
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = reverse("field:app")
    return response


@never_cache
@require_GET
@json_login_required
def reference(request: HttpRequest) -> JsonResponse:
    data = selectors.reference_data(request.user)
    data["user"] = request.user.pk
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
@json_login_required
def reports(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"user": request.user.pk, "reports": selectors.my_reports(request.user)},
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
@json_login_required
def sync(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return _error(_("The report could not be read; send it again."), 400)
    if not isinstance(data, dict):
        return _error(_("The report could not be read; send it again."), 400)
    try:
        result = services.report_sync(actor=request.user, data=data)
    except services.SyncConflictError as exc:
        return JsonResponse(
            {
                "message": exc.message,
                "extra": {},
                "server": selectors.report_json(exc.activity),
            },
            status=409,
        )
    except ValidationError as exc:
        return _error(
            _("The report has mistakes; correct them and send it again."),
            400,
            _validation_extra(exc),
        )
    except PermissionDenied:
        return _error(_("You may not report for this organization."), 403)
    return JsonResponse(
        {"report": selectors.report_json(result.activity), "created": result.created},
        status=201 if result.created else 200,
    )


@require_POST
@json_login_required
def photo(request: HttpRequest, report: str) -> JsonResponse:
    upload = request.FILES.get("file")
    if upload is None:
        return _error(_("Choose a photo to send."), 400)
    try:
        attachment, created = services.photo_upload(
            actor=request.user,
            report_uuid=report,
            photo_id=request.POST.get("id"),
            file=upload,
            caption=request.POST.get("caption", "")[:300],
        )
    except ValidationError as exc:
        return _error(" ".join(str(m) for m in exc.messages), 400)
    except PermissionDenied:
        return _error(_("You may not add photos to this report."), 403)
    return JsonResponse({"id": str(attachment.uuid)}, status=201 if created else 200)
