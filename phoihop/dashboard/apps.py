from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "phoihop.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from phoihop.core import menu
        from phoihop.core.permissions import ADMIN, FOCAL, LEADER, SECRETARIAT

        menu.register(
            menu.MenuItem(
                key="dashboard",
                label=_("Dashboard"),
                url_name="dashboard:dashboard",
                order=10,
                roles=frozenset({LEADER, SECRETARIAT, ADMIN, FOCAL}),
            )
        )
        menu.register(
            menu.MenuItem(
                key="completeness",
                label=_("Completeness"),
                url_name="dashboard:completeness",
                order=15,
                roles=frozenset({LEADER, SECRETARIAT, ADMIN, FOCAL}),
            )
        )
