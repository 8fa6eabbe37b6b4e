"""schemathesis against the hub's own OpenAPI schema, as each circle and anonymously.

The WSGI application is called in-process over the planted world of the
no-leak walk (tests/core/test_no_leak_anywhere.py): a hidden record of every
confidential model, engagements at every sharing level, priorities, overlaps.
For every operation schemathesis generates requests from the schema (ids made
up, and ids of the planted records), sends them with each persona's bearer
token or none, and checks that nothing answers 500 and that every answer — its
status, content type and body — is one the schema declares. Write operations
run too: whatever a persona may not write must be exactly as it was after its
run (compared row by row, with every field).

A bounded number of examples per operation keeps the run at about two minutes;
``PARTNERHUB_SCHEMATHESIS_EXAMPLES`` sets more for a longer run by hand, e.g.
``PARTNERHUB_SCHEMATHESIS_EXAMPLES=100 .venv/bin/pytest tests/api/test_schemathesis.py -n 0``.
"""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import product

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from partnerhub.access.models import ApiToken
from partnerhub.core.confidential import registered
from partnerhub.core.querysets import unrestricted_block
from tests.core.test_no_leak_anywhere import API_PARAMETER, api_values
from tests.core.test_no_leak_anywhere import planted as planted  # the no-leak walk's world, reused here

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = int(os.environ.get("PARTNERHUB_SCHEMATHESIS_EXAMPLES", "2"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The circles of the hub: nobody, a partner government, another Member State, the same Member State
# through another organisation, an EU institution, and the owner of the planted records (last, since it
# may change and delete them).
PERSONAS = (
    None,
    "moroccan_ministry_user",
    "french_ministry_editor",
    "giz_viewer",
    "commission_desk_officer",
    "german_ministry_editor",
)


@contextmanager
def in_the_test_transaction() -> Iterator[None]:
    """Requests through the WSGI handler keep the test's database connection open, as Django's
    test client does: each request would otherwise close it, and the test's data with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # thousands of 4xx warnings; a 500 is still logged
    try:
        yield
    finally:
        request_log.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def headers_of(user) -> dict[str, str]:
    if user is None:
        return {}
    _token, raw = ApiToken.issue(user, "schemathesis")
    return {"Authorization": f"Bearer {raw}"}


def planted_path_parameters(operation, planted) -> list[dict[str, str]]:
    """Each combination of planted (visible and hidden) records for the operation's path."""
    path = "/api" + operation.path if not operation.path.startswith("/api") else operation.path
    names = [match.group("name") for match in API_PARAMETER.finditer(path)]
    if not names:
        return []
    choices = [[value for value, _hidden in api_values(path, name, planted)] for name in names]
    return [dict(zip(names, combination, strict=True)) for combination in product(*choices)]


def exercise(operation, headers: dict[str, str], path_parameters: dict[str, str] | None = None) -> None:
    """Sends generated requests to ``operation`` and checks every answer: ``EXAMPLES`` with made-up
    parameters, one (generated query and body) for each given set of path parameters."""

    @given(case=operation.as_strategy(path_parameters=path_parameters))
    @settings(
        max_examples=EXAMPLES if path_parameters is None else max(1, EXAMPLES // 3),
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def one_request(case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    one_request()


def not_writable_by(user) -> dict[str, dict]:
    """Every confidential row ``user`` may not change, with all its fields."""
    entries = {entry.label: entry for entry in registered()}
    with unrestricted_block("schemathesis snapshot"):
        return {
            label: {
                row.pk: model_to_dict(row)
                for row in _all_rows(entry.model).exclude(pk__in=writable_pks(entry, entries, user))
            }
            for label, entry in entries.items()
        }


def writable_pks(entry, entries, user) -> set:
    """The rows ``user`` may change: of a record, those it edits; of a child row, those tied to a
    parent (a record or a child row itself) it may change — deleting an engagement takes the
    overlap pairs and links naming it along, whoever owns the other side."""
    if not entry.is_child:
        return _editable_records(entry, entries, user)
    pks: set = set()
    for parent_field, parent in zip(entry.parents, entry.parent_models(), strict=True):
        parent_pks = writable_pks(entries[parent._meta.label], entries, user)
        pks |= set(_all_rows(entry.model).filter(**{f"{parent_field}__in": parent_pks}).values_list("pk", flat=True))
    return pks


def _editable_records(entry, entries, user) -> set:
    """Records ``user`` edits, and those naming one of its records (a pair of engagements goes with
    either engagement when it is deleted)."""
    model = entry.model
    pks = set(model._default_manager.editable_by(user).values_list("pk", flat=True))
    for field in model._meta.get_fields():
        related = field.related_model if field.many_to_one else None
        if related is None or related is model or related._meta.label not in entries:
            continue
        if entries[related._meta.label].is_child:
            continue
        own = related._default_manager.editable_by(user)
        pks |= set(_all_rows(model).filter(**{f"{field.name}__in": own}).values_list("pk", flat=True))
    return pks


def _all_rows(model):
    manager = model._default_manager
    return manager.unrestricted("schemathesis snapshot") if hasattr(manager, "unrestricted") else manager.all()


def test_every_operation_answers_as_documented_for_every_circle(cast, planted):
    with in_the_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        for persona in PERSONAS:
            user = getattr(cast, persona) if persona else None
            headers = headers_of(user)
            before = not_writable_by(user)
            assert before["registry.Engagement"], "nothing planted that the persona may not write"
            for operation in operations:
                exercise(operation, headers)
                for path_parameters in planted_path_parameters(operation, planted):
                    exercise(operation, headers, path_parameters)
            assert not_writable_by(user) == before, f"{persona or 'anonymous'} changed what it may not write"
