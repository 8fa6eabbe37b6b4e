"""The ways to a figure's page and to "Propose a figure": each figure shown on its own — in the indicator
table, the bilateral tables, the key-facts panel of a country profile — leads to its page, and those who
may propose a figure find the link where they read figures, with the indicator or country filled in."""

import pytest
from django.conf import settings
from django.urls import reverse
from lxml import html as lxml_html

from partnerhub.core.sharing import SharingLevel
from partnerhub.facts.loading import load_reading
from partnerhub.facts.models import Indicator
from partnerhub.geo.models import Country
from tests.facts.factories import KNOMAD, REFUGEES, REMITTANCES, figures, reading, row
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

CREATE = reverse("facts:figure_create")


def parsed(response):
    assert response.status_code == 200, response.content[:500]
    return lxml_html.fromstring(response.content)


def figure_links(page) -> dict[int, str]:
    """Figure id → the address its link leads to."""
    return {int(link.get("data-figure-page")): link.get("href") for link in page.cssselect("a[data-figure-page]")}


def page_of(figure) -> str:
    return reverse("facts:figure_detail", args=[figure.pk])


def propose_links(page) -> list[str]:
    return [link.get("href") for link in page.cssselect("a[data-propose-figure]")]


def load_remittances(*rows, **options):
    load_reading(reading(*rows), loaded_by=None, **options)


def load_refugees(*rows):
    load_reading(reading(*rows, indicators=(REFUGEES,)), loaded_by=None)


def refugees(origin: str, destination: str, value: str):
    return row(origin, "2023", value, indicator=REFUGEES.code, unit="persons", destination=destination)


# -- each figure leads to its page ---------------------------------------------------------------


def test_each_figure_of_the_indicator_table_links_to_its_page(cast):
    load_remittances(row("MA", "2022", "1000"), row("TN", "2022", "500"))
    load_reading(reading(row("MA", "2022", "1100"), source=KNOMAD), loaded_by=None)

    page = parsed(client_for(cast.french_embassy_viewer).get(f"/facts/{REMITTANCES.code}/"))

    shown = figures().filter(indicator__code=REMITTANCES.code)
    assert figure_links(page) == {figure.pk: page_of(figure) for figure in shown}
    assert len(shown) == 3


def test_the_figure_pages_behind_the_links_open_for_the_reader(cast):
    load_remittances(row("MA", "2022", "1000"))
    reader = client_for(cast.french_embassy_viewer)

    [address] = figure_links(parsed(reader.get(f"/facts/{REMITTANCES.code}/"))).values()

    assert reader.get(address).context["figure"] == figures().get(country__iso2="MA")


def test_a_visitor_who_has_not_signed_in_reads_the_figures_without_links_to_pages_that_ask_to_sign_in(client, cast):
    load_remittances(row("MA", "2022", "1000"))

    page = parsed(client.get(f"/facts/{REMITTANCES.code}/"))

    assert figure_links(page) == {}
    assert page.cssselect("td[data-value='1000.000000']")
    assert propose_links(page) == []


def test_a_hidden_figure_gets_no_link(cast):
    load_remittances(row("MA", "2022", "1000"))
    load_remittances(row("DZ", "2022", "700"), owner=cast.german_interior, sharing_level=SharingLevel.ORIGINATOR)
    hidden = figures().get(country__iso2="DZ")

    german = figure_links(parsed(client_for(cast.german_ministry_editor).get(f"/facts/{REMITTANCES.code}/")))
    french = figure_links(parsed(client_for(cast.french_ministry_editor).get(f"/facts/{REMITTANCES.code}/")))

    assert hidden.pk in german and hidden.pk not in french
    assert len(french) == 1


def test_the_bilateral_tables_link_each_figure_to_its_page(cast):
    load_refugees(refugees("MA", "FR", "100"), refugees("MA", "DE", "50"), refugees("DZ", "FR", "30"))
    reader = client_for(cast.french_embassy_viewer)

    origin = figure_links(parsed(reader.get(f"/facts/{REFUGEES.code}/origin/MAR/")))
    destination = figure_links(parsed(reader.get(f"/facts/{REFUGEES.code}/destination/FRA/")))

    from_morocco = figures().filter(country__iso2="MA")
    in_france = figures().filter(destination__iso2="FR")
    assert origin == {figure.pk: page_of(figure) for figure in from_morocco}
    assert destination == {figure.pk: page_of(figure) for figure in in_france}


def test_the_key_facts_panel_links_the_headline_figure_its_trend_and_the_disagreeing_sources(cast):
    load_remittances(row("MA", "2021", "900"), row("MA", "2022", "1000"))
    load_reading(reading(row("MA", "2022", "2000"), source=KNOMAD), loaded_by=None)
    knomad_2022, wdi_2021, wdi_2022 = (
        figures().get(source__dataset=KNOMAD.dataset),
        figures().get(period="2021"),
        figures().get(period="2022", source__dataset="World Development Indicators"),
    )

    page = parsed(client_for(cast.french_embassy_viewer).get(reverse("analysis:country_profile", args=["MAR"])))

    [fact] = page.cssselect(f'[data-key-fact="{REMITTANCES.code}"]')
    headline = fact.cssselect(".ph-figure__value a")[0]
    assert headline.get("href") == page_of(wdi_2022)
    disagreeing = {link.get("href") for link in fact.cssselect("[data-disagreement] a[data-figure-page]")}
    assert disagreeing == {page_of(wdi_2022), page_of(knomad_2022)}
    trend_bars = {link.get("href") for link in fact.cssselect("svg a")}
    assert trend_bars == {page_of(wdi_2021), page_of(wdi_2022)}
    [context_line] = page.cssselect("[data-remittances] a[data-figure-page]")
    assert context_line.get("href") == page_of(wdi_2022)


