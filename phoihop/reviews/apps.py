from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "phoihop.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from phoihop.core.menu import MenuItem, register
        from phoihop.reviews import policies  # noqa: F401  registers the policies

        register(
            MenuItem(
                key="reviews",
                label=_("Reviews"),
                url_name="reviews:list",
                order=60,
                roles=frozenset({"secretariat", "leader"}),
            )
        )
