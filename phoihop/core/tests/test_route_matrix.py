"""Every route, every role: the outcome the permission rules promise.

A route without a row in some app's tests/routes.py fails here, so a new view cannot
be forgotten. The admin's routes follow one rule: only staff with an admin or
secretariat role get in; everyone else is sent to the admin's sign-in page.
"""

from __future__ import annotations

import contextlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from phoihop.core.testing.routes import all_route_names, declared_routes
from phoihop.core.testing.world import PASSWORD, ROLES


def _client_for(world, role: str) -> Client:
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


def _check(response, expected, role: str, name: str) -> None:
    where = f"{name} as {role}"
    if expected == "login":
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse(settings.LOGIN_URL)), where
    elif expected == "admin_login":
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("admin:login")), where
    elif expected == "redirect":
        assert response.status_code in (301, 302, 303), f"{where}: {response.status_code}"
    else:
        assert response.status_code == int(expected), f"{where}: got {response.status_code}"


def test_every_route_is_named_and_declared():
    declared = declared_routes()
    names = [name for name, _ in all_route_names()]
    unnamed = [n for n in names if n == "" or (n.endswith(":") and n != "admin:")]
    assert unnamed == [], "every URL pattern needs a name, so the matrix can list it"
    missing = sorted(n for n in names if not n.startswith("admin:") and n not in declared)
    assert missing == [], f"routes with no row in a tests/routes.py: {missing}"
    stale = sorted(set(declared) - set(names))
    assert stale == [], f"rows for routes that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_declared_routes(world, role):
    for name, route in sorted(declared_routes().items()):
        url = reverse(name, kwargs=route.kwargs(world)) + route.query
        client = _client_for(world, role)
        data = route.data(world) if route.data else None
        response = getattr(client, route.method)(url, data=data)
        _check(response, route.expect[role], role, name)


PHOIHOP_LABELS = {
    config.label for config in apps.get_app_configs() if config.name.startswith("phoihop.")
}


def _administrators_only() -> set[str]:
    """Changelists of derived tables (rollups, the search index): system admins only."""
    return {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"
        for m, model_admin in admin.site._registry.items()
        if getattr(model_admin, "administrators_only", False)
    }


def _admin_urls(world) -> list[tuple[str, str]]:
    urls = [("admin:index", reverse("admin:index"))]
    for model in admin.site._registry:
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append((f"{base}_changelist", reverse(f"{base}_changelist")))
        with contextlib.suppress(NoReverseMatch):
            urls.append((f"{base}_add", reverse(f"{base}_add")))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_routes(world, role):
    for name, url in _admin_urls(world):
        response = _client_for(world, role).get(url)
        if role == "admin":
            # Read-only screens (audit events) have no add form, even for admins.
            allowed = (200, 403) if name.endswith("_add") else (200,)
            assert response.status_code in allowed, f"{name}: {response.status_code}"
        elif role in ("secretariat", "other_secretariat"):
            assert response.status_code in (200, 403), f"{name}: {response.status_code}"
            ours = name == "admin:index" or name.split(":")[1].split("_")[0] in PHOIHOP_LABELS
            if name in _administrators_only():
                assert response.status_code == 403, name
            elif ours and name.endswith("_changelist"):
                assert response.status_code == 200, name
            if not ours:  # third-party admin screens (axes, tasks) are for system admins
                assert response.status_code == 403, name
        else:
            _check(response, "admin_login", role, name)


@pytest.mark.django_db
def test_sign_in_with_password_works(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "focal_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home"), follow=True).status_code == 200


@pytest.mark.django_db
def test_admin_hides_other_committees_objects(world):
    """Another committee's object is as good as absent: the admin answers as it does for
    a missing id (back to the admin index), and never shows its name."""
    client = _client_for(world, "secretariat")
    for obj in (world.other_org, world.other_committee, world.user("other_secretariat")):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("admin:index")
        listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert str(obj) not in listing.content.decode()


