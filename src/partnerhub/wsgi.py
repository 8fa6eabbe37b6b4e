"""WSGI entry point for gunicorn: ``gunicorn partnerhub.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerhub.settings")
application = get_wsgi_application()


def ready_to_serve() -> None:
    """What a server process does once, before its first request.

    The ECB's exchange rates take most of a second to read: they are read now, rather than during the
    first request that converts money (an edit, an import). Every view is imported (the URLconf's), and
    what is loaded so far — about 350,000 objects: modules, functions, classes — is then kept out of
    the garbage collector's full passes (``gc.freeze``), which would otherwise walk all of it again
    every few requests (170 ms each, on a country profile one request in five)."""
    from django.urls import get_resolver

    from partnerhub.registry.money import known_currencies

    known_currencies()
    get_resolver().url_patterns  # noqa: B018 (imports every URLconf and its views)
    gc.collect()
    gc.freeze()


ready_to_serve()
