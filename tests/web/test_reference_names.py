"""Reference data in the interface language, and history in words rather than codes."""

import gettext
from datetime import date
from decimal import Decimal

import pycountry
import pytest
import yaml
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerhub.geo.models import Country, Route
from partnerhub.registry.models import Theme
from partnerhub.registry.services import MoneyInput, input_from_engagement, update_engagement
from partnerhub.settings import PACKAGE_DIR
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

LIST_URL = reverse("registry:engagement_list")
FRENCH_CATALOGUE = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])


def detail_url(engagement) -> str:
    return reverse("registry:engagement_detail", args=[engagement.pk])


def fixture(path: str) -> list[dict]:
    return yaml.safe_load((PACKAGE_DIR / path).read_text(encoding="utf-8"))


@settings(max_examples=40, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(pycountry.countries) - 1))
def test_every_country_is_named_by_pycountry_in_french(index):
    entry = list(pycountry.countries)[index]
    english = getattr(entry, "common_name", None) or entry.name
    country = Country.objects.get(iso3=entry.alpha_3)

    with translation.override("fr"):
        assert country.localized_name == FRENCH_CATALOGUE.gettext(english)
    with translation.override("en"):
        assert country.localized_name == english


def test_every_theme_and_route_has_a_french_name_from_its_fixture():
    themes = fixture("registry/fixtures/themes.yaml")
    expected = {entry["code"]: entry["name_fr"] for top in themes for entry in [top, *top.get("children", [])]}
    routes = {entry["code"]: entry["name_fr"] for entry in fixture("geo/fixtures/routes.yaml")}

    with translation.override("fr"):
        assert {theme.code: theme.localized_name for theme in Theme.objects.all()} == expected
        assert {route.code: str(route) for route in Route.objects.all()} == routes
    assert all(name and not name.isascii() or " " in name for name in expected.values())


