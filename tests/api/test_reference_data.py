"""Countries, routes, themes, instruments and organisations: open to anyone."""

import pytest

from partnerhub.geo.models import Country, Route
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db


def all_items(api, path, params=None) -> list[dict]:
    response = api.get(path, {"page_size": 200, **(params or {})})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"]), "everything fits on one page"
    return body["items"]


def iso3s(items) -> set[str]:
    return {item["iso3"] for item in items}


def test_countries_filter_by_membership_and_priority(anonymous_api):
    members = all_items(anonymous_api, "/countries", {"eu_member": "true"})

    assert iso3s(members) == set(Country.objects.member_states().values_list("iso3", flat=True))
    assert len(members) == 27 and "FRA" in iso3s(members) and "MAR" not in iso3s(members)
    assert anonymous_api.get("/countries", {"eu_member": "false"}).json()["count"] == (
        Country.objects.partners().count()
    )
    priority = all_items(anonymous_api, "/countries", {"priority_partner": "true"})
    assert iso3s(priority) == set(Country.objects.filter(is_priority_partner=True).values_list("iso3", flat=True))


def test_countries_filter_by_route_and_region(anonymous_api):
    central = all_items(anonymous_api, "/countries", {"route": "CMED"})
    on_route = Route.objects.get(code="CMED").countries.values_list("iso3", flat=True)
    assert iso3s(central) == set(on_route)
    assert "TUN" in iso3s(central) and "CMED" in central[0]["routes"]

    morocco = Country.objects.get(iso3="MAR")
    in_region = all_items(anonymous_api, "/countries", {"region": morocco.region.code})
    assert "MAR" in iso3s(in_region)
    assert {item["region"]["code"] for item in in_region} == {morocco.region.code}


def test_unknown_route_code_answers_422_naming_it(anonymous_api):
    response = anonymous_api.get("/countries", {"route": "ATLANTIS"})

    assert response.status_code == 422
    assert error_locations(response) == [["query", "route"]]
    assert "ATLANTIS" in response.json()["detail"][0]["msg"]


def test_one_country_by_its_code_in_any_case(anonymous_api):
    response = anonymous_api.get("/countries/mar")

    assert response.status_code == 200
    assert response.json()["iso3"] == "MAR" and response.json()["is_eu_member"] is False
    assert anonymous_api.get("/countries/ZZZ").status_code == 404


def test_routes_list_their_countries(anonymous_api):
    routes = {route["code"]: route for route in anonymous_api.get("/routes").json()}

    assert "TUN" in routes["CMED"]["countries"]
    assert set(routes) == set(Route.objects.values_list("code", flat=True))


def test_themes_carry_their_place_in_the_tree(anonymous_api):
    themes = {theme["code"]: theme for theme in anonymous_api.get("/themes").json()}

    assert themes["LEGAL"]["parent"] is None
    assert "LEGAL-LABOUR" in themes["LEGAL"]["children"]
    assert themes["LEGAL-LABOUR"]["parent"] == "LEGAL"
    assert themes["LEGAL-LABOUR"]["interest"] == "partner"
    assert anonymous_api.get("/themes/DEV-REMIT").json()["parent"] == "DEV"
    assert anonymous_api.get("/themes/NOPE").status_code == 404


def test_instruments_list_and_detail(anonymous_api):
    codes = [instrument["code"] for instrument in anonymous_api.get("/instruments").json()]

    assert "NDICI-GE" in codes and "EUTF-AFRICA" in codes
    detail = anonymous_api.get("/instruments/EUTF-AFRICA").json()
    assert detail["name"].startswith("EU Emergency Trust Fund")
    assert anonymous_api.get("/instruments/NOPE").status_code == 404


def test_organisations_filter_by_kind_country_and_text(cast, anonymous_api):
    def names(params):
        return {item["name"] for item in all_items(anonymous_api, "/organisations", params)}

    assert names({"kind": "partner_authority"}) == {cast.moroccan_interior.name, cast.tunisian_interior.name}
    assert names({"country": "deu"}) == {cast.german_interior.name, cast.giz.name}
    assert names({"q": "giz"}) == {cast.giz.name}
    assert names({"q": "47066"}) == {cast.iom.name}
    assert names({"kind": ["ms_ministry", "ms_embassy"], "country": "FRA"}) == {
        cast.french_foreign_affairs.name,
        cast.french_embassy_morocco.name,
    }


def test_one_organisation(cast, anonymous_api):
    body = anonymous_api.get(f"/organisations/{cast.giz.pk}").json()

    assert body["acronym"] == "GIZ" and body["country"] == "DEU" and body["kind"] == "ms_agency"
    assert anonymous_api.get("/organisations/987654").status_code == 404


def test_country_list_takes_a_fixed_number_of_queries(anonymous_api, django_assert_num_queries):
    # count, page, routes of the page's countries
    with django_assert_num_queries(3):
        anonymous_api.get("/countries", {"page_size": 200})


def test_organisation_list_takes_a_fixed_number_of_queries(cast, anonymous_api, django_assert_num_queries):
    with django_assert_num_queries(2):
        anonymous_api.get("/organisations")


def test_theme_list_takes_a_fixed_number_of_queries(anonymous_api, django_assert_num_queries):
    with django_assert_num_queries(2):
        anonymous_api.get("/themes")
