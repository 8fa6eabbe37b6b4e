"""Headers on every answer, no inline script anywhere, and one 404 page for everything hidden."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Route
from partnerhub.registry.models import Theme
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    shared = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        sharing_level=SharingLevel.EU,
        title="Reintegration support in Morocco",
    )
    hidden = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level=SharingLevel.ORIGINATOR,
        title="German originator project",
    )
    return {"shared": shared, "hidden": hidden}


def main_pages(world) -> list[str]:
    shared = world["shared"]
    return [
        reverse("web:dashboard"),
        reverse("registry:engagement_list"),
        reverse("registry:engagement_detail", args=[shared.pk]),
        reverse("registry:engagement_create"),
        reverse("registry:engagement_update", args=[shared.pk]),
        reverse("analysis:country_index"),
        reverse("analysis:balance_table"),
        reverse("analysis:country_profile", args=["MAR"]),
        reverse("analysis:team_europe"),
        reverse("analysis:route_view", args=[Route.objects.order_by("code").first().code]),
        reverse("analysis:pillar_view", args=[Theme.objects.filter(parent__isnull=True).first().code]),
        reverse("overlaps:overlap_list"),
        reverse("analysis:priority_create", args=["MAR"]),
        reverse("iati:import_job_list"),
        reverse("iati:import_job_create"),
        reverse("sheets:upload"),
        reverse("access:account"),
        "/no/such/page/",
    ]


def inline_script_problems(body: str) -> list[str]:
    document = lxml_html.document_fromstring(body)
    problems = [
        f"inline <script>: {(script.text or '').strip()[:60]}"
        for script in document.iter("script")
        if not script.get("src") or (script.text or "").strip()
    ]
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        problems += [f"<{element.tag} {name}=…>" for name in element.attrib if name.lower().startswith("on")]
        problems += [
            f"<{element.tag} href={element.get('href')}>"
            for name in ("href", "action")
            if (element.get(name) or "").strip().lower().startswith("javascript:")
        ]
    return problems


@pytest.mark.parametrize("persona", ["commission_desk_officer", None])
def test_no_page_carries_inline_script_or_event_handler_attributes(cast, world, persona):
    client = client_for(getattr(cast, persona) if persona else None)
    for url in [reverse("login"), *main_pages(world)]:
        response = client.get(url, follow=True)
        if "text/html" not in response["Content-Type"]:
            continue
        assert inline_script_problems(response.content.decode()) == [], url


def test_inline_script_detector_finds_what_it_must():
    body = (
        '<html><body><script>alert(1)</script><select onchange="this.form.submit()"></select>'
        '<script src="/static/a.js"></script><a href="javascript:void(0)">x</a></body></html>'
    )
    assert len(inline_script_problems(body)) == 3


def test_every_page_forbids_inline_script_by_policy(cast, world):
    response = client_for(cast.commission_desk_officer).get(reverse("web:dashboard"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["default-src"]


@pytest.mark.parametrize("persona", ["commission_desk_officer", None])
def test_pages_exports_and_api_answers_are_never_stored(cast, world, persona):
    client = client_for(getattr(cast, persona) if persona else None)
    urls = [
        reverse("web:dashboard"),
        reverse("registry:engagement_list"),
        reverse("registry:engagement_detail", args=[world["shared"].pk]),
        reverse("registry:engagement_export", args=["csv"]),
        reverse("iati:export"),
        reverse("analysis:country_profile", args=["MAR"]),
        "/api/engagements",
        "/api/docs",
        reverse("login"),
    ]
    for url in urls:
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url
        assert "Content-Security-Policy" in response, url


def test_api_documentation_loads_swagger_only_from_our_own_static_files(cast):
    response = client_for(None).get("/api/docs")
    document = lxml_html.document_fromstring(response.content.decode())
    sources = [script.get("src") for script in document.iter("script") if script.get("type") != "application/json"]
    assert sources and all(source.startswith("/static/ninja/") for source in sources)
    assert all(not (script.text or "").strip() for script in document.iter("script") if script.get("src"))


@pytest.mark.parametrize(
    "url_of",
    [
        pytest.param(lambda world: reverse("registry:engagement_detail", args=[world["hidden"].pk]), id="hidden"),
        pytest.param(lambda world: reverse("registry:engagement_detail", args=[999_999]), id="missing"),
        pytest.param(lambda world: "/no/such/page/", id="unknown address"),
    ],
)
def test_hidden_records_answer_the_hubs_own_404_page_even_with_debug_on(cast, world, settings, url_of):
    settings.DEBUG = True
    response = client_for(cast.french_embassy_viewer).get(url_of(world))

    body = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing at this address that you may see" in body
    for technical in ("URLconf", "matches the given query", "Using the URLconf", "engagements/&lt;int:pk&gt;"):
        assert technical not in body
    assert "German originator project" not in body
