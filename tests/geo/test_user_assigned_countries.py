"""Kosovo (XK), a user-assigned code IATI's Country codelist carries and pycountry lacks, is a
country of the hub: imported activities keep it, and it has a profile."""

import csv
from pathlib import Path

import pytest
from lxml import etree

from partnerhub.geo.models import Country, Route
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
COUNTRY_CODELIST = SHARED / "iati-codelists" / "codeforiati-csv-en" / "Country.csv"
NEAR_FILE = SHARED / "iati-activities" / "dportal-covid19-2021" / "dportal_95.xml"

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not COUNTRY_CODELIST.is_file(), reason=f"the IATI codelist {COUNTRY_CODELIST} is absent")
def test_every_active_code_of_the_iati_country_codelist_is_a_country_of_the_hub():
    with COUNTRY_CODELIST.open(encoding="utf-8") as handle:
        active = {row["code"] for row in csv.DictReader(handle) if row["status"] == "active"}

    assert "XK" in active
    assert active <= set(Country.objects.values_list("iso2", flat=True))


def test_kosovo_is_in_europe_and_central_asia_and_on_the_western_balkans_route():
    kosovo = Country.objects.get(iso2="XK")

    assert (kosovo.iso3, kosovo.name, kosovo.is_eu_member) == ("XKX", "Kosovo", False)
    assert kosovo.region.name == "Europe & Central Asia"
    assert Route.objects.get(code="WBAL").countries.filter(iso3="XKX").exists()


def kosovo_activities() -> dict[str, str]:
    """Identifier → title of the activities of the file whose recipient country is XK."""
    return {
        activity.findtext("iati-identifier").strip(): activity.findtext("title/narrative").strip()
        for activity in etree.parse(str(NEAR_FILE)).iter("iati-activity")
        if "XK" in {country.get("code") for country in activity.iterfind("recipient-country")}
    }


@pytest.mark.skipif(not NEAR_FILE.is_file(), reason=f"the real IATI file {NEAR_FILE} is absent")
def test_commission_activities_in_kosovo_keep_their_country_and_show_on_its_profile(cast, client):
    expected = kosovo_activities()
    assert len(expected) >= 5

    import_iati_files([NEAR_FILE], keep_all=True)
    # The profile lists migration-relevant records: these are made so for the comparison.
    Engagement.objects.unrestricted("test").filter(iati_identifier__in=expected).update(migration_relevant=True)

    in_kosovo = Engagement.objects.unrestricted("test").filter(country_shares__country__iso3="XKX")
    assert set(in_kosovo.values_list("iati_identifier", flat=True)) == set(expected)
    assert not [e for e in in_kosovo if "unmatched_countries" in e.iati_extra]
    response = client.get("/countries/XKX/")
    assert response.status_code == 200
    assert "Kosovo" in response.content.decode()
