from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """The installable reporting app that works with no signal (a PWA)."""

    name = "phoihop.field"
    label = "field"
    verbose_name = _("Offline reporting")

    def ready(self) -> None:
        from phoihop.core import permissions
        from phoihop.core.menu import MenuItem, register

        register(
            MenuItem(
                key="field",
                label=_("Report offline"),
                url_name="field:app",
                order=25,
                roles=frozenset({permissions.FOCAL}),
            )
        )
