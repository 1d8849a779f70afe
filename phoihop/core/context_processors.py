import time
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

DEMO_FLAG = "demo_loaded"
# The header's unread count is kept in the session (read on every request anyway; written
# at most once in this many seconds), so most pages run no notification query at all. The
# notifications pages drop it (`forget_unread`): there the count is always fresh.
UNREAD_SESSION_KEY = "unread_notifications"
UNREAD_SECONDS = 30


def _demo_loaded() -> bool:
    from phoihop.core.models import SiteFlag

    return SiteFlag.objects.filter(key=DEMO_FLAG).exists()


def _unread(request: HttpRequest, user: Any) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    from phoihop.core.models import Notification

    session = getattr(request, "session", None)
    now = time.time()
    cached = session.get(UNREAD_SESSION_KEY) if session is not None else None
    if isinstance(cached, list) and len(cached) == 2 and cached[1] > now:
        return int(cached[0])
    count = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
    if session is not None:
        session[UNREAD_SESSION_KEY] = [count, now + UNREAD_SECONDS]
    return count


def forget_unread(request: HttpRequest) -> None:
    """The next page counts the unread notifications afresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(UNREAD_SESSION_KEY, None)


def site(request: HttpRequest) -> dict[str, Any]:
    from phoihop.core.menu import items_for

    user = getattr(request, "user", None)
    return {
        "demo_loaded": SimpleLazyObject(_demo_loaded),
        "menu_items": SimpleLazyObject(lambda: items_for(user)),
        # One indexed count, only when the header is drawn for a signed-in user, and at
        # most every UNREAD_SECONDS (kept in the session).
        "unread_notifications": SimpleLazyObject(lambda: _unread(request, user)),
    }
