"""Clients that request pages and the API the way browsers and scripts do, and what tests read back."""

import json

from django.test import Client

from partnerhub.access.models import ApiToken


def logged_in(client: Client, user) -> Client:
    """``client`` with ``user``'s session (an anonymous visitor when ``user`` is None)."""
    if user is not None:
        client.force_login(user)
    return client


def client_for(user) -> Client:
    """A fresh browser for ``user``, or for an anonymous visitor when ``user`` is None."""
    return logged_in(Client(), user)


class ApiClient:
    """A test client that speaks JSON to /api/ and decodes the answers."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None):
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, params=None):
        return self.client.get("/api" + path, params or {}, headers=self.headers)

    def send(self, method: str, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.generic(
            method, "/api" + path, data=data, content_type="application/json", headers=self.headers
        )

    def post(self, path, body=None, **kwargs):
        return self.send("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.send("PUT", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.send("PATCH", path, body, **kwargs)

    def delete(self, path):
        return self.send("DELETE", path)


def api_with_token(user) -> ApiClient:
    """A script authenticated by a fresh bearer token of ``user``."""
    _token, raw = ApiToken.issue(user, "tests")
    return ApiClient(Client(), {"Authorization": f"Bearer {raw}"})


def api_with_session(user) -> ApiClient:
    """A logged-in browser calling the API (CSRF not enforced); anonymous when ``user`` is None."""
    return ApiClient(client_for(user))


def ids_of(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def error_locations(response) -> list[list]:
    return [item["loc"] for item in response.json()["detail"]]