@pytest.mark.parametrize(
    ("language", "country", "theme"),
    [
        ("en", "Morocco", "Sustainable reintegration"),
        ("fr", "Maroc", "Réintégration durable"),
    ],
)
def test_the_list_names_countries_and_themes_in_the_reader_language(cast, language, country, theme):
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public", title="Rabat partnership")

    page = client_for(None).get(LIST_URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    row = page.split("Rabat partnership")[1].split("</tr>")[0]
    assert country in row and theme in row


def test_the_filter_choices_are_named_in_french(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public")

    page = client_for(None).get(LIST_URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<option value="MAR">Maroc</option>' in page
    assert '<option value="RETURN-REINTEGRATION">Réintégration durable</option>' in page


def test_an_organisation_has_a_french_name_when_one_is_given(cast):
    cast.commission.name_fr = "Commission européenne – DG INTPA"

    with translation.override("fr"):
        assert cast.commission.localized_name == "Commission européenne – DG INTPA"
    with translation.override("en"):
        assert cast.commission.localized_name == cast.commission.name
    with translation.override("fr"):
        assert cast.giz.localized_name == cast.giz.name, "without a French name, the name as it is"


# -- history in words ----------------------------------------------------------------


@pytest.fixture
def changed_engagement(cast):
    engagement = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        title="Before",
        countries=("MAR",),
        themes=("RETURN-REINTEGRATION",),
    )
    data = input_from_engagement(engagement)
    data.fields.update(humanitarian=True, planned_start=date(2027, 1, 15), planned_end=date(2027, 6, 30))
    data.countries = [(Country.objects.get(iso3="TUN"), None)]
    data.themes = [(Theme.objects.get(code="IRREG-BORDER"), None)]
    data.participations = [(cast.giz, "implementer")]
    data.money.append(MoneyInput("disbursement", Decimal("2500"), "EUR", date(2027, 1, 15)))
    update_engagement(engagement, data, acting_user=cast.commission_desk_officer)
    return engagement


def history_changes(response) -> dict[str, tuple[str, str]]:
    [update, _create] = response.context["history"][:2]
    return {str(label): (str(old), str(new)) for label, old, new in update["fields"]}


def test_history_shows_names_yes_no_and_dates_not_codes(cast, changed_engagement):
    response = client_for(cast.commission_desk_officer).get(detail_url(changed_engagement))

    changes = history_changes(response)
    assert changes["partner countries"] == ("Morocco", "Tunisia")
    assert changes["themes"] == ("Sustainable reintegration", "Border management")
    assert changes["humanitarian"] == ("No", "Yes")
    assert changes["planned start"][1] == "15 Jan 2027"
    assert changes["participating organisations"][1] == "GIZ (Implementer)"
    assert "Disbursement: EUR 2,500.00 (15 Jan 2027)" in changes["money"][1]
    history = response.content.decode().split('id="history-heading"')[1].split("</section>")[0]
    for code in ("RETURN-REINTEGRATION", "IRREG-BORDER", ">MAR<", "False", "True", "2027-01-15"):
        assert code not in history, code


def test_history_speaks_french_to_a_french_reader(cast, changed_engagement):
    response = client_for(cast.commission_desk_officer).get(detail_url(changed_engagement), HTTP_ACCEPT_LANGUAGE="fr")

    changes = history_changes(response)
    assert ("Maroc", "Tunisie") in changes.values()
    assert ("Réintégration durable", "Gestion des frontières") in changes.values()
    assert any(new == "15 jan. 2027" for _old, new in changes.values())


def test_the_engagement_page_names_countries_and_themes_in_french(cast):
    engagement = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        sharing_level="restricted",
        countries=("MAR", "TUN"),
        themes=("IRREG-BORDER",),
        shared_with_countries=("ESP",),
    )

    page = client_for(cast.commission_desk_officer).get(detail_url(engagement), HTTP_ACCEPT_LANGUAGE="fr")

    body = page.content.decode().split('id="history-heading"')[0]
    for name in ("Maroc", "Gestion des frontières", "Tunisie", "Espagne"):
        assert name in body, name
    assert "Border management" not in body


def test_the_country_profile_and_brief_speak_french_to_a_french_reader(cast):
    from io import BytesIO

    from docx import Document

    cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        countries=("MAR",),
        themes=("IRREG-BORDER",),
        title="Border posts",
    )
    client = client_for(cast.commission_desk_officer)

    page = client.get("/countries/MAR/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    brief = client.get("/countries/MAR/brief.docx", HTTP_ACCEPT_LANGUAGE="fr").content

    assert '<h1 class="ph-page-title">Maroc</h1>' in page
    assert "Gestion des frontières" in page and "Allemagne" in page
    brief_text = "\n".join(paragraph.text for paragraph in Document(BytesIO(brief)).paragraphs)
    assert "Maroc" in brief_text and "Morocco" not in brief_text


def test_an_organisation_french_name_shows_in_the_chooser_and_on_the_engagement_page(cast):
    cast.commission.name_fr = "Commission européenne – DG INTPA"
    cast.commission.save()
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public")
    client = client_for(None)

    listing = client.get(f"{LIST_URL}?organisation={cast.commission.pk}", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    detail = client.get(detail_url(engagement), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert f'<option value="{cast.commission.pk}" selected>Commission européenne – DG INTPA (INTPA)</option>' in listing
    assert "Commission européenne – DG INTPA (INTPA)</span>" in listing.split("data-active-filters")[1]
    assert "<dd>Commission européenne – DG INTPA (INTPA)</dd>" in detail
    english = client.get(detail_url(engagement), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<dd>European Commission – DG INTPA (INTPA)</dd>" in english


def test_the_map_the_country_table_and_route_pages_name_places_in_french(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, countries=("MAR",), title="Oriental")
    client = client_for(cast.commission_desk_officer)

    index = client.get("/countries/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    route = client.get("/team-europe/routes/WMED-ATL/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert index.count("Maroc") >= 2, "on the map and in the table"
    assert "Morocco" not in index
    assert "Méditerranée occidentale et Atlantique" in route and "Western Mediterranean" not in route


def test_the_priority_form_offers_themes_by_their_french_names(cast):
    client = client_for(cast.moroccan_ministry_user)

    page = client.get("/countries/MAR/priorities/new/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Migration et développement, causes profondes › Transferts de fonds des migrants" in page
