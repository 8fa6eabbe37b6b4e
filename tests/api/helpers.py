"""Clients that call the API the way scripts and browsers do, and what tests read back."""

import json

from django.test import Client


class ApiClient:
    """A test client that speaks JSON to /api/ and decodes the answers."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None):
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, params=None):
        return self.client.get("/api" + path, params or {}, headers=self.headers)

    def send(self, method: str, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.generic(method, "/api" + path, data=data,
                                   content_type="application/json", headers=self.headers)

    def post(self, path, body=None, **kwargs):
        return self.send("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.send("PUT", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.send("PATCH", path, body, **kwargs)

    def delete(self, path):
        return self.send("DELETE", path)


def ids_of(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def error_locations(response) -> list[list]:
    return [item["loc"] for item in response.json()["detail"]]
