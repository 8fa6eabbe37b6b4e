"""Finding or creating the organisations an IATI file names.

An organisation is matched by its IATI identifier, else by its name or a known
alias. One the hub does not know yet is created with a kind and a country read
from its identifier (fixtures/organisation_prefixes.csv, sources noted there)
and its IATI OrganisationType code.

Publishers often fill ``ref`` with a placeholder ("N/A", "-", "0", …) rather
than leave it out. A placeholder identifies nothing: it is read as no ref, so
the organisation is matched by name and never merged with another one that
carried the same placeholder.
"""

import csv
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from partnerhub.access.models import Organisation, OrganisationKind
from partnerhub.iati.mapping import OrganisationReference

PREFIXES_FILE = Path(__file__).parent / "fixtures" / "organisation_prefixes.csv"
PUBLIC_TYPES = frozenset({"", "10", "11", "15"})
NGO_TYPES = frozenset({"21", "22", "23", "24"})
MULTILATERAL_TYPE = "40"


@dataclass(frozen=True)
class PrefixRule:
    prefix: str
    match: str
    kind: str
    country: str
    policy_area: str
    applies_to: str

    def matches(self, ref: str) -> bool:
        if self.match == "exact":
            return ref == self.prefix
        if self.match == "segment":
            return ref == self.prefix or ref.startswith(self.prefix + "-")
        return ref.startswith(self.prefix)


@dataclass(frozen=True)
class OrganisationProfile:
    kind: str
    country_iso2: str = ""
    policy_area: str = ""


@cache
def prefix_rules() -> tuple[PrefixRule, ...]:
    with PREFIXES_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        rules = [
            PrefixRule(row["prefix"], row["match"], row["kind"], row["country"], row["policy_area"], row["applies_to"])
            for row in rows
        ]
    return tuple(sorted(rules, key=lambda rule: -len(rule.prefix)))


def profile_of(reference: OrganisationReference) -> OrganisationProfile:
    """Kind, country and policy area for an organisation the hub does not know yet."""
    ref, type_code = reference.ref.upper(), reference.type
    rule = next((rule for rule in prefix_rules() if rule.matches(ref)), None)
    if rule is None:
        return OrganisationProfile(_kind_from_type(type_code), _country_segment(ref))
    if rule.applies_to == "type":
        return OrganisationProfile(_kind_from_type(type_code))
    if rule.applies_to == "always" or type_code in PUBLIC_TYPES:
        return OrganisationProfile(rule.kind, rule.country, rule.policy_area)
    country = rule.country if rule.applies_to == "public-kind" else ""
    return OrganisationProfile(_kind_from_type(type_code), country)


def _kind_from_type(type_code: str) -> str:
    if type_code == MULTILATERAL_TYPE:
        return OrganisationKind.INTERNATIONAL
    if type_code in NGO_TYPES:
        return OrganisationKind.NGO
    return OrganisationKind.OTHER


def _country_segment(ref: str) -> str:
    """``GB-GOV-1`` → ``GB``: most registration agencies start with the country code."""
    head = ref.split("-", 1)[0]
    return head if len(head) == 2 and head.isalpha() and head not in ("XI", "XM") else ""


PLACEHOLDER_REFS = frozenset({"", "-", "0", "n/a", "na", "not available"})


def is_placeholder_ref(ref: str) -> bool:
    return " ".join(ref.split()).casefold() in PLACEHOLDER_REFS


def canonical_ref(ref: str) -> str:
    """The ref as an identifier: empty for a placeholder; publishers often give a
    multilateral's bare CRS channel code (``47066``) where the organisation
    identifier is ``XM-DAC-47066`` (OrganisationRegistrationAgency XM-DAC)."""
    ref = ref.strip()
    if is_placeholder_ref(ref):
        return ""
    return f"XM-DAC-{ref}" if len(ref) == 5 and ref.isdigit() and ref.startswith("4") else ref


def folded(name: str) -> str:
    return " ".join(name.casefold().split())


class OrganisationDirectory:
    """Every organisation, looked up in memory; new ones are created on first sight."""

    def __init__(self, country_ids_by_iso2: dict[str, int]):
        self.country_ids_by_iso2 = country_ids_by_iso2
        self.by_ref: dict[str, Organisation] = {}
        self.by_name: dict[str, Organisation] = {}
        for organisation in Organisation.objects.all():
            self._remember(organisation)

    def _remember(self, organisation: Organisation) -> None:
        if organisation.iati_identifier:
            self.by_ref[organisation.iati_identifier.upper()] = organisation
        for name in (organisation.name, organisation.acronym, *organisation.aliases):
            if isinstance(name, str) and name.strip():
                self.by_name.setdefault(folded(name), organisation)

    def resolve(self, reference: OrganisationReference) -> Organisation:
        ref = canonical_ref(reference.ref)
        # A reference with no name and a placeholder ref is still named after what the file wrote.
        reference = replace(reference, ref=ref, name=reference.name or ("" if ref else reference.ref.strip()))
        found = self._find(reference)
        return found if found is not None else self._create(reference)

    def find(self, reference: OrganisationReference) -> Organisation | None:
        """The organisation ``reference`` names, if the hub knows it; creates nothing."""
        return self._find(replace(reference, ref=canonical_ref(reference.ref)))

    def _find(self, reference: OrganisationReference) -> Organisation | None:
        found = self.by_ref.get(reference.ref.upper()) if reference.ref else None
        if found is None and reference.name:
            found = self.by_name.get(folded(reference.name))
        return found

    def _create(self, reference: OrganisationReference) -> Organisation:
        profile = profile_of(reference)
        ref_is_free = bool(reference.ref) and reference.ref.upper() not in self.by_ref
        organisation = Organisation.objects.create(
            name=self._free_name(reference.name or reference.ref),
            kind=profile.kind,
            country_id=self.country_ids_by_iso2.get(profile.country_iso2),
            policy_area=profile.policy_area,
            iati_identifier=reference.ref if ref_is_free else None,
        )
        self._remember(organisation)
        return organisation

    def _free_name(self, name: str) -> str:
        """Names are unique; a second organisation of the same name is told apart by a number."""
        name = name[:255]
        candidate, number = name, 2
        while folded(candidate) in self.by_name or Organisation.objects.filter(name=candidate).exists():
            suffix = f" ({number})"
            candidate, number = name[: 255 - len(suffix)] + suffix, number + 1
        return candidate
