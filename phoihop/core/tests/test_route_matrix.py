"""Every route, every role: the outcome the permission rules promise.

A route without a row in some app's tests/routes.py fails here, so a new view cannot
be forgotten. The admin's routes follow one rule: only staff with an admin or
secretariat role get in; everyone else is sent to the admin's sign-in page.
"""

from __future__ import annotations

import contextlib

import pytest
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


PHOIHOP_LABELS = {"core", "geo", "orgs", "programs", "activities", "practices", "reviews", "news"}


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
            if ours and name.endswith("_changelist"):
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
