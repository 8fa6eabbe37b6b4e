"""Talent records for the matching tests, made through the ORM: occupations with their ISCO-08 group
chain and ILO titles, needs, supply, partnerships and safeguard lists (constructed, or the WHO list of
2023 read from the shared data)."""

import csv
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from partnerhub.geo.models import Country
from partnerhub.talent.models import (
    Occupation,
    SafeguardList,
    SafeguardListing,
    TalentNeed,
    TalentPartnership,
    TalentSupply,
)
from partnerhub.talent.reference import read_isco

WHO_LIST_FILE = Path(settings.PARTNERHUB_SHARED_DATA) / "reference" / "health_workforce_safeguards.csv"
# The groups the WHO Health Workforce Support and Safeguards List 2023 covers (talent/fixtures/safeguard_lists.csv).
HEALTH_GROUPS = "221 222 224 226 321 322 325 532"


@cache
def ilo_titles() -> dict[str, str]:
    return {group.code: group.title for group in read_isco()}


def occupation(code: str) -> Occupation:
    """The unit group ``code`` with its minor, sub-major and major groups, titled as the ILO titles them."""
    parent = None
    for level in range(1, len(code) + 1):
        parent, _created = Occupation.objects.get_or_create(
            code=code[:level], defaults={"level": level, "title": ilo_titles()[code[:level]], "parent": parent}
        )
    assert parent is not None
    return parent


def country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


def need(
    owner,
    member_state: str,
    code: str,
    people: int,
    *,
    languages: str = "",
    sharing_level: str = "eu",
    **fields,
) -> TalentNeed:
    return TalentNeed.objects.create(
        owner=owner,
        sharing_level=sharing_level,
        member_state=country(member_state),
        occupation=occupation(code),
        people_per_year=people,
        first_year=2025,
        last_year=2027,
        languages=languages,
        **fields,
    )


def supply(
    owner,
    partner: str,
    code: str,
    *,
    workers: int | None = None,
    graduates: int | None = None,
    languages: str = "",
    shortage: bool = False,
    sharing_level: str = "eu",
    **fields,
) -> TalentSupply:
    return TalentSupply.objects.create(
        owner=owner,
        sharing_level=sharing_level,
        country=country(partner),
        occupation=occupation(code),
        available_workers=workers,
        yearly_graduates=graduates,
        languages=languages,
        partner_reports_shortage=shortage,
        first_year=2025,
        last_year=2027,
        **fields,
    )


def partnership(
    owner,
    partner: str,
    member_states: tuple[str, ...],
    *,
    status: str = "active",
    occupations: tuple[str, ...] = (),
    sharing_level: str = "eu",
    title: str = "",
) -> TalentPartnership:
    record = TalentPartnership.objects.create(
        owner=owner,
        sharing_level=sharing_level,
        country=country(partner),
        status=status,
        title=title or f"Talent Partnership {'-'.join(member_states)}–{partner}",
    )
    record.member_states.set([country(iso3) for iso3 in member_states])
    record.occupations.set([occupation(code) for code in occupations])
    return record


def safeguard_list(
    name: str,
    in_force_from: date,
    *,
    until: date | None = None,
    covers: str = HEALTH_GROUPS,
    countries: dict[str, str],
) -> SafeguardList:
    """A constructed edition: ``countries`` maps ISO3 codes to the basis of their listing."""
    edition = SafeguardList.objects.create(
        name=name, published=in_force_from, in_force_from=in_force_from, in_force_until=until, covers_isco=covers
    )
    SafeguardListing.objects.bulk_create(
        SafeguardListing(safeguard_list=edition, country=country(iso3), basis=basis)
        for iso3, basis in countries.items()
    )
    return edition


def without_safeguard_lists() -> None:
    """Every test database holds the reference lists (the WHO list of 2023, loaded with the reference
    data): a test that builds its own editions, or none, starts without them."""
    SafeguardListing.objects.all().delete()
    SafeguardList.objects.all().delete()


def who_rows() -> list[dict[str, str]]:
    """The rows of the shared WHO list file (comment lines skipped); the test is skipped without it."""
    if not WHO_LIST_FILE.exists():
        pytest.skip(f"{WHO_LIST_FILE} is absent")
    with WHO_LIST_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def who_2023_list() -> SafeguardList:
    """The WHO Health Workforce Support and Safeguards List 2023 as the shared file gives it."""
    return safeguard_list(
        "WHO SSL 2023",
        date(2023, 3, 14),
        countries={row["iso3"]: row["basis"] for row in who_rows()},
    )
