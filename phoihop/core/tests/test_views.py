import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_english_is_selectable():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


@pytest.mark.django_db
def test_healthz_reports_the_database():
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": __import__("django.db").db.connection.vendor,
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_404_page_is_vietnamese(settings):
    settings.DEBUG = False
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_500_page_renders_without_database_context(settings):
    from django.test import RequestFactory

    from phoihop.core.views import error_500

    response = error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


@pytest.mark.django_db
def test_pages_carry_security_headers():
    response = Client().get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_demo_banner_shows_only_when_demo_is_loaded():
    from phoihop.core.context_processors import DEMO_FLAG
    from phoihop.core.services import site_flag_set

    assert "DỮ LIỆU MẪU" not in Client().get("/").content.decode()
    site_flag_set(key=DEMO_FLAG, value={"seed": 1})
    assert "DỮ LIỆU MẪU" in Client().get("/").content.decode()


@pytest.mark.django_db
def test_one_time_password_forces_a_change(world):
    from phoihop.core.testing.world import PASSWORD

    user = world.user("focal_a")
    user.must_change_password = True
    user.save()
    client = Client()
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Mot-mat-khau-moi-9",
            "new_password2": "Mot-mat-khau-moi-9",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get(reverse("core:home"), follow=True).status_code == 200


@pytest.mark.django_db
def test_failed_logins_lock_the_account(world):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "focal_b", "password": "sai-mat-khau"})
    from phoihop.core.testing.world import PASSWORD

    response = client.post(reverse("login"), {"username": "focal_b", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tài khoản tạm khóa" in response.content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese():
    response = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get(reverse("login"))
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"
