"""The API filters engagements exactly as the list page does."""

from datetime import date

import pytest
from django.http import QueryDict

from partnerhub.registry.filters import EngagementFilter
from partnerhub.registry.models import Engagement, Instrument
from tests.support.clients import error_locations, ids_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(cast):
    """A spread of countries, themes, years, levels and words."""
    commission, german = (
        (cast.commission, cast.commission_desk_officer),
        (cast.german_interior, cast.german_ministry_editor),
    )
    cast.engagement(
        *commission,
        title="Reintegration Morocco",
        countries=("MAR",),
        themes=("RETURN-REINTEGRATION",),
        sharing_level="public",
    )
    cast.engagement(
        *commission,
        title="Talent partnership Tunisia",
        countries=("TUN",),
        themes=("LEGAL-LABOUR",),
        planned_start=date(2019, 1, 1),
        planned_end=date(2020, 6, 30),
    )
    cast.engagement(
        *german,
        title="Border dialogue Morocco and Tunisia",
        countries=("MAR", "TUN"),
        themes=("LEGAL-VISA", "RETURN-REINTEGRATION"),
        kind="dialogue",
        sharing_level="restricted",
        shared_with_countries=["FRA"],
    )
    cast.engagement(
        *german,
        title="Student mobility Senegal",
        countries=("SEN",),
        themes=("LEGAL-STUDY",),
        planned_start=date(2027, 1, 1),
        planned_end=date(2029, 1, 1),
        sharing_level="originator",
        description="Scholarships for reintegration of graduates",
    )
    cast.engagement(
        *commission,
        title="Remittances Morocco",
        countries=("MAR",),
        themes=("DEV-REMIT",),
        sharing_level="partner",
        status="pipeline",
        instrument=Instrument.objects.get(code="NDICI-GE"),
    )


FILTERS = [
    {},
    {"country": "MAR"},
    {"country": ["MAR", "SEN"]},
    {"theme": "LEGAL"},
    {"theme": ["LEGAL-STUDY", "DEV"]},
    {"theme": "RETURN-REINTEGRATION", "country": "TUN"},
    {"year_from": 2021},
    {"year_to": 2020},
    {"year_from": 2026, "year_to": 2030},
    {"q": "reintegration"},
    {"q": "  MOROCCO "},
    {"sharing_level": "restricted"},
    {"sharing_level": ["public", "partner"]},
    {"kind": "dialogue"},
    {"status": ["pipeline"]},
    {"provenance": "manual", "ordering": "title"},
    {"instrument": "NDICI-GE"},
]


def page_ids(user, params: dict) -> set[int]:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, [str(item) for item in (value if isinstance(value, list) else [value])])
    engagement_filter = EngagementFilter(query, queryset=Engagement.objects.visible_to(user))
    assert engagement_filter.is_valid(), engagement_filter.errors
    return set(engagement_filter.qs.values_list("pk", flat=True))


@pytest.mark.parametrize("params", FILTERS, ids=[str(params) for params in FILTERS])
def test_api_filters_give_the_ids_the_list_page_gives(cast, registry, token_api, params):
    for user in (
        cast.german_ministry_editor,
        cast.french_embassy_viewer,
        cast.moroccan_ministry_user,
        cast.commission_desk_officer,
    ):
        api_ids = ids_of(token_api(user).get("/engagements", {**params, "page_size": 200}))
        assert api_ids == page_ids(user, params), (user.username, params)


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_theme_filter_includes_sub_themes(cast, registry, token_api):
    api = token_api(cast.german_ministry_editor)
    assert titles(api.get("/engagements", {"theme": "LEGAL"})) == {
        "Talent partnership Tunisia",
        "Border dialogue Morocco and Tunisia",
        "Student mobility Senegal",
    }


def test_instrument_filter(cast, registry, token_api):
    api = token_api(cast.moroccan_ministry_user)
    assert titles(api.get("/engagements", {"instrument": "NDICI-GE"})) == {"Remittances Morocco"}


def test_year_filter_keeps_engagements_active_in_the_years(cast, registry, token_api):
    api = token_api(cast.german_ministry_editor)
    assert titles(api.get("/engagements", {"year_from": 2019, "year_to": 2020})) == {"Talent partnership Tunisia"}


def test_ordering_by_title(cast, registry, token_api):
    items = token_api(cast.german_ministry_editor).get("/engagements", {"ordering": "title"}).json()["items"]
    assert [item["title"] for item in items] == sorted(item["title"] for item in items)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "XXX"}, "country"),
        ({"country": "FRA"}, "country"),  # a Member State is not a partner country
        ({"theme": "NO-SUCH-THEME"}, "theme"),
        ({"instrument": "NOPE"}, "instrument"),
        ({"organisation": 987654}, "organisation"),
        ({"kind": "picnic"}, "kind"),
        ({"sharing_level": "secret"}, "sharing_level"),
        ({"year_from": "soon"}, "year_from"),
        ({"year_from": 3000}, "year_from"),
        ({"year_from": 2024, "year_to": 2020}, "year_to"),
        ({"year_to": 10**40}, "year_to"),
        ({"ordering": "owner"}, "ordering"),
        ({"q": "nul\x00byte"}, "q"),
        ({"organisation": 10**30}, "organisation"),
    ],
)
def test_invalid_filter_answers_422_naming_the_field(anonymous_api, params, field):
    response = anonymous_api.get("/engagements", params)

    assert response.status_code == 422, response.content
    assert any(location[:2] == ["query", field] for location in error_locations(response)), response.json()


def test_a_partner_country_without_engagements_gives_an_empty_list_and_an_unknown_code_422(anonymous_api, registry):
    empty = anonymous_api.get("/engagements", {"country": "ATA"})
    unknown = anonymous_api.get("/engagements", {"country": "ZZZ"})

    assert empty.status_code == 200 and empty.json()["items"] == []
    assert unknown.status_code == 422
    assert any(location[:2] == ["query", "country"] for location in error_locations(unknown))
