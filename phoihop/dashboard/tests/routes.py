"""Routes of the dashboard app for the authorization matrix."""

from phoihop.core.testing.routes import Route  # noqa: F401

ROUTES: dict = {}
