"""Core's routes, and the project-level ones (sign-in, language, admin index)."""

from phoihop.core.testing.routes import PUBLIC, SIGNED_IN, Route, outcomes

ROUTES = {
    "core:landing": Route(expect=PUBLIC),
    "core:home": Route(expect=SIGNED_IN),
    "core:healthz": Route(expect=PUBLIC),
    # Signed-in users are sent on from the sign-in page.
    "login": Route(expect=outcomes("redirect", anonymous=200)),
    "logout": Route(method="post", expect=outcomes("redirect")),
    "password_change": Route(expect=SIGNED_IN),
    "password_change_done": Route(expect=SIGNED_IN),
    "set_language": Route(
        method="post", data=lambda w: {"language": "en"}, expect=outcomes("redirect")
    ),
    "javascript-catalog": Route(expect=PUBLIC),
}
