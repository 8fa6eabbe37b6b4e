"""The key facts on a country profile, in its brief and over its API: the figure everyone should
quote, its source, its trend, and where official sources disagree — only what the reader may see."""

import csv
from datetime import date
from decimal import Context, Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from lxml import html as lxml_html

from partnerhub.analysis.figures.keyfacts import key_facts, remittance_context
from partnerhub.facts.loading import load_file, load_reading
from partnerhub.facts.services import agree_observation, propose_observation
from partnerhub.facts.sources.base import IndicatorInfo, SourceInfo
from partnerhub.geo.models import Country
from partnerhub.registry.money import to_eur
from tests.facts.factories import KNOMAD, REFUGEES, REMITTANCES, WDI, figures, hidden_observation, reading, row
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

STATS = Path("/work/shared/data/stats")
WDI_RECEIVED = STATS / "worldbank" / "wdi_BX.TRF.PWKR.CD.DT.csv"
# SQLite keeps 15 significant digits of a decimal (PostgreSQL all of them).
STORED = Context(prec=15)
UNHCR = SourceInfo(publisher="UNHCR", dataset="Refugee Population Statistics", release_date=None)
ASYLUM = IndicatorInfo(
    code="asylum-applications",
    name="Asylum applications lodged abroad",
    unit="persons",
    definition="First-time and repeated applications lodged by nationals of the country.",
)


