from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "phoihop.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from phoihop.core import menu
        from phoihop.search import policies, signals  # noqa: F401  policies register

        signals.connect()
        menu.register(
            menu.MenuItem(key="search", label=_("Search"), url_name="search:search", order=95)
        )
