"""Guessed and hostile identifiers in every URL parameter, page and API, as each kind of user.

The no-leak walk (``test_no_leak_anywhere``) fills each parameter with real values; here one
parameter at a time gets what an attacker or a broken link sends instead — the id of a hidden
record, 0, -1, 2**63, a very long string, a NUL byte, unicode, path traversal — while the others
keep a real value. Every answer is a refusal (404, 400, or the login page and 405 where the route
asks for those first): never a 500, never a planted secret.
"""

import os
from urllib.parse import quote

import pytest

from partnerhub.api import api
from tests.core.test_no_leak_anywhere import (
    API_PARAMETER,
    PARAMETER,
    SKIPPED_PREFIXES,
    Walker,
    api_values,
    assert_no_leak,
    assert_nothing_planted_changed,
    outsiders,
    planted,  # noqa: F401 - the planted world is this module's fixture too
    route_templates,
    route_values,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HOSTILE = (
    "0",
    "-1",
    str(2**63),
    str(2**64 + 7),
    "9" * 40,
    "x" * 3000,
    "%00",
    "1%00",
    "a%00b",
    quote("é漢字🙂"),
    quote("İ"),
    "..%2F..%2Fetc%2Fpasswd",
    "%2E%2E",
    "..",
    quote("' OR 1=1 --"),
    quote("<script>alert(1)</script>"),
    "%FF%FE",
)
# A NUL byte is refused as such (core.security.NulRefusingMiddleware).
# What refusing looks like: not found, a bad request, the login page (or the API's 401: its routes are
# walked as pages too), a method the route does not take.
REFUSALS = {301, 302, 400, 401, 404, 405, 422}
API_REFUSALS = {400, 401, 404, 405, 422}
PERSONAS = ("anonymous", "french ministry editor", "moroccan ministry user", "superuser")
# In the suite each address is asked by one persona in turn (every persona meets every kind of
# hostile value); PARTNERHUB_HOSTILE_WALK=full asks every address as every persona (docs/security.md).
FULL_WALK = os.environ.get("PARTNERHUB_HOSTILE_WALK") == "full"


def asked_by(index: int) -> tuple[str, ...]:
    return PERSONAS if FULL_WALK else (PERSONAS[index % len(PERSONAS)],)


def hostile_variants(template: str, pattern, values_of) -> list[tuple[str, bool]]:
    """The URLs of ``template`` where one parameter is hostile or a hidden record's id, the others
    real; each with whether it must be refused: a parameter naming records names none with these,
    while a reference code may be real (occupation "0" is ISCO's armed forces)."""
    names = [match.group("name") for match in pattern.finditer(template)]
    real = {name: values_of(name)[0][0] for name in names}
    urls = []
    for name in names:
        hidden = [value for value, is_hidden in values_of(name) if is_hidden]
        for value in (*hidden, *HOSTILE):
            path = filled(pattern, template, [value if each == name else real[each] for each in names])
            refused = bool(hidden) or "%00" in value
            urls.append((path if path.startswith("/") else "/" + path, refused))
    return urls


def filled(pattern, template: str, values: list[str]) -> str:
    remaining = iter(values)
    return pattern.sub(lambda _match: next(remaining), template)


def page_urls(world) -> list[tuple[str, bool]]:
    templates = [t for t in route_templates() if not t.startswith(SKIPPED_PREFIXES) and PARAMETER.search(t)]
    return [
        url
        for template in templates
        for url in hostile_variants(template, PARAMETER, lambda name, t=template: route_values(t, name, world))
    ]


def api_urls(world) -> list[tuple[str, str, bool]]:
    schema = api.get_openapi_schema()
    return [
        (method, url, refused)
        for path, methods in schema["paths"].items()
        if API_PARAMETER.search(path)
        for url, refused in hostile_variants(path, API_PARAMETER, lambda name, p=path: api_values(p, name, world))
        for method in methods
    ]


def test_every_parameter_of_every_page_refuses_hostile_values(cast, planted):  # noqa: F811
    urls = page_urls(planted)
    assert any("%00" in url for url, _refused in urls) and any(str(2**63) in url for url, _refused in urls)
    walkers = {persona: Walker(outsiders(cast)[persona]) for persona in PERSONAS}
    for index, (url, refused) in enumerate(urls):
        for persona in asked_by(index):
            for method in ("get", "post"):
                where = f"{method.upper()} {url[:200]} as {persona}"
                response = walkers[persona].request(method, url, api_call=False)
                assert_no_leak(response, where)
                if refused:
                    assert response.status_code in REFUSALS, f"{where} answered {response.status_code}"
    assert_nothing_planted_changed(planted)


def test_every_parameter_of_every_api_operation_refuses_hostile_values(cast, planted):  # noqa: F811
    operations = api_urls(planted)
    walkers = {persona: Walker(outsiders(cast)[persona]) for persona in PERSONAS}
    for index, (method, url, refused) in enumerate(operations):
        for persona in asked_by(index):
            where = f"{method.upper()} {url[:200]} as {persona}"
            response = walkers[persona].request(method, url, api_call=True)
            assert_no_leak(response, where)
            if refused:
                assert response.status_code in API_REFUSALS, f"{where} answered {response.status_code}"
    assert_nothing_planted_changed(planted)
