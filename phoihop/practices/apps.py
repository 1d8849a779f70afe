from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "phoihop.practices"
    label = "practices"
    verbose_name = _("Good-practice models")

    def ready(self) -> None:
        from phoihop.core.menu import MenuItem, register
        from phoihop.practices import policies  # noqa: F401  registers the policies

        register(
            MenuItem(
                key="practices", label=_("Good practices"), url_name="practices:list", order=40
            )
        )
