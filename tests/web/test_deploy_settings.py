"""Production settings pass Django's deployment checklist; bad values fail loudly."""

import json
import os
import subprocess
import sys

import pytest

from partnerhub.env import ImproperlyConfiguredValue, env_bool, env_int

PRODUCTION_ENV = {
    "PARTNERHUB_PRODUCTION": "true",
    "SECRET_KEY": "k3T9-production-like-secret-0f8e6c1d2b7a4e5f9a0b1c2d3e4f5a6b7c8d9e0f",
    "ALLOWED_HOSTS": "hub.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://hub.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def without_test_switches(environment):
    """The browser tests allow sync ORM calls under Playwright's event loop; a
    deployment never would."""
    return {k: v for k, v in environment.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_partnerhub(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "partnerhub.cli", *args],
        env={**without_test_switches(os.environ), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    result = run_partnerhub("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_partnerhub("check", env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_malformed_boolean_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfiguredValue, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_a_malformed_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfiguredValue, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)


def test_secrets_can_come_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "flag"
    secret.write_text("true\n")
    monkeypatch.setenv("SOME_FLAG_FILE", str(secret))
    assert env_bool("SOME_FLAG") is True


HEADERS_OF_A_PRODUCTION_ANSWER = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/api/openapi.json", secure=True, headers={"host": "hub.example.org"})
print(json.dumps({"status": response.status_code, "headers": dict(response.headers),
                  "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
                  "session_cookie_secure": settings.SESSION_COOKIE_SECURE}))
"""


@pytest.mark.slow
def test_a_production_answer_carries_every_security_header_and_secure_cookies():
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_OF_A_PRODUCTION_ANSWER],
        env={**without_test_switches(os.environ), **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "partnerhub.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]

    assert answer["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert answer["csrf_cookie_secure"], "the CSRF cookie must be sent over HTTPS only in production"
    assert answer["session_cookie_secure"], "the session cookie must be sent over HTTPS only in production"
