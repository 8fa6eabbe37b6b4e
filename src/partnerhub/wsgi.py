"""WSGI entry point for gunicorn: ``gunicorn partnerhub.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerhub.settings")
application = get_wsgi_application()

# The ECB's exchange rates take most of a second to read: each server process reads them as it
# starts, rather than during the first request that converts money (an edit, an import).
from partnerhub.registry.money import known_currencies  # noqa: E402

known_currencies()
