"""Routes of the search app for the authorization matrix."""

from phoihop.core.testing.routes import PUBLIC, Route

ROUTES = {
    "search:search": Route(expect=PUBLIC, query="?q=uy+ban+mat+tran"),
}
