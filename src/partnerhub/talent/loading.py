"""Loading the talent reference data into the database: the ISCO-08 structure and the safeguard lists
(from our fixtures, on every set-up) and ESCO occupations (from an ESCO export the user names).

Each loader is idempotent: it updates rows in place, so reloading changes nothing, and a file that fails
validation writes nothing (the readers check the whole file before the first row is written).
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from partnerhub.geo.models import Country
from partnerhub.talent import reference
from partnerhub.talent.models import EscoOccupation, Occupation, SafeguardList, SafeguardListing


@transaction.atomic
def load_occupations(path: Path = reference.ISCO_FILE) -> int:
    """Every ISCO-08 group, parents first (the file lists a group after its parent)."""
    by_code: dict[str, Occupation] = {}
    for group in reference.read_isco(path):
        occupation, _created = Occupation.objects.update_or_create(
            code=group.code,
            defaults={"level": group.level, "title": group.title, "parent": by_code.get(group.parent_code)},
        )
        by_code[group.code] = occupation
    return len(by_code)


@transaction.atomic
def load_safeguard_lists(
    lists_path: Path = reference.SAFEGUARD_LISTS_FILE, countries_path: Path = reference.SAFEGUARD_COUNTRIES_FILE
) -> int:
    """Every safeguard list with its countries; a country dropped from a list's file leaves the list."""
    known_isco = set(Occupation.objects.values_list("code", flat=True)) or None
    lists = reference.read_safeguard_lists(lists_path, isco_codes=known_isco)
    countries = reference.read_safeguard_countries(countries_path, list_names={entry.name for entry in lists})
    country_ids = dict(Country.objects.values_list("iso3", "pk"))
    missing = sorted({entry.iso3 for entry in countries} - country_ids.keys())
    if missing:
        raise ValueError(
            f"{countries_path.name}: {', '.join(missing)} not among the countries loaded (run load-reference first)"
        )
    for entry in lists:
        saved, _created = SafeguardList.objects.update_or_create(
            name=entry.name,
            defaults={
                "published": entry.published,
                "in_force_from": entry.in_force_from,
                "in_force_until": entry.in_force_until,
                "covers_isco": " ".join(entry.covers_isco),
                "source_url": entry.source_url,
                "note": entry.note,
            },
        )
        listed = [country for country in countries if country.list_name == entry.name]
        for country in listed:
            SafeguardListing.objects.update_or_create(
                safeguard_list=saved,
                country_id=country_ids[country.iso3],
                defaults={"basis": country.basis, "confidence": country.confidence},
            )
        saved.listings.exclude(country_id__in=[country_ids[country.iso3] for country in listed]).delete()
    return len(lists)


@dataclass(frozen=True)
class EscoLoad:
    read: int
    loaded: int
    unchanged: int


@transaction.atomic
def load_esco(path: Path) -> EscoLoad:
    """ESCO occupations under their ISCO-08 unit groups; the ISCO structure must be loaded first."""
    unit_groups = dict(Occupation.objects.filter(level=4).values_list("code", "pk"))
    if not unit_groups:
        raise ValueError("The ISCO-08 structure is not loaded: run load-reference first.")
    known = {row[0]: row[1:] for row in EscoOccupation.objects.values_list("uri", "label", "occupation_id")}
    read = loaded = 0
    for entry in reference.read_esco_occupations(path, isco_codes=unit_groups.keys()):
        read += 1
        wanted = (entry.preferred_label, unit_groups[entry.isco_unit_group_code])
        if known.get(entry.concept_uri) == wanted:
            continue
        EscoOccupation.objects.update_or_create(
            uri=entry.concept_uri, defaults={"label": wanted[0], "occupation_id": wanted[1]}
        )
        loaded += 1
    return EscoLoad(read=read, loaded=loaded, unchanged=read - loaded)
