import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.config.settings.base")
application = get_wsgi_application()

# Load the URLconf (and with it every view module) now, then move everything loaded at
# start-up out of the garbage collector's sight: the long-lived objects of Django and the
# apps are otherwise rescanned by every full collection during requests (measured: ~11%
# of a large figures read). Each gunicorn worker runs this once after it imports the app.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imported for its side effect
gc.collect()
gc.freeze()
