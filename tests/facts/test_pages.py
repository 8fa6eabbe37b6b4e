"""The key-facts pages: the indicators, an indicator compared across countries, the bilateral views
and the exports, as the personas see them — a figure a reader may not see is neither shown nor counted."""

import csv
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from partnerhub.core.sharing import SharingLevel
from partnerhub.facts.loading import load_reading
from partnerhub.facts.sources.base import SourceInfo
from partnerhub.geo.models import Country, Route
from tests.facts.factories import KNOMAD, REFUGEES, REMITTANCES, WDI, reading, row
from tests.support.clients import client_for

pytestmark = [pytest.mark.django_db]

UNHCR = SourceInfo(
    publisher="UNHCR", dataset="Refugee Data Finder", release_date=date(2025, 6, 12), update_every_days=365
)


def load(*rows, source=WDI, indicators=(REMITTANCES,), **options):
    load_reading(reading(*rows, source=source, indicators=indicators), loaded_by=None, **options)


def refugees(origin: str, destination: str, value: str, period: str = "2023"):
    return row(origin, period, value, indicator=REFUGEES.code, unit="persons", destination=destination)


def hidden_to_all_but_bmi(cast) -> dict:
    """The German ministry's own figures, for its people only."""
    return {"owner": cast.german_interior, "sharing_level": SharingLevel.ORIGINATOR}


def page(client, path: str, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:500]
    return response


# -- the list of indicators ---------------------------------------------------


def test_the_list_counts_only_the_countries_whose_figures_the_reader_may_see(cast, client):
    load(row("MA", "2022", "1000"), row("TN", "2022", "500"))
    load(row("DZ", "2022", "700"), **hidden_to_all_but_bmi(cast))

    visitor = page(client, "/facts/")
    german = page(client_for(cast.german_ministry_editor), "/facts/")

    assert [i.countries for i in visitor.context["indicators"] if i.code == REMITTANCES.code] == [2]
    assert [i.countries for i in german.context["indicators"] if i.code == REMITTANCES.code] == [3]
    assert "World Development Indicators" in visitor.content.decode()


def test_the_list_of_indicators_exports_with_its_source_vintage_and_counts(cast, client):
    load(row("MA", "2022", "1000"))
    response = client.get("/facts/export.csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code,name,unit,pair,source_publisher")
    assert any(
        line.startswith(f"{REMITTANCES.code},") and ",2025-07-01," in line and line.split(",")[-2] == "1"
        for line in lines
    ), lines


# -- one indicator compared across countries -------------------------------


def test_the_indicator_page_shows_each_countrys_latest_figure_by_default(cast, client):
    load(row("MA", "2021", "900"), row("MA", "2022", "1000"), row("TN", "2020", "500"))

    rows = page(client, f"/facts/{REMITTANCES.code}/").context["rows"]

    assert [(figure.country.iso3, figure.period) for figure in rows] == [("MAR", "2022"), ("TUN", "2020")]


def test_a_period_filter_shows_that_period_only(cast, client):
    load(row("MA", "2021", "900"), row("MA", "2022", "1000"), row("TN", "2020", "500"))

    rows = page(client, f"/facts/{REMITTANCES.code}/", period="2021").context["rows"]

    assert [(figure.country.iso3, figure.value) for figure in rows] == [("MAR", 900)]


def test_a_hidden_figure_is_neither_listed_nor_charted_nor_mapped(cast, client):
    load(row("MA", "2022", "1000"))
    load(row("DZ", "2022", "31337"), **hidden_to_all_but_bmi(cast))

    visitor = page(client_for(cast.french_embassy_viewer), f"/facts/{REMITTANCES.code}/")
    german = page(client_for(cast.german_ministry_editor), f"/facts/{REMITTANCES.code}/")

    assert [figure.country.iso3 for figure in visitor.context["rows"]] == ["MAR"]
    assert [bar.label for bar in visitor.context["chart"].bars] == ["Morocco"]
    assert set(visitor.context["map"].values) == {"MAR"}
    html = visitor.content.decode()
    assert "31,337" not in html and "Algeria: €" not in html and "DZA</span>" not in html
    assert set(german.context["map"].values) == {"MAR", "DZA"}


