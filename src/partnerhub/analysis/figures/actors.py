"""Counted-once figures of one partner country, for one kind of money.

Team Europe is the EU institutions (with the EU delegations) and the Member
States (each through all of its ministries, agencies and embassies). Its
totals count each euro once (see ``netting``); each actor's own row still
shows what it reported. Other actors (international organisations, NGOs,
partner authorities) keep rows of their own and are not part of the Team
Europe total.

Netting is done country by country, against upstream engagements of the same
country: the profile of a country, the map, the balance table and the route
views therefore give the same figure for the same country and viewer.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.analysis.figures.netting import Netting, count_once
from partnerhub.analysis.figures.portfolio import ZERO, EngagementFacts, Portfolio


@dataclass(frozen=True)
class ActorGroup:
    """The EU, one Member State, or one other organisation."""

    key: str
    label: str
    is_team_europe: bool
    organisation_ids: tuple[int, ...]
    order: tuple  # the EU first, then Member States by name, then the others by name


EU_GROUP_KEY = "EU"


class ActorDirectory:
    """Which actor group each owner organisation belongs to (one query)."""

    def __init__(self, owner_ids):
        organisations = Organisation.objects.filter(pk__in=set(owner_ids)).select_related("country")
        members: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in organisations:
            members[_group_key(organisation)].append(organisation)
        self.groups = {key: _group(key, orgs) for key, orgs in members.items()}
        self.group_of_owner = {o.pk: self.groups[key] for key, orgs in members.items() for o in orgs}
        self.owner_names = {o.pk: o.short_name for orgs in members.values() for o in orgs}

    def group(self, owner_id: int) -> ActorGroup:
        return self.group_of_owner[owner_id]

    def is_team_europe(self, facts: EngagementFacts) -> bool:
        return self.group_of_owner[facts.owner_id].is_team_europe


def team_europe_organisation_ids() -> list[int]:
    """Every organisation in Team Europe."""
    organisations = Organisation.objects.select_related("country")
    return sorted(o.pk for o in organisations if _group(_group_key(o), [o]).is_team_europe)


def _group_key(organisation: Organisation) -> str:
    if organisation.is_eu_institution:
        return EU_GROUP_KEY
    if organisation.is_member_state_body and organisation.country is not None:
        return f"MS-{organisation.country.iso3}"
    return f"ORG-{organisation.pk}"


def _group(key: str, organisations: list[Organisation]) -> ActorGroup:
    ids = tuple(sorted(o.pk for o in organisations))
    if key == EU_GROUP_KEY:
        return ActorGroup(key, _("European Union"), True, ids, (0, ""))
    country = organisations[0].country
    if key.startswith("MS-") and country is not None:
        return ActorGroup(key, country.localized_name, True, ids, (1, country.localized_name))
    name = organisations[0].short_name
    return ActorGroup(key, name, False, ids, (2, name.lower()))


def team_europe_rule(actors: ActorDirectory):
    """A Team Europe engagement is only reduced by money counted in Team Europe."""

    def may_cover(upstream: EngagementFacts, downstream: EngagementFacts) -> bool:
        return actors.is_team_europe(upstream) or not actors.is_team_europe(downstream)

    return may_cover


class CountryFigures:
    """The counted-once money of ``kind`` in one country, engagement by engagement."""

    def __init__(self, portfolio: Portfolio, actors: ActorDirectory, country_id: int, kind: str):
        self.country_id = country_id
        self.kind = kind
        self.actors = actors
        self.engagements = {
            pk: facts for pk, facts in portfolio.engagements.items() if country_id in facts.country_fractions
        }
        self.nettings: dict[int, Netting] = count_once(
            self.engagements, portfolio.edges, kind, team_europe_rule(actors)
        )
        self._counted = {pk: netting.net * self.fraction(pk) for pk, netting in self.nettings.items()}
        self._team_europe_ids = sorted(pk for pk, facts in self.engagements.items() if actors.is_team_europe(facts))
        self._team_europe_total = sum((self._counted[pk] for pk in self._team_europe_ids), ZERO)

    def fraction(self, pk: int) -> Decimal:
        return self.engagements[pk].country_fractions[self.country_id]

    def reported(self, pk: int) -> Decimal:
        """What the owner reported for this country, before netting."""
        return self.nettings[pk].gross * self.fraction(pk)

    def counted(self, pk: int) -> Decimal:
        return self._counted[pk]

    def counted_by_year(self, pk: int) -> dict[int, Decimal]:
        scale = self.nettings[pk].ratio * self.fraction(pk)
        return {year: amount * scale for year, amount in self.engagements[pk].money.get(self.kind, {}).items()}

    def team_europe_ids(self) -> list[int]:
        return self._team_europe_ids

    def team_europe_total(self) -> Decimal:
        return self._team_europe_total

    def netted(self) -> list[tuple[int, Netting]]:
        """Engagements with money taken out because it is counted upstream."""
        return [(pk, netting) for pk, netting in sorted(self.nettings.items()) if netting.covered]
