from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "phoihop.activities"
    label = "activities"
    verbose_name = _("Activity reports")

    def ready(self) -> None:
        from phoihop.activities import policies  # noqa: F401  registers the policies
