from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender, using="default", **kwargs):
    """The database cache needs its table wherever migrations ran (tests included)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "phoihop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self)
        from phoihop.core import policies  # noqa: F401  registers the policies
        from phoihop.core.menu import MenuItem, register
        from phoihop.core.permissions import SECRETARIAT

        register(
            MenuItem(
                key="trash",
                label=_("Trash"),
                url_name="core:trash",
                order=900,
                roles=frozenset({SECRETARIAT}),
            )
        )
