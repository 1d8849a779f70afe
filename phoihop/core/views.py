"""Pages that belong to no domain app: home, health, errors (the front page is news')."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page lives in the dashboard app (named URL: core imports no app)."""
    return redirect("dashboard:home")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password also ends the one-time-password state."""

    def form_valid(self, form: Any) -> HttpResponse:
        from phoihop.core.models import User
        from phoihop.core.services import user_password_changed

        response = super().form_valid(form)
        user = cast(User, self.request.user)
        user_password_changed(actor=user, user=user)
        return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"title": _("Access denied")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"title": _("Page not found")}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the database may be what failed.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({"title": _("Server error")}), status=500)


# -- notifications ---------------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 20


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notifications, newest first, unread ones marked."""
    from django.core.paginator import Paginator

    from phoihop.core.context_processors import forget_unread
    from phoihop.core.models import Notification
    from phoihop.core.permissions import VIEW

    forget_unread(request)  # the badge on this page is always fresh

    qs = (
        Notification.objects.restrict(request.user, VIEW)
        .filter(recipient_id=request.user.pk)
        .order_by("-created_at", "-id")
    )
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {
            "title": _("Notifications"),
            "page_obj": page,
            "unread_only": bool(request.GET.get("unread")),
        },
    )


def _safe_local(url: str) -> str:
    """A path on this site, or the notifications page: notifications never send anyone away."""
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return reverse("core:notifications")


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (404 if it is someone else's)."""
    from django.shortcuts import get_object_or_404, redirect

    from phoihop.core.context_processors import forget_unread
    from phoihop.core.models import Notification, User
    from phoihop.core.permissions import CHANGE
    from phoihop.core.services import notifications_mark_read

    item = get_object_or_404(Notification.objects.restrict(request.user, CHANGE), pk=pk)
    notifications_mark_read(actor=cast(User, request.user), notifications=[item])
    forget_unread(request)
    return redirect(_safe_local(item.url))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from phoihop.core.context_processors import forget_unread
    from phoihop.core.models import User
    from phoihop.core.services import notifications_mark_read

    count = notifications_mark_read(actor=cast(User, request.user))
    forget_unread(request)
    messages.success(request, _("{count} notifications marked as read.").format(count=count))
    return redirect("core:notifications")
