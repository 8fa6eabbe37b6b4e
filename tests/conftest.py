import pytest
from django.conf import settings

from tests.personas import build_cast


def pytest_configure(config):
    # Hashing with the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (countries, routes, themes, instruments) once per run."""
    from partnerhub.geo.reference import load_countries, load_routes
    from partnerhub.registry.reference import load_instruments, load_themes

    with django_db_blocker.unblock():
        load_countries()
        load_routes()
        load_themes()
        load_instruments()


@pytest.fixture
def cast(db):
    return build_cast()
