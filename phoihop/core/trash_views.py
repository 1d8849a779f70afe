"""The trash pages: a secretariat lists its committee's deleted records and restores them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from phoihop.core import trash
from phoihop.core.services import TRASH_DAYS


@login_required
@require_GET
def trash_list(request: HttpRequest) -> HttpResponse:
    if not trash.may_use_trash(request.user):
        raise PermissionDenied
    items = trash.trashed_items(request.user)
    return render(
        request,
        "core/trash.html",
        {"title": _("Trash"), "items": items, "days": TRASH_DAYS},
    )


@login_required
@require_POST
def trash_restore(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    if not trash.may_use_trash(request.user):
        raise PermissionDenied
    klass = trash.model_for(model)
    if klass is None:
        raise Http404
    obj = trash.trashed_queryset(klass, request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    try:
        trash.restore_item(actor=request.user, obj=obj)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(
                request,
                _("“{object}” could not be restored: {reason}").format(object=obj, reason=message),
            )
    else:
        messages.success(request, _("“{object}” is restored.").format(object=obj))
    return redirect("core:trash")
