from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "phoihop.exports"
    label = "exports"
    verbose_name = _("Exports and imports")

    def ready(self) -> None:
        from phoihop.core import menu
        from phoihop.core.permissions import ADMIN, FOCAL, SECRETARIAT
        from phoihop.exports import policies  # noqa: F401 - registers the policy

        menu.register(
            menu.MenuItem(
                key="exports-import",
                label=_("Excel import"),
                url_name="exports:index",
                order=60,
                roles=frozenset({FOCAL, SECRETARIAT, ADMIN}),
            )
        )
