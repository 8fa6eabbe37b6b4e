"""Recognising countries, organisations, themes and instruments as people type them."""

from datetime import date
from decimal import Decimal

import pytest

from partnerhub.access.models import Organisation, OrganisationKind
from partnerhub.sheets.matching import Lookups, normalise
from partnerhub.sheets.rows import Unreadable, describe_miss, parse_date, parse_number, parse_share


@pytest.fixture
def lookups(cast):
    cast.iom.aliases = ["OIM", "Organisation internationale pour les migrations"]
    cast.iom.save()
    return Lookups.load()


@pytest.mark.parametrize(
    "typed",
    [
        "CIV",
        "ci",
        "Côte d'Ivoire",
        "CÔTE D’IVOIRE",
        "Republic of Côte d'Ivoire",
        "Côte d'Ivoire (CIV)",
        "Costa d'Avorio",
        "Costa de Marfil",
    ],
)
def test_country_is_found_by_code_name_official_name_or_translation(lookups, typed):
    assert lookups.countries.find(typed).item.iso3 == "CIV"


def test_country_found_by_name_in_another_eu_language(lookups):
    assert lookups.countries.find("Marokko").item.iso3 == "MAR"
    assert lookups.countries.find("Marruecos").item.iso3 == "MAR"


def test_near_miss_country_gets_a_suggestion(lookups):
    match = lookups.countries.find("Moroco")
    assert not match.found
    assert describe_miss("Moroco", match, "a country") == "“Moroco” is not a country; did you mean Morocco (MAR)?"


def test_short_unknown_code_gets_no_far_fetched_suggestion(lookups):
    match = lookups.countries.find("XQZ")
    assert (match.found, match.suggestion) == (False, "")


def test_organisation_found_by_acronym_iati_identifier_name_or_alias(lookups, cast):
    for typed in (
        "IOM",
        "XM-DAC-47066",
        "international organization for migration",
        "OIM",
        "Organisation internationale pour les migrations",
        "International Organization for Migration (IOM)",
    ):
        assert lookups.organisations.find(typed).item == cast.iom, typed


def test_organisation_near_miss_suggests_the_closest_name(lookups):
    match = lookups.organisations.find("International Organisation for Migration")
    assert match.suggestion == "International Organization for Migration (IOM)"


def test_acronym_shared_by_two_organisations_is_ambiguous(cast):
    Organisation.objects.create(name="Institute of Migration", acronym="IOM", kind=OrganisationKind.OTHER)
    match = Lookups.load().organisations.find("IOM")
    assert not match.found
    assert match.candidates == ["Institute of Migration (IOM)", "International Organization for Migration (IOM)"]
    assert "could be any of" in describe_miss("IOM", match, "an organisation")
    full_label = Lookups.load().organisations.find("International Organization for Migration (IOM)")
    assert full_label.item == cast.iom


def test_themes_and_instruments_found_by_code_or_name(lookups):
    assert lookups.themes.find("return-reintegration").item.code == "RETURN-REINTEGRATION"
    assert lookups.themes.find("Sustainable reintegration").item.code == "RETURN-REINTEGRATION"
    assert lookups.themes.find("Sustainable reintegration (RETURN-REINTEGRATION)").item.code == "RETURN-REINTEGRATION"
    assert lookups.instruments.find("ndici-ge").item.code == "NDICI-GE"
    assert lookups.instruments.find("Asylum, Migration and Integration Fund …(AMIF)").item.code == "AMIF"


def test_fixed_lists_accept_values_and_labels_in_both_interface_languages(lookups):
    assert lookups.kinds.find("Political dialogue").item == "dialogue"
    assert lookups.statuses.find("IMPLEMENTATION").item == "implementation"
    assert lookups.sharing_levels.find("eu").item == "eu"
    assert lookups.languages.find("German").item == "de"
    assert lookups.languages.find("français").item == "fr"
    assert lookups.yes_no.find("oui").item is True
    assert lookups.currencies.find("€").item == "EUR"


def test_normalise_ignores_case_accents_and_punctuation():
    assert normalise("  Côte d’Ivoire ") == normalise("COTE D'IVOIRE") == "cote d ivoire"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500000", "1500000"),
        ("1 500 000", "1500000"),
        ("1\u00a0500\u00a0000,50", "1500000.50"),
        ("1,500,000.50", "1500000.50"),
        ("1.500.000,50", "1500000.50"),
        ("1500,5", "1500.5"),
        ("1500.25", "1500.25"),
        ("1'500'000", "1500000"),
        ("-20", "-20"),
    ],
)
def test_numbers_in_european_and_english_notation(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1.500", "1,500", "12.345", "twelve", "=1+1", "1e999999"])
def test_ambiguous_or_unreadable_numbers_are_refused(text):
    with pytest.raises(Unreadable):
        parse_number(text)


def test_shares_read_decimal_commas_and_percent_signs():
    assert parse_share("33,33 %") == Decimal("33.33")
    with pytest.raises(Unreadable):
        parse_share("120")


@pytest.mark.parametrize(
    "text", ["2024-03-01", "01/03/2024", "1.3.2024", "01-03-2024", "2024/03/01", "2024-03-01T00:00:00"]
)
def test_dates_in_iso_and_european_notation(text):
    assert parse_date(text) == date(2024, 3, 1)


def test_american_dates_are_not_guessed():
    with pytest.raises(Unreadable):
        parse_date("03/31/2024")
