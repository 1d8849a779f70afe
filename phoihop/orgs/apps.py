from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "phoihop.orgs"
    label = "orgs"
    verbose_name = _("Committees and organizations")

    def ready(self) -> None:
        from phoihop.core.permissions import set_scope_provider
        from phoihop.orgs import policies  # noqa: F401  registers the policies
        from phoihop.orgs.selectors import scope_for_user

        set_scope_provider(scope_for_user)

        from phoihop.core.menu import MenuItem, register

        register(
            MenuItem(
                key="orgs.people",
                label=_("People and accounts"),
                url_name="orgs:people",
                order=80,
                roles=frozenset({"secretariat"}),
            )
        )
