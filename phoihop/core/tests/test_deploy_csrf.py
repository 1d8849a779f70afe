"""Cross-site request forgery: every form route of the matrix refuses a POST without
the CSRF token, for a role that would otherwise succeed.

The route matrix posts with Django's test client, which skips the CSRF check; here the
check is on (`enforce_csrf_checks=True`), as in a browser.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from phoihop.core.testing.routes import declared_routes

# Outcomes that mean "this role gets through" for a route.
GETS_THROUGH = {200, 201, 204, 400, "200", "redirect"}
# Endpoints that take no session, so there is nothing to forge: the API's token
# endpoint checks a name and password in the request itself.
NO_SESSION = {"api:token"}


def _post_routes():
    return sorted(
        (name, route)
        for name, route in declared_routes().items()
        if route.method == "post" and name not in NO_SESSION
    )


def test_there_are_form_routes_to_check():
    assert len(_post_routes()) >= 5


@pytest.mark.django_db
def test_every_post_route_refuses_a_forged_request(world):
    checked = []
    for name, route in _post_routes():
        role = next(
            (r for r, out in route.expect.items() if r != "anonymous" and out in GETS_THROUGH),
            None,
        )
        if role is None:
            continue
        user = world.user(role)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        url = reverse(name, kwargs=route.kwargs(world)) + route.query
        data = route.data(world) if route.data else {}
        response = client.post(url, data=data)
        assert response.status_code == 403, f"{name} as {role}: {response.status_code}"
        checked.append(name)
    assert "logout" in checked
    assert "core:trash_restore" in checked


@pytest.mark.django_db
def test_the_same_post_with_the_token_goes_through(world):
    """The control: with the page's token the forged-request check lets it pass."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("focal_a"))
    client.get(reverse("core:home"), follow=True)
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