def test_figures_of_two_sources_that_disagree_are_flagged(cast, client):
    load(row("MA", "2022", "1000"), row("TN", "2022", "500"))
    load(row("MA", "2022", "2000"), row("TN", "2022", "501"), source=KNOMAD)

    response = page(client, f"/facts/{REMITTANCES.code}/")

    flagged = {
        (figure.country.iso3, figure.source.dataset)
        for figure in response.context["rows"]
        if figure.pk in response.context["flagged"]
    }
    assert flagged == {("MAR", "World Development Indicators"), ("MAR", "Remittance inflows")}
    assert response.content.decode().count("Sources disagree") == 2


def test_the_chart_counts_one_figure_per_country_the_default_source_first(cast, client):
    load(row("MA", "2022", "1000"))
    load(row("MA", "2022", "2000"), source=KNOMAD)

    bars = page(client, f"/facts/{REMITTANCES.code}/").context["chart"].bars

    assert [(bar.label, bar.value) for bar in bars] == [("Morocco", 1000)]


def test_the_route_and_region_filters_keep_their_countries(cast, client):
    route = Route.objects.filter(countries__iso3="MAR").first()
    elsewhere = Country.objects.partners().exclude(routes=route).exclude(region=None).first()
    load(row("MA", "2022", "1000"), row(elsewhere.iso2, "2022", "500"))

    on_route = page(client, f"/facts/{REMITTANCES.code}/", route=route.code).context["rows"]
    in_region = page(client, f"/facts/{REMITTANCES.code}/", region=elsewhere.region.code).context["rows"]

    assert [figure.country.iso3 for figure in on_route] == ["MAR"]
    assert elsewhere.iso3 in [figure.country.iso3 for figure in in_region]


@pytest.mark.parametrize(
    ("params", "named"),
    [({"period": "2022-13"}, "Period"), ({"route": "NOWHERE"}, "Migration route"), ({"region": "ATLANTIS"}, "Region")],
)
def test_a_bad_filter_shows_no_figure_and_a_message_naming_it(cast, client, params, named):
    load(row("MA", "2022", "1000"))

    response = page(client, f"/facts/{REMITTANCES.code}/", **params)

    assert response.context["rows"] == []
    assert f"{named}:" in response.content.decode()


def test_an_unknown_indicator_is_404(cast, client):
    assert client.get("/facts/no-such-indicator/").status_code == 404
    assert client.get("/facts/no-such-indicator/export.csv").status_code == 404


def test_the_indicator_page_takes_a_fixed_number_of_queries(cast, client, django_assert_max_num_queries):
    countries = Country.objects.partners().order_by("iso2")[:60]
    load(*(row(country.iso2, "2022", str(100 + index)) for index, country in enumerate(countries)))
    load(*(row(country.iso2, "2022", str(300 + index)) for index, country in enumerate(countries[:20])), source=KNOMAD)

    with django_assert_max_num_queries(10):
        response = client.get(f"/facts/{REMITTANCES.code}/", {"page": "2"})

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 80


# -- bilateral views ------------------------------------------------------------


def load_refugees(cast):
    load(
        refugees("MA", "FR", "100"),
        refugees("MA", "DE", "50"),
        refugees("MA", "TR", "50"),
        refugees("DZ", "FR", "30"),
        refugees("MA", "FR", "80", period="2022"),
        source=UNHCR,
        indicators=(REFUGEES,),
    )
    load(refugees("MA", "ES", "1000"), source=UNHCR, indicators=(REFUGEES,), **hidden_to_all_but_bmi(cast))


def test_the_origin_view_says_where_a_countrys_refugees_are_and_the_eu_share(cast, client):
    load_refugees(cast)

    response = page(client_for(cast.french_embassy_viewer), f"/facts/{REFUGEES.code}/origin/MAR/")

    assert [figure.destination.iso3 for figure in response.context["rows"]] == ["FRA", "DEU", "TUR"]
    assert response.context["period"] == "2023"
    assert response.context["total"] == 200
    assert (response.context["share"].in_eu, response.context["share"].percent) == (150, 75)
    assert "Spain" not in response.content.decode()


def test_the_eu_share_counts_what_the_reader_may_see_only(cast, client):
    load_refugees(cast)

    response = page(client_for(cast.german_ministry_editor), f"/facts/{REFUGEES.code}/origin/mar/")

    assert response.context["total"] == 1200
    assert response.context["share"].in_eu == 1150


def test_the_origin_view_of_another_period(cast, client):
    load_refugees(cast)

    response = page(client, f"/facts/{REFUGEES.code}/origin/MAR/", period="2022")

    assert [(figure.destination.iso3, figure.value) for figure in response.context["rows"]] == [("FRA", 80)]


