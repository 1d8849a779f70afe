"""The route matrix: every URL pattern, every role, the expected outcome.

Each app lists its routes in `phoihop/<app>/tests/routes.py` as `ROUTES = {name: Route}`;
the admin's routes are covered by one generic rule. `all_route_names()` walks the
URLconf, so a new view without a row fails phoihop/core/tests/test_route_matrix.py.

Outcomes: an HTTP status (200, 403, 404, 405), "login" (redirect to the sign-in page),
"admin_login" (redirect to the admin's sign-in page), "redirect" (any other redirect),
"401" for the API.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from phoihop.core.testing.world import ROLES, World

Outcome = int | str


@dataclass(frozen=True)
class Route:
    expect: Mapping[str, Outcome]
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    query: str = ""

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"Route expectations miss roles: {sorted(missing)}")


def outcomes(default: Outcome, **per_role: Outcome) -> dict[str, Outcome]:
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    return {role: per_role.get(role, default) for role in ROLES}


PUBLIC = outcomes(200)
SIGNED_IN = outcomes(200, anonymous="login")


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            inner = f"{namespace}{ns}:" if ns else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name or ''}", entry)


def all_route_names() -> list[tuple[str, Any]]:
    return list(_walk(get_resolver().url_patterns))


def declared_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("phoihop."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.routes")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.routes":
                raise
            continue
        overlap = set(routes) & set(module.ROUTES)
        if overlap:
            raise ValueError(f"Routes declared twice: {sorted(overlap)}")
        routes.update(module.ROUTES)
    return routes


# -- the API, from its schema -----------------------------------------------------------------

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class ApiOperation:
    """One operation of the OpenAPI schema: its URL name, method and path template."""

    name: str
    method: str
    path: str

    @property
    def has_id(self) -> bool:
        return "{" in self.path

    def url(self, pk: int | str = 0) -> str:
        import re

        return re.sub(r"\{[^}]+\}", str(pk), self.path)


def api_operations() -> list[ApiOperation]:
    """Every operation the API's schema lists (empty when there is no schema generator).

    Found from the schema, not from a list kept by hand, so an endpoint added to the API
    is in the matrix as soon as it is in the schema."""
    try:
        from drf_spectacular.generators import SchemaGenerator
    except ImportError:  # pragma: no cover - the API app brings it
        return []
    from django.urls import resolve

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found: list[ApiOperation] = []
    for path, item in sorted(schema.get("paths", {}).items()):
        match = resolve(ApiOperation("", "get", path).url())
        name = f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)
        found.extend(ApiOperation(name, method, path) for method in item if method in HTTP_METHODS)
    return found
