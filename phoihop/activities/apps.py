from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "phoihop.activities"
    label = "activities"
    verbose_name = _("Activity reports")

    def ready(self) -> None:
        from phoihop.activities import cache, policies  # noqa: F401  registers the policies
        from phoihop.core import menu
        from phoihop.core.permissions import ADMIN, FOCAL, LEADER, SECRETARIAT

        menu.register(
            menu.MenuItem(
                key="activities",
                label=_("Reports"),
                url_name="activities:list",
                order=20,
                roles=frozenset({FOCAL, SECRETARIAT, LEADER, ADMIN}),
            )
        )
        menu.register(
            menu.MenuItem(
                key="activities_new",
                label=_("New report"),
                url_name="activities:create",
                order=21,
                roles=frozenset({FOCAL}),
            )
        )
        menu.register(
            menu.MenuItem(
                key="activities_queue",
                label=_("Approval queue"),
                url_name="activities:queue",
                order=22,
                roles=frozenset({SECRETARIAT, ADMIN}),
            )
        )
        cache.register()  # the filter's choices get a new version on every write