def test_the_destination_view_lists_whom_a_country_hosts(cast, client):
    load_refugees(cast)

    response = page(client, f"/facts/{REFUGEES.code}/destination/FRA/")

    assert [figure.country.iso3 for figure in response.context["rows"]] == ["DZA", "MAR"]
    assert response.context["total"] == 130


def test_the_indicator_page_of_pairs_links_both_bilateral_views(cast, client):
    load_refugees(cast)

    html = page(client, f"/facts/{REFUGEES.code}/").content.decode()

    assert f"/facts/{REFUGEES.code}/origin/MAR/" in html
    assert f"/facts/{REFUGEES.code}/destination/FRA/" in html


@pytest.mark.parametrize(
    "path",
    [
        f"/facts/{REFUGEES.code}/origin/XYZ/",
        f"/facts/{REFUGEES.code}/destination/XYZ/",
        f"/facts/{REMITTANCES.code}/origin/MAR/",
        "/facts/no-such-indicator/origin/MAR/",
    ],
)
def test_an_unknown_country_or_a_bilateral_view_of_a_single_country_indicator_is_404(cast, client, path):
    load_refugees(cast)
    load(row("MA", "2022", "1000"))

    assert client.get(path).status_code == 404


# -- exports -------------------------------------------------------------------


def test_the_csv_export_keeps_the_filters_and_leaves_hidden_figures_out(cast, client):
    load(row("MA", "2021", "900"), row("MA", "2022", "1000.5"), row("TN", "2022", "500"))
    load(row("DZ", "2022", "700"), **hidden_to_all_but_bmi(cast))

    response = client.get(f"/facts/{REMITTANCES.code}/export.csv", {"period": "2022"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    assert response["Content-Type"].startswith("text/csv")
    records = list(csv.DictReader(lines))
    assert [(r["country_iso3"], r["country"], r["period"]) for r in records] == [
        ("MAR", "Morocco", "2022"),
        ("TUN", "Tunisia", "2022"),
    ]
    assert records[0]["period_start"] == "2022-01-01"
    assert records[0]["value"] == "1000.5"
    assert (records[0]["status"], records[0]["source_dataset"], records[0]["source_release_date"]) == (
        "imported",
        "World Development Indicators",
        "2025-07-01",
    )
    assert "DZA" not in "".join(lines)


def test_the_xlsx_export_holds_the_same_figures(cast, client):
    load(row("MA", "2022", "1000"), row("TN", "2022", "500"))

    response = client.get(f"/facts/{REMITTANCES.code}/export.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0][:4] == ("indicator_code", "indicator", "country_iso3", "country")
    assert [(r[2], r[8], r[10]) for r in rows[1:]] == [("MAR", 1000, "imported"), ("TUN", 500, "imported")]


def test_an_unknown_export_format_is_404(cast, client):
    assert client.get(f"/facts/{REMITTANCES.code}/export.pdf").status_code == 404
    assert client.get("/facts/export.pdf").status_code == 404


def test_the_top_navigation_leads_to_key_facts(cast, client):
    assert 'href="/facts/"' in page(client, "/").content.decode()


def test_charts_and_maps_of_people_carry_no_euro_sign(cast, client):
    load(refugees("MA", "FR", "1250000"), source=UNHCR, indicators=(REFUGEES,))

    indicator_page = page(client, f"/facts/{REFUGEES.code}/").content.decode()
    origin_page = page(client, f"/facts/{REFUGEES.code}/origin/MAR/").content.decode()

    assert "Morocco: 1.2 m" in indicator_page or "Morocco: 1.3 m" in indicator_page
    assert "€" not in indicator_page.split("<main", 1)[1]
    assert "France: 1.2 m" in origin_page or "France: 1.3 m" in origin_page
    assert "€" not in origin_page.split("<main", 1)[1]


def test_the_origin_view_takes_a_fixed_number_of_queries(cast, client, django_assert_max_num_queries):
    destinations = Country.objects.exclude(iso2="MA").order_by("iso2")[:80]
    load(
        *(refugees("MA", country.iso2, str(10 + index)) for index, country in enumerate(destinations)),
        source=UNHCR,
        indicators=(REFUGEES,),
    )

    with django_assert_max_num_queries(8):
        response = client.get(f"/facts/{REFUGEES.code}/origin/MAR/")

    assert len(response.context["rows"]) == 80
