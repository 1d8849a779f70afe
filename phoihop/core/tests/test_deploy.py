"""Production settings: `check --deploy` is clean, and the security headers hold.

The production settings are loaded in a child process (a settings module is chosen
once per process), against a throw-away SQLite database.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from phoihop.core import dbfaults

ROOT = Path(__file__).resolve().parents[3]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PHOIHOP_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="phoihop.config.settings.production",
        SECRET_KEY="k" * 20 + "-production-test-key-" + "x9Q!" * 10,
        ALLOWED_HOSTS="phoihop.hoabinh.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PHOIHOP_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def _phoihop(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phoihop.manage", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_no_warning(tmp_path):
    result = _phoihop(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_check_deploy_fails_without_tls_settings(tmp_path):
    """The check can fail: turn HSTS off and it warns (so the test above means something)."""
    env = _production_env(tmp_path, SECURE_HSTS_SECONDS="0")
    result = _phoihop(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _phoihop(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client(HTTP_HOST="phoihop.hoabinh.gov.vn")
plain = c.get("/accounts/login/")
tls = c.get("/healthz", secure=True)
health = c.get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "health": health.status_code,
    "status": tls.status_code,
    "headers": dict(tls.headers),
    "secure_cookies": [
        settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
        settings.LANGUAGE_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
    ],
}))
"""


def test_production_headers_and_cookies(tmp_path):
    env = _production_env(tmp_path)
    migrate = _phoihop(env, "migrate", "-v0")
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"][0] == 301
    assert seen["plain"][1].startswith("https://phoihop.hoabinh.gov.vn/")
    assert seen["health"] == 200  # the load balancer's plain-HTTP probe is not redirected
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?;", csp)
    assert seen["secure_cookies"] == [True, True, True, True]


def test_csp_allows_no_inline_or_eval_script():
    for directive, sources in settings.SECURE_CSP.items():
        for source in sources:
            assert "unsafe" not in str(source), (directive, source)
    assert "script-src" in settings.SECURE_CSP
    assert settings.X_FRAME_OPTIONS == "DENY"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=\s*[\"']", re.IGNORECASE)


def test_templates_hold_no_inline_script_or_style():
    """What the CSP would block anyway, caught before a browser does: inline <script>
    bodies, on*= handlers, style= attributes, in every template of ours."""
    offenders = []
    for template in sorted((ROOT / "phoihop").glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("event handler attribute", INLINE_HANDLER),
            ("style attribute", INLINE_STYLE),
        ):
            if pattern.search(text):
                offenders.append(f"{template.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_password_rules():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678901", "password123", "hoabinh"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Phối-hợp-2026-an-toàn")


# -- a busy or full database ------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        ("database is locked", "busy", "Chưa có gì được lưu"),
        ("database or disk is full", "full", "hết dung lượng"),
        ("could not extend file: No space left on device", "full", "hết dung lượng"),
    ],
)
def test_busy_or_full_database_gives_a_503_in_vietnamese(error, kind, words):
    from django.db import OperationalError
    from django.utils import translation

    assert dbfaults.classify(OperationalError(error)) == kind
    request = RequestFactory().post("/app/activities/new/")
    with translation.override("vi"):
        response = dbfaults.DatabaseFaultMiddleware(lambda r: None).process_exception(
            request, OperationalError(error)
        )
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"]
    assert words in response.content.decode()
    api = dbfaults.fault_response(RequestFactory().get("/api/activities/"), kind)
    assert json.loads(api.content)["extra"]["reason"] == f"database_{kind}"


def test_other_database_errors_stay_errors():
    from django.db import IntegrityError, OperationalError

    assert dbfaults.classify(OperationalError("no such table: x")) is None
    assert dbfaults.classify(IntegrityError("UNIQUE constraint failed")) is None
    assert dbfaults.classify(ValueError("database is locked")) is None


_STORAGE_PROBE = """
import json
from django.core.files.storage import storages
s = storages["default"]
print(json.dumps({
    "class": f"{type(s).__module__}.{type(s).__qualname__}",
    "bucket": getattr(s, "bucket_name", None),
    "endpoint": getattr(s, "endpoint_url", None),
    "acl": getattr(s, "default_acl", None),
    "overwrite": getattr(s, "file_overwrite", None),
    "url": s.url("reports/a.pdf"),
}))
"""


def test_media_go_to_s3_when_a_bucket_is_configured(tmp_path):
    """PHOIHOP_S3_* switch the media storage to django-storages' S3 backend; a signed
    URL on the configured endpoint is built locally (no network)."""
    env = _production_env(
        tmp_path,
        PHOIHOP_S3_BUCKET="phoihop-media",
        PHOIHOP_S3_ENDPOINT_URL="https://s3.example.invalid",
        PHOIHOP_S3_REGION="us-east-1",
        PHOIHOP_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        PHOIHOP_S3_SECRET_ACCESS_KEY="secret-example",
    )
    result = _phoihop(env, "shell", "-c", _STORAGE_PROBE)
    assert result.returncode == 0, result.stdout + result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["class"] == "storages.backends.s3.S3Storage"
    assert found["bucket"] == "phoihop-media"
    assert found["endpoint"] == "https://s3.example.invalid"
    assert found["acl"] == "private"
    assert found["overwrite"] is False
    assert found["url"].startswith("https://s3.example.invalid/phoihop-media/media/reports/a.pdf?")
    assert "Signature" in found["url"]


def test_media_stay_on_disk_without_a_bucket(tmp_path):
    result = _phoihop(_production_env(tmp_path), "shell", "-c", _STORAGE_PROBE)
    assert result.returncode == 0, result.stdout + result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
