"""Loading countries (pycountry, and the user-assigned codes IATI uses), their regions and migration routes."""

import csv
from pathlib import Path
from typing import NamedTuple

import pycountry
import yaml
from django.db import transaction

from partnerhub.geo.models import Country, RecipientRegion, Region, Route

FIXTURES = Path(__file__).parent / "fixtures"

# The 27 Member States since 1 February 2020 (Treaty on European Union, art. 52).
EU_MEMBER_STATES = frozenset(
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD "
    "POL PRT ROU SVK SVN ESP SWE".split()
)
# Countries with an EU Action Plan on migration, as listed in the Council
# working-party note of 2023 (shared/context).
PRIORITY_PARTNERS = frozenset("AFG PAK BIH TUN NER NGA IRQ LBY MAR EGY".split())


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


class CountryEntry(NamedTuple):
    iso2: str
    iso3: str
    numeric: str
    name: str
    official_name: str = ""


def country_entries() -> list[CountryEntry]:
    """ISO 3166-1 as pycountry has it, then the user-assigned codes IATI uses (Kosovo)."""
    entries = [
        CountryEntry(
            entry.alpha_2,
            entry.alpha_3,
            entry.numeric,
            getattr(entry, "common_name", None) or entry.name,
            getattr(entry, "official_name", ""),
        )
        for entry in pycountry.countries
    ]
    entries += [
        CountryEntry(row["iso2"], row["iso3"], "", row["name"])
        for row in _csv_rows(FIXTURES / "user_assigned_countries.csv")
    ]
    return entries


@transaction.atomic
def load_countries() -> int:
    regions = _load_regions()
    existing = {c.iso3: c for c in Country.objects.all()}
    for entry in country_entries():
        country = existing.get(entry.iso3) or Country(iso3=entry.iso3)
        country.iso2 = entry.iso2
        country.numeric = entry.numeric
        country.name = entry.name
        country.official_name = entry.official_name
        country.is_eu_member = entry.iso3 in EU_MEMBER_STATES
        country.is_priority_partner = entry.iso3 in PRIORITY_PARTNERS
        country.region = regions.get(entry.iso3)
        country.save()
    return Country.objects.count()


# The World Bank's own region codes (WDI "Region" classification).
REGION_CODES = {
    "East Asia & Pacific": "EAS",
    "Europe & Central Asia": "ECS",
    "Latin America & Caribbean": "LCN",
    "Middle East & North Africa": "MEA",
    "North America": "NAC",
    "South Asia": "SAS",
    "Sub-Saharan Africa": "SSF",
}


def _load_regions() -> dict[str, Region]:
    """Regions matched by name, so that a database loaded with older codes is corrected."""
    by_country, regions = {}, {}
    for row in _csv_rows(FIXTURES / "country_regions.csv"):
        name = row["region"]
        if name not in regions:
            regions[name], _ = Region.objects.update_or_create(name=name, defaults={"code": REGION_CODES[name]})
        by_country[row["iso3"]] = regions[name]
    return by_country


@transaction.atomic
def load_routes() -> int:
    entries = yaml.safe_load((FIXTURES / "routes.yaml").read_text(encoding="utf-8"))
    for entry in entries:
        route, _ = Route.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "name_fr": entry.get("name_fr", ""), "source": entry["source"]},
        )
        route.countries.set(Country.objects.filter(iso3__in=entry["countries"]))
    return len(entries)


@transaction.atomic
def load_recipient_regions() -> int:
    """IATI's recipient regions with the countries they cover; each belongs to the routes
    that run through one of its countries (load the routes first)."""
    entries = {
        entry["code"]: entry
        for entry in yaml.safe_load((FIXTURES / "recipient_regions.yaml").read_text(encoding="utf-8"))
    }
    route_countries = {
        route: {country.iso3 for country in route.countries.all()}
        for route in Route.objects.prefetch_related("countries")
    }
    for code, entry in entries.items():
        covered = _covered_countries(code, entries)
        region, _ = RecipientRegion.objects.update_or_create(
            code=code, defaults={"name": entry["name"], "name_fr": entry.get("name_fr", "")}
        )
        region.countries.set(Country.objects.filter(iso3__in=covered))
        region.routes.set([route for route, iso3s in route_countries.items() if iso3s & covered])
    return len(entries)


def _covered_countries(code: str, entries: dict[str, dict]) -> set[str]:
    entry = entries[code]
    covered = set(entry.get("countries", ()))
    for included in entry.get("includes", ()):
        covered |= _covered_countries(included, entries)
    return covered
