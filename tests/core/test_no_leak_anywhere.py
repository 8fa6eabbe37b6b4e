"""Walks every URL pattern and every API operation as each kind of user.

Two records are planted where most personas may not see them. No response —
page, partial, export, API answer, error page — may mention them, hidden ids
answer 404, and nothing ends in a 500.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from partnerhub.api import api
from partnerhub.registry.models import Engagement

pytestmark = pytest.mark.django_db

SECRET_ORIGINATOR = "SECRET-ORIGINATOR-7f3a"
SECRET_RESTRICTED = "SECRET-RESTRICTED-19bd"
MISSING_ID = 987654
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
SKIPPED_PREFIXES = ("admin/",)  # the admin is for superusers; it has tests of its own


def route_templates(patterns=None, prefix=""):
    """Every path() route of the site as a template string, e.g. 'engagements/<int:pk>/'."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:
            continue  # regex patterns (the API's own, the static handler) are walked elsewhere
        if isinstance(entry, URLResolver):
            yield from route_templates(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def concrete_urls(template: str, record_ids: list[int]) -> list[str]:
    names = [m.group("name") for m in PARAMETER.finditer(template)]
    if not names:
        return ["/" + template]
    if "pk" in names or "id" in names:
        values = [str(i) for i in record_ids]
    elif "file_format" in names:
        values = ["csv", "xlsx", "pdf"]
    else:
        values = ["MAR", "x"]
    return ["/" + PARAMETER.sub(value, template) for value in values]


def api_operations(record_ids):
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            if "{" not in path:
                yield method, path
                continue
            for record_id in record_ids:
                yield method, re.sub(r"\{[^}]*id\}", str(record_id), re.sub(
                    r"\{(iso3|code)\}", "MAR", path))


@pytest.fixture
def planted(cast):
    originator = cast.engagement(cast.german_interior, cast.german_ministry_editor,
                                 sharing_level="originator", title=SECRET_ORIGINATOR,
                                 amount="777777")
    restricted = cast.engagement(cast.german_interior, cast.german_ministry_editor,
                                 sharing_level="restricted", title=SECRET_RESTRICTED,
                                 shared_with=[cast.iom], amount="555555")
    public = cast.engagement(cast.commission, cast.commission_desk_officer,
                             sharing_level="public", title="An open programme")
    return originator, restricted, public


def outsiders(cast):
    """Everyone who may see neither planted record, anonymous visitors included."""
    return {
        "anonymous": None,
        "french ministry editor": cast.french_ministry_editor,
        "moroccan ministry user": cast.moroccan_ministry_user,
        "giz viewer (same Member State, other organisation)": cast.giz_viewer,
        "commission desk officer": cast.commission_desk_officer,
        "superuser": cast.superuser,
        "user without membership": cast.outsider,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def assert_no_leak(response, where):
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    body = body_of(response)
    for secret in (SECRET_ORIGINATOR, SECRET_RESTRICTED, "777777", "555555", "777 777", "555 555"):
        assert secret not in body, f"{where} reveals {secret}"


def test_every_page_as_every_outsider_leaks_nothing_and_never_fails(cast, planted):
    originator, restricted, public = planted
    ids = [originator.pk, restricted.pk, public.pk, MISSING_ID]
    templates = [t for t in route_templates() if not t.startswith(SKIPPED_PREFIXES)]
    assert any("engagements" in t for t in templates), templates
    for persona, user in outsiders(cast).items():
        client = client_for(user)
        for template in templates:
            for url in concrete_urls(template, ids):
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    assert_no_leak(response, f"{method.upper()} {url} as {persona}")
                    if str(originator.pk) in url or str(restricted.pk) in url:
                        assert response.status_code in (302, 404, 405), (
                            f"{method.upper()} {url} as {persona}: {response.status_code}")
    assert Engagement.objects.filter(title__in=[SECRET_ORIGINATOR, SECRET_RESTRICTED]).count() == 2


def test_every_api_operation_as_every_outsider_leaks_nothing_and_never_fails(cast, planted):
    originator, restricted, public = planted
    hidden = {str(originator.pk), str(restricted.pk)}
    for persona, user in outsiders(cast).items():
        client = client_for(user)
        for method, path in api_operations([originator.pk, restricted.pk, public.pk, MISSING_ID]):
            url = "/api" + path
            response = client.generic(method.upper(), url, data="{}", content_type="application/json")
            assert_no_leak(response, f"{method.upper()} {url} as {persona}")
            if any(f"/{pk}" in path for pk in hidden) and response.status_code not in (401, 403):
                assert response.status_code == 404, f"{method.upper()} {url} as {persona}"
    assert Engagement.objects.filter(title__in=[SECRET_ORIGINATOR, SECRET_RESTRICTED]).count() == 2


def test_the_owner_and_the_named_organisation_do_see_them(cast, planted):
    originator, restricted, _public = planted
    owner = client_for(cast.german_ministry_editor)
    assert owner.get(f"/engagements/{originator.pk}/").status_code == 200
    assert SECRET_RESTRICTED in body_of(client_for(cast.iom_officer).get("/engagements/"))
    assert client_for(cast.iom_officer).get(f"/engagements/{originator.pk}/").status_code == 404
