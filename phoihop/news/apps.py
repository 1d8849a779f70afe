from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "phoihop.news"
    label = "news"
    verbose_name = _("News")

    def ready(self) -> None:
        from phoihop.news import policies  # noqa: F401  registers the policies
