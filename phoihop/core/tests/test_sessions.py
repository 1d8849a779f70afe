"""Sessions slide: 8 hours after the last request, written again at most every few
minutes rather than on every request (core.middleware.SlidingSessionMiddleware)."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from phoihop.core.middleware import SlidingSessionMiddleware

pytestmark = pytest.mark.django_db
KEY = SlidingSessionMiddleware.key


def _row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _age_refresh(client: Client, seconds: int) -> None:
    session = client.session
    session[KEY] = int(time.time()) - seconds
    session.save()


def test_a_busy_person_is_not_written_on_every_request(client_for, settings):
    client = client_for("secretariat")
    assert client.get(reverse("dashboard:home")).status_code == 200
    first = _row(client)
    assert first.get_decoded()[KEY] > 0
    for _ in range(3):
        assert client.get(reverse("dashboard:home")).status_code == 200
    again = _row(client)
    assert again.expire_date == first.expire_date  # not written again


def test_the_expiry_slides_once_the_refresh_is_old(client_for, settings):
    client = client_for("secretariat")
    client.get(reverse("dashboard:home"))
    _age_refresh(client, settings.SESSION_REFRESH_SECONDS + 1)
    before = _row(client)
    time.sleep(1.1)  # expiry dates are stored to the second on SQLite
    assert client.get(reverse("dashboard:home")).status_code == 200
    after = _row(client)
    assert after.expire_date > before.expire_date
    assert after.get_decoded()[KEY] > before.get_decoded()[KEY]
    # The cookie is sent again with the new age.
    _age_refresh(client, settings.SESSION_REFRESH_SECONDS + 1)
    response = client.get(reverse("dashboard:home"))
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_anonymous_visitor_gets_no_session(world):
    client = Client()
    count = Session.objects.count()
    assert client.get("/").status_code == 200
    assert client.get(reverse("search:search") + "?q=mat+tran").status_code == 200
    assert Session.objects.count() == count
    assert "sessionid" not in client.cookies
