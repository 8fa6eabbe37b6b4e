import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.support.clients import ApiClient, api_with_session, api_with_token
from tests.support.personas import build_cast


def pytest_configure(config):
    # Hashing with the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Login throttling writes a row per attempt and needs a request; the tests of
    # throttling switch it on (tests/access/test_login_throttling.py).
    settings.AXES_ENABLED = False
    # A query on a confidential model without visible_to, hidden_from or unrestricted raises.
    settings.STRICT_SCOPES = True
    # Uploaded files (lessons' attachments built by the registered factories) never land in var/.
    settings.UPLOAD_DIR = Path(tempfile.mkdtemp(prefix="partnerhub-test-uploads-"))


def load_reference_data() -> None:
    from partnerhub.geo.reference import load_countries, load_recipient_regions, load_routes
    from partnerhub.registry.reference import load_instruments, load_themes
    from partnerhub.talent.loading import load_occupations, load_safeguard_lists

    load_countries()
    load_routes()
    load_recipient_regions()
    load_themes()
    load_instruments()
    load_occupations()
    load_safeguard_lists()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (countries, routes, themes, instruments, ISCO-08, safeguard lists) once per run."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data_again_after(django_db_blocker):
    """For a test with real commits (``transactional_db``, requested after this fixture): the
    database is emptied after it, so the reference data the other tests share is loaded again."""
    yield
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def anonymous_api() -> ApiClient:
    return api_with_session(None)


@pytest.fixture
def token_api():
    """``token_api(user)``: a client authenticated by a fresh bearer token of ``user``."""
    return api_with_token


@pytest.fixture
def session_api():
    """``session_api(user)``: a logged-in browser session (CSRF not enforced)."""
    return api_with_session


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in French leaves French active in the thread (LocaleMiddleware never
    deactivates it): without this, the tests that follow would read French messages."""
    yield
    translation.deactivate()
