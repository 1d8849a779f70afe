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
from django.views.decorators.http import require_GET


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
