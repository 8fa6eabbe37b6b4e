"""The error answers of the API, documented on every operation that can give them.

Every operation can answer 401 (a bearer token that is unknown or revoked is
refused, even for a public read). An operation with parameters or a body
answers 422 when they are invalid; one with an id in its path answers 404 for
a record that is missing or hidden; a change answers 403 (CSRF check, or a
record the caller may read but not change) and, with a body, 400 for a body
that is not JSON. Operations declare their own answers where they say more;
``document_error_answers`` adds the ones they leave out, all pointing at the
two shared schemas below, so that a client (and schemathesis) can rely on the
schema for every answer the API gives.
"""

from typing import Any

from ninja import Field, Schema
from ninja.openapi.schema import REF_TEMPLATE
from pydantic import ConfigDict

SAFE_METHODS = {"get", "head", "options"}


class Message(Schema):
    detail: str = Field(description="What went wrong, in the caller's language.")


class InputError(Schema):
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Kind of error, e.g. `missing` or `value_error`.")
    loc: list[str | int] = Field(
        description='Where: `["body", <field>, …]`, `["query", <name>]` or `["path", <name>]`.'
    )
    msg: str = Field(description="What is wrong with that value.")


class InputErrors(Schema):
    detail: list[InputError]


ANSWERS: dict[str, tuple[str, type[Schema]]] = {
    "400": ("The request body is not valid JSON, or an upload is not a readable form.", Message),
    "401": ("Authentication required, or the bearer token is unknown or revoked.", Message),
    "403": ("The CSRF check failed, or the caller may not make this change.", Message),
    "404": ("No such record, or one outside the caller's circle (the two are not told apart).", Message),
    "422": ("A parameter or a field of the body is invalid; each error names it.", InputErrors),
}


def error_answers_of(method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer, by what it reads."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    answers = ["401"]
    if any(parameter.get("in") == "path" for parameter in parameters):
        answers.append("404")
    if parameters or has_body:
        answers.append("422")
    if method not in SAFE_METHODS:
        answers.append("403")
        if has_body:
            answers.append("400")
    return answers


def document_error_answers(openapi: dict[str, Any]) -> dict[str, Any]:
    """Adds the shared error schemas and, on each operation, the error answers it does not declare."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    shared: tuple[type[Schema], ...] = (Message, InputErrors)
    for shared_schema in shared:
        json_schema = shared_schema.model_json_schema(ref_template=REF_TEMPLATE)
        schemas.update(json_schema.pop("$defs", {}))
        schemas[shared_schema.__name__] = json_schema
    for methods in openapi.get("paths", {}).values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            # django-ninja keys answers by number: a "401" beside a 401 would be written twice in the
            # JSON, and Swagger UI refuses a document with a key twice.
            _merge_text_keys(responses)
            declared = {str(code) for code in responses}
            for status in error_answers_of(method, operation):
                if str(status) not in declared:
                    description, schema = ANSWERS[status]
                    responses[int(status)] = _json_answer(description, schema)
    return openapi


def _merge_text_keys(responses: dict[Any, Any]) -> None:
    """Folds an answer given by text (``openapi_extra`` adding an ETag header to "200") into the
    numbered answer django-ninja wrote for the same status."""
    for key in [key for key in responses if isinstance(key, str) and key.isdigit() and int(key) in responses]:
        _deep_merge(responses[int(key)], responses.pop(key))


def _deep_merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
    for name, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(name), dict):
            _deep_merge(target[name], value)
        else:
            target[name] = value


def _json_answer(description: str, schema: type[Schema]) -> dict[str, Any]:
    reference = REF_TEMPLATE.format(model=schema.__name__)
    return {"description": description, "content": {"application/json": {"schema": {"$ref": reference}}}}
