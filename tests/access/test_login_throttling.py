"""Login throttling (django-axes) and the password hasher."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.urls import reverse

from partnerhub import settings as production_settings
from partnerhub.access.models import ApiToken
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")


@pytest.fixture
def throttling(settings):
    settings.AXES_ENABLED = True
    return settings


def log_in(client, username: str, password: str):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def test_thirty_wrong_passwords_lock_the_account_even_against_the_right_one(client, cast, throttling):
    username = cast.german_ministry_editor.username
    answers = [log_in(client, username, f"wrong-{attempt}").status_code for attempt in range(30)]

    assert answers[: throttling.AXES_FAILURE_LIMIT - 1] == [200] * (throttling.AXES_FAILURE_LIMIT - 1)
    assert set(answers[throttling.AXES_FAILURE_LIMIT :]) == {429}
    right = log_in(client, username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in right.content.decode()
    assert "Try again in 15 minutes" in right.content.decode()


def test_lockout_concerns_only_the_user_name_that_was_guessed(client, cast, throttling):
    for attempt in range(throttling.AXES_FAILURE_LIMIT):
        log_in(client, cast.german_ministry_editor.username, f"wrong-{attempt}")

    answer = log_in(client, cast.french_ministry_editor.username, PASSWORD)

    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.french_ministry_editor.pk)


def test_a_locked_out_user_s_api_token_still_works(client, cast, throttling):
    _token, raw_key = ApiToken.issue(cast.german_ministry_editor, "nightly export")
    for attempt in range(throttling.AXES_FAILURE_LIMIT + 1):
        log_in(client, cast.german_ministry_editor.username, f"wrong-{attempt}")

    answer = client.get("/api/engagements", headers={"Authorization": f"Bearer {raw_key}"})

    assert answer.status_code == 200


def test_production_hashes_passwords_with_argon2_and_still_reads_older_hashes():
    # The tests hash with MD5 for speed (tests/conftest.py); the settings module holds the real list.
    hashers = production_settings.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers
    argon2 = Argon2PasswordHasher()
    assert argon2.verify("secret", argon2.encode("secret", argon2.salt()))
    assert production_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
