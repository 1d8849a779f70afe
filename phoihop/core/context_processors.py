from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

DEMO_FLAG = "demo_loaded"


def _demo_loaded() -> bool:
    from phoihop.core.models import SiteFlag

    return SiteFlag.objects.filter(key=DEMO_FLAG).exists()


def site(request: HttpRequest) -> dict[str, Any]:
    from phoihop.core.menu import items_for

    user = getattr(request, "user", None)
    return {
        "demo_loaded": SimpleLazyObject(_demo_loaded),
        "menu_items": SimpleLazyObject(lambda: items_for(user)),
    }
