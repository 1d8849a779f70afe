"""Settings for a deployment behind a TLS-terminating proxy (nginx, a load balancer).

`DJANGO_SETTINGS_MODULE=phoihop.config.settings.production`; everything else comes from
the environment (docs/deploy.md). `phoihop check --deploy` passes with no warning under
these settings (phoihop/core/tests/test_deploy.py runs it).

What holds here beyond the base:
- HTTPS only: the proxy says so in X-Forwarded-Proto; plain HTTP is redirected; cookies
  are Secure; HSTS for a year (SECURE_HSTS_SECONDS=0 while trying TLS out first).
- The base already sets: CSP with a per-request nonce and no inline or eval scripts,
  X-Frame-Options DENY and frame-ancestors 'none', Referrer-Policy same-origin, nosniff,
  HttpOnly session cookie, an 8-hour sliding session, Argon2 and the password
  validators (10 characters, not common, not numeric, not like the username), and
  django-axes locking a (username, address) pair after 5 failed sign-ins, counted in
  the database so every app server sees them.
- Mail goes through SMTP: EMAIL_HOST, or the server's own MTA on localhost:25.
- Client addresses come from the proxy's X-Forwarded-For (one proxy hop by default,
  PROXY_COUNT), for the sign-in lockout and the rate limits.
"""

import os

from .base import *

DEBUG = False

if not os.environ.get("SECRET_KEY"):
    # base.py generates one into var/ for development; several app servers behind a
    # load balancer must share one, so production insists on the environment's.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY in the environment (docs/deploy.md).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
# The health check is asked over plain HTTP by the load balancer, on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Only a registrable domain can be put on the browsers' preload list, never a
# provincial sub-domain of gov.vn, so the flag alone commits nobody; a deployment that
# wants it off says SECURE_HSTS_PRELOAD=0.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Behind nginx: the real client is the last address nginx appended.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

if not os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25},
        }
    }

# Several app servers: static files are built once per release (collectstatic) and the
# manifest is shared; media go to S3-compatible storage (MinIO, a provider's object
# storage) when PHOIHOP_S3_BUCKET is set (docs/deploy.md). The bucket stays private:
# every file is read through the storage API or a short-lived signed URL.
if s3_bucket := os.environ.get("PHOIHOP_S3_BUCKET"):
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": s3_bucket,
                "endpoint_url": os.environ.get("PHOIHOP_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("PHOIHOP_S3_REGION") or None,
                "access_key": os.environ.get("PHOIHOP_S3_ACCESS_KEY_ID") or None,
                "secret_key": os.environ.get("PHOIHOP_S3_SECRET_ACCESS_KEY") or None,
                "location": os.environ.get("PHOIHOP_S3_PREFIX", "media"),
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }

# Dashboards may read from a replica (DATABASE_REPLICA_URL); writes always go to the
# primary. Code that reads for a dashboard asks for `.using("replica")` when it exists.
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
