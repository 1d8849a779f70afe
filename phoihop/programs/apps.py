from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "phoihop.programs"
    label = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from phoihop.core.menu import MenuItem, register
        from phoihop.programs import policies  # noqa: F401  registers the policies

        register(MenuItem(key="programs", label=_("Programs"), url_name="programs:list", order=20))
