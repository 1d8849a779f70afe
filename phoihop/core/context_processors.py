from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

DEMO_FLAG = "demo_loaded"


def _demo_loaded() -> bool:
    from phoihop.core.models import SiteFlag

    return SiteFlag.objects.filter(key=DEMO_FLAG).exists()


def _unread(user: Any) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    from phoihop.core.models import Notification

    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def site(request: HttpRequest) -> dict[str, Any]:
    from phoihop.core.menu import items_for

    user = getattr(request, "user", None)
    return {
        "demo_loaded": SimpleLazyObject(_demo_loaded),
        "menu_items": SimpleLazyObject(lambda: items_for(user)),
        # One indexed count, only when the header is drawn for a signed-in user.
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
    }
