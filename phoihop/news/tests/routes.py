"""Routes of the news app for the authorization matrix."""

from phoihop.core.testing.routes import PUBLIC, Route, outcomes
from phoihop.news.tests import support

WRITERS_ONLY = outcomes(
    200, anonymous="login", focal_a=403, focal_b=403, leader=403
)  # editors, secretariats (any committee) and admins write news
# An object of the world's committee: its members see it (403 when they may not write),
# another committee's secretariat does not (404).
OWN_OBJECT_GET = outcomes(
    200, anonymous="login", focal_a=403, focal_b=403, leader=403, other_secretariat=404
)
OWN_OBJECT_POST = outcomes(
    "redirect", anonymous="login", focal_a=403, focal_b=403, leader=403, other_secretariat=404
)
# The image of a public article: everyone reads it, so writers elsewhere get 403.
PUBLIC_OBJECT_POST = outcomes(
    "redirect", anonymous="login", focal_a=403, focal_b=403, leader=403, other_secretariat=403
)


def _article(world):
    article = support.published_article(world)
    return {"code": article.committee.code, "slug": article.slug}


ROUTES = {
    "news:home": Route(expect=PUBLIC),
    "news:articles": Route(expect=PUBLIC),
    "news:feed_rss": Route(expect=PUBLIC),
    "news:feed_atom": Route(expect=PUBLIC),
    "news:sitemap": Route(expect=PUBLIC),
    "news:article": Route(expect=PUBLIC, kwargs=_article),
    "news:article_print": Route(expect=PUBLIC, kwargs=_article),
    "news:category": Route(
        expect=PUBLIC,
        kwargs=lambda w: {
            "code": w.committee.code,
            "slug": support.published_article(w).category.slug,
        },
    ),
    "news:programs": Route(expect=PUBLIC),
    "news:program": Route(expect=PUBLIC, kwargs=lambda w: {"pk": support.published_program(w).pk}),
    "news:media": Route(
        expect=PUBLIC,
        kwargs=lambda w: {"name": support.image(w).image.name.removeprefix("news/")},
    ),
    "news:manage": Route(expect=WRITERS_ONLY),
    "news:manage_new": Route(expect=WRITERS_ONLY),
    "news:manage_categories": Route(expect=WRITERS_ONLY),
    "news:manage_edit": Route(
        expect=OWN_OBJECT_GET, kwargs=lambda w: {"pk": support.draft_article(w).pk}
    ),
    "news:manage_status": Route(
        method="post",
        expect=OWN_OBJECT_POST,
        kwargs=lambda w: {"pk": support.draft_article(w).pk},
    ),
    "news:manage_image_add": Route(
        method="post",
        expect=OWN_OBJECT_POST,
        kwargs=lambda w: {"pk": support.draft_article(w).pk},
    ),
    "news:manage_image": Route(
        method="post", expect=PUBLIC_OBJECT_POST, kwargs=lambda w: {"pk": support.image(w).pk}
    ),
    "news:manage_category": Route(
        method="post",
        expect=OWN_OBJECT_POST,
        kwargs=lambda w: {"pk": support.empty_category(w).pk},
    ),
}
