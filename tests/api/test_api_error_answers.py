"""The schema documents every error answer the API gives, with one shared error schema, and no
two answer schemas share a name (the schema keeps one of them, and clients read the wrong one)."""

import json
from collections import defaultdict

import pytest
from django.test import Client
from ninja import Schema

import partnerhub.api  # noqa: F401  (every router's schemas imported)

pytestmark = pytest.mark.django_db

SAFE = {"get", "head", "options"}


@pytest.fixture(scope="module")
def operations():
    schema = Client().get("/api/openapi.json").json()
    return [
        (method, path, operation) for path, methods in schema["paths"].items() for method, operation in methods.items()
    ]


def test_every_operation_documents_a_refused_token(operations):
    for method, path, operation in operations:
        assert "401" in operation["responses"], (method, path)


def test_every_operation_naming_a_record_documents_not_found(operations):
    for method, path, operation in operations:
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_every_operation_with_input_documents_invalid_input(operations):
    for method, path, operation in operations:
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in operation["responses"], (method, path)


def test_every_change_documents_refusal_and_broken_json(operations):
    for method, path, operation in operations:
        if method in SAFE:
            continue
        assert "403" in operation["responses"], (method, path)
        if "requestBody" in operation:
            assert "400" in operation["responses"], (method, path)


def test_error_answers_use_the_shared_schemas(operations):
    for method, path, operation in operations:
        for status in ("400", "401", "404"):
            if status in operation["responses"]:
                content = json.dumps(operation["responses"][status]["content"])
                assert "#/components/schemas/Message" in content, (method, path, status)


def all_schemas(base=Schema):
    for subclass in base.__subclasses__():
        yield subclass
        yield from all_schemas(subclass)


def test_no_two_schemas_of_the_hub_share_a_name_with_different_shapes():
    shapes = defaultdict(set)
    for schema in all_schemas():
        if schema.__module__.startswith("partnerhub."):
            shapes[schema.__name__].add(json.dumps(schema.model_json_schema(), sort_keys=True))
    assert {name for name, found in shapes.items() if len(found) > 1} == set()


def test_a_refused_token_answers_with_the_documented_message(cast):
    response = Client().get("/api/countries", headers={"Authorization": "Bearer ph_revoked"})

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_no_answer_is_written_twice_in_the_schema_document(client):
    """A 401 declared by an operation and the same 401 added for every operation would be two keys
    "401" in the JSON: Swagger UI then refuses the whole document."""
    document = client.get("/api/openapi.json").content.decode()
    schema = json.loads(document, object_pairs_hook=_refuse_twice)
    assert schema["paths"]


def _refuse_twice(pairs):
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), sorted(key for key in keys if keys.count(key) > 1)
    return dict(pairs)
