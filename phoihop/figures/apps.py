from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "phoihop.figures"
    label = "figures"
    verbose_name = _("Figures")

    def ready(self) -> None:
        # Rollups are updated inside the transaction of every change activities announce.
        from phoihop.figures import cache, policies, rollups  # noqa: F401  policies register

        rollups.register()
        # Edits of what figures read beside the rollups give the program a new version.
        cache.register()
