"""Test settings: the base, with a fast hasher and the database from the test run."""

import os

import dj_database_url

from .base import *

if url := os.environ.get("PHOIHOP_TEST_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(url, conn_max_age=0)}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("PHOIHOP_TEST_TASKS") == "database":
    # The fault tests run real servers beside the real task worker (db_worker).
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {  # tests run without collectstatic
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