# -- every API operation, found from the schema ----------------------------------------------
#
# The rows above check each URL pattern with one method. An API path answers several
# (GET, PATCH and DELETE on a detail; GET and POST on a list), so the operations listed
# by the OpenAPI schema are checked here too, for every role, by the rules every
# endpoint follows: anonymous → 401; a row that does not exist (id 0) → 404 for any
# method; a list's POST with an empty body → refused (400 or 403), never a 2xx or 500;
# every refusal in the one error shape; another committee's objects, asked for by id
# with any method → 404.


def _api_client(world, role: str):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    user = world.user(role)
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _api_operations():
    from phoihop.core.testing.routes import api_operations

    declared = declared_routes()
    # Public operations (the schema, its docs, the token endpoint) keep their own rows.
    return [
        op
        for op in api_operations()
        if declared.get(op.name) is None or declared[op.name].expect["anonymous"] == "401"
    ]


def _shape(response, where: str) -> None:
    body = response.json()
    assert set(body) == {"message", "extra"}, f"{where}: {body}"
    assert body["message"], where


def test_every_api_operation_is_in_the_matrix():
    from phoihop.core.testing.routes import api_operations

    operations = api_operations()
    if not operations:
        pytest.skip("no API schema")
    declared = declared_routes()
    missing = sorted({op.name for op in operations} - set(declared))
    assert missing == [], f"API operations with no row in a tests/routes.py: {missing}"
    # Writes as well as reads: the schema's every method is exercised below.
    assert {op.method for op in operations} >= {"get", "post"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_operations_by_rule(world, role):
    operations = _api_operations()
    if not operations:
        pytest.skip("no API schema")
    client = _api_client(world, role)
    for op in operations:
        where = f"{op.method.upper()} {op.path} as {role}"
        response = getattr(client, op.method)(op.url(0), {}, format="json")
        if role == "anonymous":
            assert response.status_code == 401, f"{where}: {response.status_code}"
            _shape(response, where)
        elif op.has_id:
            assert response.status_code == 404, f"{where}: {response.status_code}"
            _shape(response, where)
        elif op.method == "get":
            assert response.status_code == 200, f"{where}: {response.status_code}"
        else:
            assert response.status_code in (400, 403), f"{where}: {response.status_code}"
            _shape(response, where)


def _objects_of_the_first_committee(world) -> dict[str, int]:
    """API basename -> the id of one object of the first committee."""
    from phoihop.activities.tests import factories

    s = factories.setup(world)
    draft = factories.report(s, co_organizations=[world.org_b])
    found = {
        "committee": world.committee.pk,
        "organization": world.org_a.pk,
        "program": s.program.pk,
        "content": s.content.pk,
        "indicator": s.sessions.pk,
        "activity": draft.pk,
    }
    credit = draft.credits.first()
    if credit is not None:
        found["credit"] = credit.pk
    return found


def _basename(name: str, basenames) -> str | None:
    for base in sorted(basenames, key=len, reverse=True):
        if name.startswith(f"api:{base}-"):
            return base
    return None


@pytest.mark.django_db
def test_api_hides_another_committees_objects_for_every_method(world):
    """The other committee's secretariat asks for our objects by id, with every method
    the schema lists: 404 each time, and nothing changes."""
    from phoihop.core.models import AuditEvent

    operations = _api_operations()
    if not operations:
        pytest.skip("no API schema")
    objects = _objects_of_the_first_committee(world)
    events = AuditEvent.objects.count()
    client = _api_client(world, "other_secretariat")
    checked = set()
    for op in operations:
        base = _basename(op.name, objects)
        if not op.has_id or base is None:
            continue
        where = f"{op.method.upper()} {op.path} ({base} {objects[base]})"
        response = getattr(client, op.method)(op.url(objects[base]), {}, format="json")
        assert response.status_code == 404, f"{where}: {response.status_code}"
        checked.add(base)
    assert AuditEvent.objects.count() == events
    assert checked >= {"committee", "organization", "program", "activity"}