def profile_page(user, iso3="MAR"):
    response = client_for(user).get(reverse("analysis:country_profile", args=[iso3]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def panel(page, code=REMITTANCES.code):
    found = page.cssselect(f'[data-key-fact="{code}"]')
    return found[0] if found else None


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def load(*rows, source=WDI, indicators=(REMITTANCES,)):
    load_reading(reading(*rows, source=source, indicators=indicators), loaded_by=None)


def agreed(cast, figure):
    propose_observation(figure, note="The figure for the dialogue", acting_user=cast.commission_desk_officer)
    return agree_observation(figure, acting_user=cast.coordinator)


def figure_of(country="MA", period="2022", source=WDI):
    return figures().get(country__iso2=country, period=period, source__dataset=source.dataset, destination=None)


# -- the panel -----------------------------------------------------------------------------------


def test_a_desk_officer_reads_the_agreed_figure_with_its_source_vintage_freshness_and_definition(cast):
    load(row("MA", "2020", "7400000000"), row("MA", "2021", "10500000000"), row("MA", "2022", "11200000000"))
    agreed(cast, figure_of(period="2021"))
    fact = panel(profile_page(cast.commission_desk_officer))
    assert (fact.get("data-value"), fact.get("data-period"), fact.get("data-status")) == (
        "10500000000.000000",
        "2021",
        "agreed",
    )
    text = text_of(fact)
    assert "10,500,000,000 USD" in text and "Period: 2021" in text and "Agreed" in text
    assert "World Bank – World Development Indicators" in text, text
    assert "release of 1 Jul 2025" in text
    assert fact.cssselect("[data-freshness]")[0].get("data-freshness") == wdi_freshness_today()
    assert REMITTANCES.definition in text_of(fact.cssselect("details")[0])
    assert fact.cssselect("svg"), "the trend is drawn"
    description = text_of(fact.cssselect("[data-trend-description]")[0])
    assert description == (
        "Personal remittances, received (current US$) by period: 2020: 7,400,000,000 USD (not agreed); "
        "2021: 10,500,000,000 USD; 2022: 11,200,000,000 USD (not agreed)."
    )


def wdi_freshness_today() -> str:
    """Worked out from the release cycle by hand: fresh within a year, due for 60 days more, overdue after."""
    age = (timezone.localdate() - WDI.release_date).days
    return "fresh" if age <= 365 else "due" if age <= 365 + 60 else "overdue"


def test_without_an_agreed_figure_the_default_source_latest_is_shown_as_not_agreed(cast):
    load(row("MA", "2021", "1000"), row("MA", "2022", "1100"))
    load(row("MA", "2023", "1300"), source=KNOMAD)  # a later year, but not the indicator's default source
    fact = panel(profile_page(cast.moroccan_ministry_user))
    assert (fact.get("data-period"), fact.get("data-status")) == ("2022", "imported")
    assert fact.cssselect("[data-not-agreed]") and "World Development Indicators" in text_of(fact)


def test_a_country_without_figures_says_so(cast):
    page = profile_page(cast.commission_desk_officer, "TUN")
    assert "No key figure for this country yet" in text_of(page.cssselect("#key-facts")[0])


def test_origin_destination_figures_stay_off_the_country_panel(cast):
    load(
        row("MA", "2022", "5000", indicator=REFUGEES.code, destination="DE", unit="persons"),
        indicators=(REFUGEES,),
    )
    assert key_facts(cast.commission_desk_officer, Country.objects.get(iso2="MA")) == []


# -- confidentiality ---------------------------------------------------------------------------------


def test_a_hidden_figure_is_never_shown_nor_counted_in_the_trend_or_a_disagreement(cast):
    load(row("MA", "2022", "1000"))
    hidden = hidden_observation(cast, secret="Ministry estimate, not for circulation")  # MA 2023: 4242
    load(row("MA", "2023", "1000"), source=KNOMAD)  # 4242 would disagree with it
    for reader in (cast.commission_desk_officer, cast.moroccan_ministry_user, cast.outsider, None):
        page = profile_page(reader)
        section = text_of(page.cssselect("#key-facts")[0])
        assert "4,242" not in section and "not for circulation" not in section
        assert not page.cssselect("[data-disagreement]")
        fact = panel(page)
        assert fact.get("data-period") == "2022", "the hidden 2023 figure is not the latest one shown"
        trend = key_facts(reader, Country.objects.get(iso2="MA"))[0].trend
        assert hidden.pk not in {figure.pk for figure in trend}
    owner_fact = key_facts(cast.german_ministry_editor, Country.objects.get(iso2="MA"))[0]
    assert owner_fact.figure.pk == hidden.pk
    assert [(pair.first.value, pair.second.value) for pair in owner_fact.disagreements] == [
        (Decimal("4242"), Decimal("1000"))
    ]


def test_the_brief_of_an_outsider_carries_no_hidden_figure_and_its_marking_follows_the_figures(client, cast):
    load(row("MA", "2022", "1000"))
    hidden_observation(cast, secret="Ministry estimate")
    client.force_login(cast.german_ministry_editor)
    owner_text = docx_text(client.get(brief_url("docx")).content)
    assert "4,242 USD" in owner_text
    outsider = client_for(cast.outsider)
    outsider_text = docx_text(outsider.get(brief_url("docx")).content)
    assert "4,242" not in outsider_text and "1,000 USD" in outsider_text


# -- disagreements -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("knomad_value", "flagged"),
    [("950", False), ("949.99", True), ("1050", False)],
    ids=["exactly-at-the-tolerance", "just-beyond", "higher-within"],
)
def test_two_sources_are_flagged_only_beyond_the_tolerance(cast, settings, knomad_value, flagged):
    settings.PARTNERHUB_FACTS_TOLERANCE = Decimal("0.05")
    load(row("MA", "2022", "1000"))
    load(row("MA", "2022", knomad_value), source=KNOMAD)
    fact = panel(profile_page(cast.commission_desk_officer))
    flags = fact.cssselect("[data-disagreement]")
    assert bool(flags) is flagged
    if flagged:
        shown = {Decimal(span.get("data-figure")) for span in flags[0].cssselect("[data-figure]")}
        assert shown == {Decimal("1000"), Decimal(knomad_value)}
        assert "World Development Indicators" in text_of(flags[0]) and "Remittance inflows" in text_of(flags[0])


# -- query counts ---------------------------------------------------------------------------------


def queries_of(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_the_key_facts_take_the_same_queries_for_one_figure_or_hundreds(cast, django_assert_max_num_queries):
    morocco = Country.objects.get(iso2="MA")
    load(row("MA", "2022", "1000"))
    reader = cast.commission_desk_officer
    key_facts(reader, morocco)  # the reader's circle is known from here on, as on a page
    few = queries_of(lambda: key_facts(reader, morocco))
    many_rows = [row("MA", str(year), str(1000 + year)) for year in range(1990, 2023)]
    load(*many_rows)
    load(*[row("MA", str(year), str(900 + year)) for year in range(1990, 2023)], source=KNOMAD)
    asylum = [row("MA", str(year), "50", indicator=ASYLUM.code, unit="persons") for year in range(2000, 2023)]
    load(*asylum, source=UNHCR, indicators=(ASYLUM,))
    facts = []
    many = queries_of(lambda: facts.extend(key_facts(reader, morocco)))
    assert len(facts) == 2 and len(facts[0].trend) + len(facts[1].trend) == 33 + 23
    assert many == few <= 2
    client = client_for(reader)
    url = reverse("analysis:country_profile", args=["MAR"])
    client.get(url)
    with django_assert_max_num_queries(45):
        assert client.get(url).status_code == 200


# -- the context line beside the money -------------------------------------------------------


def test_the_latest_remittances_stand_beside_the_money_in_usd_and_eur_at_a_stated_ecb_rate(cast):
    load(row("MA", "2021", "10000000000"), row("MA", "2022", "11000000000"))
    line = profile_page(cast.commission_desk_officer).cssselect("[data-remittances]")[0]
    eur, rate_date = to_eur(Decimal("11000000000"), "USD", date(2022, 7, 1))
    assert line.get("data-period") == "2022"
    text = text_of(line)
    assert "Morocco received 11,000,000,000 USD in personal remittances in 2022" in text
    assert f"EUR {eur:,.0f}" in text and "ECB reference rate" in text and "not agreed" in text
    assert rate_date is not None and rate_date.year == 2022


def test_no_remittance_figure_means_no_context_line(cast):
    load(row("MA", "2022", "50", indicator=ASYLUM.code, unit="persons"), source=UNHCR, indicators=(ASYLUM,))
    assert not profile_page(cast.commission_desk_officer).cssselect("[data-remittances]")
    assert remittance_context(key_facts(cast.commission_desk_officer, Country.objects.get(iso2="MA"))) is None


# -- the real World Bank file ----------------------------------------------------------------------


@pytest.mark.skipif(not WDI_RECEIVED.is_file(), reason="../shared/data/stats is absent on this machine")
def test_the_morocco_profile_shows_the_2022_remittances_of_the_real_wdi_file(cast):
    job, report = load_file("wdi", WDI_RECEIVED, loaded_by=None)
    assert report is not None and report.loaded > 0
    with WDI_RECEIVED.open(encoding="utf-8-sig", newline="") as handle:
        morocco = next(record for record in csv.DictReader(handle) if record["Country Code"] == "MAR")
    expected = STORED.create_decimal(morocco["2022"])
    page = profile_page(cast.commission_desk_officer)
    fact = panel(page)
    assert fact.get("data-period") == "2022"
    assert STORED.create_decimal(fact.get("data-value")) == expected
    assert STORED.create_decimal(page.cssselect("[data-remittances]")[0].get("data-value")) == expected


# -- the brief and the API ---------------------------------------------------------------------------


def brief_url(file_format: str, iso3: str = "MAR") -> str:
    return reverse("analysis:country_brief", args=[iso3, file_format])


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    cells = [cell.text for table in document.tables for row_ in table.rows for cell in row_.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_the_docx_brief_lists_the_agreed_figures_with_their_sources(client, cast, settings):
    settings.PARTNERHUB_FACTS_TOLERANCE = Decimal("0.05")
    load(row("MA", "2022", "11200000000"))
    agreed(cast, figure_of())
    load(row("MA", "2022", "9000000000"), source=KNOMAD)
    client.force_login(cast.commission_desk_officer)
    document = Document(BytesIO(client.get(brief_url("docx")).content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Indicator")
    assert [cell.text for cell in table.rows[1].cells][:4] == [
        REMITTANCES.name,
        "11,200,000,000 USD",
        "2022",
        "Agreed",
    ]
    assert table.rows[1].cells[4].text.startswith("World Bank – World Development Indicators (release of")
    text = docx_text(client.get(brief_url("docx")).content)
    assert "Sources disagree" in text and "9,000,000,000 USD" in text
    assert "Morocco received 11,200,000,000 USD in personal remittances in 2022" in text


def test_the_pdf_brief_carries_the_key_facts_too(client, cast):
    from partnerhub.analysis.brief import brief_html
    from partnerhub.analysis.figures.profile import country_profile

    load(row("MA", "2022", "11200000000"))
    agreed(cast, figure_of())
    profile = country_profile(cast.commission_desk_officer, Country.objects.get(iso2="MA"))
    html = brief_html(profile, {}, user=cast.commission_desk_officer)
    assert "Key facts" in html and "11,200,000,000 USD" in html and "World Development Indicators" in html
    client.force_login(cast.commission_desk_officer)
    response = client.get(brief_url("pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_profile_api_carries_the_key_facts_the_caller_may_see(cast, token_api, settings):
    settings.PARTNERHUB_FACTS_TOLERANCE = Decimal("0.05")
    load(row("MA", "2021", "10000000000"), row("MA", "2022", "11000000000"))
    agreed(cast, figure_of(period="2021"))
    load(row("MA", "2021", "9000000000"), source=KNOMAD)
    hidden_observation(cast, secret="Ministry estimate")
    body = token_api(cast.commission_desk_officer).get("/countries/MAR/profile").json()
    [fact] = body["key_facts"]
    assert fact["indicator"] == REMITTANCES.code and fact["agreed"] is True
    assert (fact["figure"]["period"], Decimal(fact["figure"]["value"])) == ("2021", Decimal("10000000000"))
    assert fact["source_release_date"] == "2025-07-01" and fact["definition"] == REMITTANCES.definition
    assert [point["period"] for point in fact["trend"]] == ["2021", "2022"]
    [pair] = fact["disagreements"]
    assert {Decimal(pair["first"]["value"]), Decimal(pair["second"]["value"])} == {
        Decimal("10000000000"),
        Decimal("9000000000"),
    }
    remittances = body["remittances"]
    assert remittances["figure"]["period"] == "2022" and remittances["rate_date"].startswith("2022")
    owner = token_api(cast.german_ministry_editor).get("/countries/MAR/profile").json()
    assert [point["period"] for point in owner["key_facts"][0]["trend"]] == ["2021", "2022", "2023"]
