from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "phoihop.news"
    label = "news"
    verbose_name = _("News")

    def ready(self) -> None:
        from phoihop.core import menu
        from phoihop.core import permissions as p
        from phoihop.news import policies  # noqa: F401  registers the policies
        from phoihop.news.listeners import conference_to_draft
        from phoihop.reviews.events import register_conference_listener

        register_conference_listener(conference_to_draft)
        menu.register(
            menu.MenuItem(
                key="news-manage",
                label=_("News"),
                url_name="news:manage",
                order=80,
                roles=frozenset({p.EDITOR, p.SECRETARIAT}),
            )
        )
