"""Fixtures for API tests: one client per way of authenticating."""

import pytest
from django.test import Client

from partnerhub.access.models import ApiToken
from tests.api.helpers import ApiClient


@pytest.fixture
def anonymous_api():
    return ApiClient(Client())


@pytest.fixture
def token_api():
    """``token_api(user)``: a client authenticated by a fresh bearer token of ``user``."""

    def for_user(user) -> ApiClient:
        _token, raw = ApiToken.issue(user, "tests")
        return ApiClient(Client(), {"Authorization": f"Bearer {raw}"})

    return for_user


@pytest.fixture
def session_api():
    """``session_api(user)``: a logged-in browser session (CSRF not enforced)."""

    def for_user(user) -> ApiClient:
        client = Client()
        client.force_login(user)
        return ApiClient(client)

    return for_user
