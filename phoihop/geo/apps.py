from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "phoihop.geo"
    label = "geo"
    verbose_name = _("Geography")

    def ready(self) -> None:
        from phoihop.geo import policies  # noqa: F401  registers the policies
