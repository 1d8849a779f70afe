"""The production-like settings the benchmark serves and measures with.

DEBUG off, the real middleware and templates; only the URLconf adds the bare reference
views (bench/bare.py: the page rendered from constant data, and its bytes served as they
are), which never exist outside the benchmark.
"""

from phoihop.config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Rate limits and lockouts would throttle the load generator's sign-ins.
AXES_ENABLED = False