def test_the_key_facts_panel_of_a_visitor_links_no_figure_page(client, cast):
    load_remittances(row("MA", "2021", "900"), row("MA", "2022", "1000"))

    page = parsed(client.get(reverse("analysis:country_profile", args=["MAR"])))

    assert page.cssselect(f'[data-key-fact="{REMITTANCES.code}"]')
    assert figure_links(page) == {}
    assert not page.cssselect("#key-facts svg a")


# -- "Propose a figure" where figures are read ---------------------------------------------------


def test_an_editor_on_the_eu_side_finds_propose_a_figure_with_the_indicator_or_country_filled_in(cast):
    load_remittances(row("MA", "2022", "1000"))
    editor = client_for(cast.german_ministry_editor)

    listed = propose_links(parsed(editor.get("/facts/")))
    on_indicator = propose_links(parsed(editor.get(f"/facts/{REMITTANCES.code}/")))
    on_profile = propose_links(parsed(editor.get(reverse("analysis:country_profile", args=["MAR"]))))

    assert listed == [CREATE]
    assert on_indicator == [f"{CREATE}?indicator={REMITTANCES.code}"]
    assert on_profile == [f"{CREATE}?country=MAR"]


@pytest.mark.parametrize("persona", ["french_embassy_viewer", "moroccan_ministry_user", "iom_officer", "outsider"])
def test_who_may_not_propose_is_not_offered_the_link(cast, persona):
    load_remittances(row("MA", "2022", "1000"))
    reader = client_for(getattr(cast, persona))

    for address in ("/facts/", f"/facts/{REMITTANCES.code}/", reverse("analysis:country_profile", args=["MAR"])):
        assert propose_links(parsed(reader.get(address))) == [], address


def test_the_prefilled_form_starts_from_the_indicator_country_and_period_of_the_link(cast):
    load_remittances(row("MA", "2022", "1000"))
    editor = client_for(cast.german_ministry_editor)

    form = editor.get(CREATE, {"indicator": REMITTANCES.code, "country": "mar", "period": "2023-Q2"}).context["form"]

    assert form.initial == {
        "indicator": Indicator.objects.get(code=REMITTANCES.code).pk,
        "country": Country.objects.get(iso3="MAR").pk,
        "period": "2023-Q2",
    }
    assert not form.is_bound


@pytest.mark.parametrize(
    "query",
    [
        {"indicator": "no-such-indicator"},
        {"country": "XYZ"},
        {"period": "last year"},
        {"period": "2022-13"},
        {"indicator": "", "country": "", "period": ""},
        {"unknown": "value"},
    ],
)
def test_a_link_naming_nothing_known_opens_the_empty_form_without_a_word(cast, query):
    response = client_for(cast.german_ministry_editor).get(CREATE, query)

    assert response.status_code == 200
    assert response.context["form"].initial == {}
    assert not response.context["form"].errors


def test_the_prefilled_choices_are_selected_in_the_form_the_editor_sees(cast):
    load_remittances(row("MA", "2022", "1000"))
    indicator = Indicator.objects.get(code=REMITTANCES.code)

    page = parsed(client_for(cast.german_ministry_editor).get(CREATE, {"indicator": indicator.code, "country": "TUN"}))

    assert page.cssselect("select[name=indicator] option[selected]")[0].get("value") == str(indicator.pk)
    tunisia = Country.objects.get(iso3="TUN")
    assert page.cssselect("select[name=country] option[selected]")[0].get("value") == str(tunisia.pk)
    assert page.cssselect("input[name=period]")[0].get("value") is None


# -- the pages stay flat ---------------------------------------------------------------------------


def test_the_indicator_page_of_an_editor_takes_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    countries = Country.objects.partners().order_by("iso2")[:60]
    load_remittances(*(row(country.iso2, "2022", str(100 + index)) for index, country in enumerate(countries)))
    editor = client_for(cast.german_ministry_editor)
    editor.get(f"/facts/{REMITTANCES.code}/")  # the session and the user's circle, read once

    with django_assert_max_num_queries(14) as few:
        small = editor.get(f"/facts/{REMITTANCES.code}/", {"page": "3"})
    load_remittances(*(row(country.iso2, "2021", str(200 + index)) for index, country in enumerate(countries)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = editor.get(f"/facts/{REMITTANCES.code}/", {"period": "2021"})

    assert len(figure_links(parsed(small))) == len(small.context["rows"]) < settings.PAGE_SIZE
    assert len(figure_links(parsed(large))) == len(large.context["rows"]) == settings.PAGE_SIZE
    assert propose_links(parsed(large))


def test_the_indicator_list_of_an_editor_takes_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    load_remittances(row("MA", "2022", "1000"))
    load_refugees(refugees("MA", "FR", "100"))
    editor = client_for(cast.german_ministry_editor)

    with django_assert_max_num_queries(12):
        response = editor.get("/facts/")

    assert propose_links(parsed(response)) == [CREATE]
