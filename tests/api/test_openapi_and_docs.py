"""The API documents itself: the OpenAPI schema and the interactive docs,
served from the package's own files, never from another host."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/search"),
    ("get", "/api/talent/matches"),
    ("post", "/api/talent/overrides"),
    ("get", "/api/talent/overrides/{override_id}"),
    ("post", "/api/talent/overrides/{override_id}/withdraw"),
    ("get", "/api/plans"),
    ("get", "/api/plans/{plan_id}"),
    ("get", "/api/plans/{plan_id}/actions"),
    ("get", "/api/actions/{action_id}"),
    ("patch", "/api/actions/{action_id}"),
    ("get", "/api/actions/{action_id}/indicators"),
    ("post", "/api/actions/{action_id}/indicators"),
    ("get", "/api/indicators/{indicator_id}"),
    ("patch", "/api/indicators/{indicator_id}"),
    ("get", "/api/fiches/{fiche_id}"),
    ("put", "/api/actions/{action_id}/fiche"),
    ("get", "/api/plans/{plan_id}/reviews"),
    ("post", "/api/plans/{plan_id}/reviews"),
    ("get", "/api/reviews/{review_id}"),
    ("post", "/api/reviews/{review_id}/close"),
    ("post", "/api/plans/{plan_id}/next-version"),
    ("delete", "/api/plans/{plan_id}"),
    ("delete", "/api/actions/{action_id}"),
    ("delete", "/api/indicators/{indicator_id}"),
    ("delete", "/api/fiches/{fiche_id}"),
    ("get", "/api/countries"),
    ("get", "/api/countries/{iso3}"),
    ("get", "/api/routes"),
    ("get", "/api/themes"),
    ("get", "/api/themes/{code}"),
    ("get", "/api/instruments"),
    ("get", "/api/instruments/{code}"),
    ("get", "/api/organisations"),
    ("get", "/api/organisations/{organisation_id}"),
    ("get", "/api/engagements"),
    ("post", "/api/engagements"),
    ("get", "/api/engagements/{engagement_id}"),
    ("put", "/api/engagements/{engagement_id}"),
    ("patch", "/api/engagements/{engagement_id}"),
    ("delete", "/api/engagements/{engagement_id}"),
    ("get", "/api/countries/{iso3}/profile"),
    ("get", "/api/countries/{iso3}/priorities"),
    ("post", "/api/countries/{iso3}/priorities"),
    ("put", "/api/priorities/{priority_id}"),
    ("delete", "/api/priorities/{priority_id}"),
    ("get", "/api/overlaps"),
    ("get", "/api/overlaps/{pair_id}"),
    ("post", "/api/overlaps/{pair_id}/decision"),
    ("get", "/api/agenda/meetings"),
    ("post", "/api/agenda/meetings"),
    ("get", "/api/agenda/meetings/{meeting_id}"),
    ("patch", "/api/agenda/meetings/{meeting_id}"),
    ("post", "/api/agenda/meetings/{meeting_id}/cancel"),
    ("post", "/api/agenda/meetings/{meeting_id}/reinstate"),
    ("get", "/api/agenda/lines"),
    ("post", "/api/agenda/lines"),
    ("get", "/api/agenda/lines/{line_id}"),
    ("patch", "/api/agenda/lines/{line_id}"),
    ("post", "/api/agenda/lines/{line_id}/agree"),
    ("get", "/api/facts/indicators"),
    ("get", "/api/facts/observations"),
    ("post", "/api/facts/observations"),
    ("get", "/api/facts/observations/{observation_id}"),
    ("get", "/api/facts/disagreements"),
    ("post", "/api/facts/observations/{observation_id}/propose"),
    ("post", "/api/facts/observations/{observation_id}/endorse"),
    ("post", "/api/facts/observations/{observation_id}/dispute"),
    ("post", "/api/facts/observations/{observation_id}/agree"),
    ("get", "/api/notifications"),
    ("get", "/api/follows"),
    ("put", "/api/follows"),
    ("get", "/api/talent/occupations"),
    ("get", "/api/talent/needs"),
    ("post", "/api/talent/needs"),
    ("get", "/api/talent/needs/{need_id}"),
    ("patch", "/api/talent/needs/{need_id}"),
    ("delete", "/api/talent/needs/{need_id}"),
    ("get", "/api/talent/supply"),
    ("post", "/api/talent/supply"),
    ("get", "/api/talent/supply/{supply_id}"),
    ("patch", "/api/talent/supply/{supply_id}"),
    ("delete", "/api/talent/supply/{supply_id}"),
    ("get", "/api/talent/partnerships"),
    ("post", "/api/talent/partnerships"),
    ("get", "/api/talent/partnerships/{partnership_id}"),
    ("patch", "/api/talent/partnerships/{partnership_id}"),
    ("delete", "/api/talent/partnerships/{partnership_id}"),
    ("get", "/api/talent/partnerships/{partnership_id}/schemes"),
    ("post", "/api/talent/partnerships/{partnership_id}/schemes"),
    ("get", "/api/talent/schemes/{scheme_id}"),
    ("patch", "/api/talent/schemes/{scheme_id}"),
    ("delete", "/api/talent/schemes/{scheme_id}"),
    ("get", "/api/talent/schemes/{scheme_id}/pipeline"),
    ("post", "/api/talent/schemes/{scheme_id}/pipeline"),
    ("get", "/api/talent/pipeline/{figure_id}"),
    ("patch", "/api/talent/pipeline/{figure_id}"),
    ("delete", "/api/talent/pipeline/{figure_id}"),
    # crises and directory
    ("get", "/api/crises"),
    ("post", "/api/crises"),
    ("get", "/api/crises/{crisis_id}"),
    ("patch", "/api/crises/{crisis_id}"),
    ("post", "/api/crises/{crisis_id}/close"),
    ("post", "/api/crises/{crisis_id}/reopen"),
    ("get", "/api/directory"),
    ("post", "/api/directory"),
    ("get", "/api/directory/{entry_id}"),
    ("patch", "/api/directory/{entry_id}"),
    ("delete", "/api/directory/{entry_id}"),
    ("post", "/api/directory/{entry_id}/confirm"),
    # lessons
    ("get", "/api/knowledge/lessons"),
    ("post", "/api/knowledge/lessons"),
    ("get", "/api/knowledge/lessons/{lesson_id}"),
    ("patch", "/api/knowledge/lessons/{lesson_id}"),
    ("delete", "/api/knowledge/lessons/{lesson_id}"),
    ("get", "/api/knowledge/lessons/{lesson_id}/outcomes"),
    ("post", "/api/knowledge/lessons/{lesson_id}/outcomes"),
    ("get", "/api/knowledge/outcomes/{outcome_id}"),
    ("patch", "/api/knowledge/outcomes/{outcome_id}"),
    ("delete", "/api/knowledge/outcomes/{outcome_id}"),
    ("get", "/api/knowledge/lessons/{lesson_id}/attachments"),
    ("post", "/api/knowledge/lessons/{lesson_id}/attachments"),
    ("get", "/api/knowledge/attachments/{attachment_id}"),
    ("get", "/api/knowledge/attachments/{attachment_id}/download"),
    ("delete", "/api/knowledge/attachments/{attachment_id}"),
    ("get", "/api/iati/sources"),
}


@pytest.fixture
def schema():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_schema_lists_every_operation(schema):
    listed = {(method, path) for path, methods in schema["paths"].items() for method in methods}
    assert listed == OPERATIONS


def test_every_operation_has_a_summary_and_a_tag(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary") and operation.get("tags"), (method, path)


def test_every_schema_reference_resolves(schema):
    references = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schema)))
    assert references <= set(schema["components"]["schemas"])


def test_writes_document_their_bodies_and_errors(schema):
    engagement = schema["paths"]["/api/engagements/{engagement_id}"]
    for method in ("put", "patch"):
        body = engagement[method]["requestBody"]["content"]["application/json"]["schema"]
        assert "countries" in json.dumps(body), method
        assert {"200", "401", "403", "404", "422"} <= set(engagement[method]["responses"])
    assert "required" not in engagement["patch"]["requestBody"]["content"]["application/json"]["schema"], (
        "a patch may leave out any field"
    )
    post = schema["paths"]["/api/engagements"]["post"]
    assert "201" in post["responses"] and "requestBody" in post


def test_list_documents_the_page_filters(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/engagements"]["get"]["parameters"]}
    assert parameters >= {
        "q",
        "country",
        "theme",
        "organisation",
        "instrument",
        "kind",
        "status",
        "sharing_level",
        "provenance",
        "year_from",
        "year_to",
        "ordering",
        "page",
        "page_size",
    }


def test_bearer_token_and_session_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assert schemes["BrowserSessionAuth"]["in"] == "cookie"


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_docs_page_loads_only_local_assets():
    response = Client().get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    collector = AssetCollector()
    collector.feed(html)
    assert collector.urls, "the page loads its scripts and styles"
    for url in collector.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a bundled file"
    assert not re.search(r"https?://|//cdn", html.replace("http://www.w3.org", ""))
    assert '"validatorUrl": null' in html, "the validator badge would call swagger.io"
