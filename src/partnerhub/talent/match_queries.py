"""What the matching reads, as the viewer may see it, in a bounded number of queries.

Every record comes through ``visible_to(user)``: a supply the viewer may not see never adds volume,
a partnership or engagement they may not see never counts as cooperation, an override on a need they
may not see is never read. The values handed to the engine (``matching``) carry nothing else.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from partnerhub.core.types import AnyUser
from partnerhub.registry.models import Engagement
from partnerhub.talent.matching import (
    COOPERATING_STATUSES,
    MINOR_GROUP_DIGITS,
    MatchContext,
    MatchSettings,
    NeedFacts,
    NeedIndex,
    OverrideFacts,
    PartnershipFacts,
    Ranking,
    SupplyFacts,
    SupplyIndex,
    SupplyRecord,
    aggregate_supply,
    rank_for_need,
    rank_for_supply,
)
from partnerhub.talent.models import MatchOverride, TalentNeed, TalentPartnership, TalentSupply
from partnerhub.talent.safeguards import load_editions

LEGAL_MIGRATION_THEME = "LEGAL"


def match_settings() -> MatchSettings:
    return MatchSettings(
        weights={name: float(weight) for name, weight in settings.PARTNERHUB_TALENT_WEIGHTS.items()},
        same_unit_fit=float(settings.PARTNERHUB_TALENT_SAME_UNIT_FIT),
        same_minor_fit=float(settings.PARTNERHUB_TALENT_SAME_MINOR_FIT),
        safeguard_factor=float(settings.PARTNERHUB_TALENT_SAFEGUARD_FACTOR),
        shortage_factor=float(settings.PARTNERHUB_TALENT_SHORTAGE_FACTOR),
    )


@dataclass(frozen=True)
class MatchFilters:
    """The filters of a matching page, export or API call (all optional)."""

    member_state: Any = None  # geo.Country
    occupation: str = ""  # an ISCO-08 code prefix
    country: Any = None  # geo.Country, a partner
    route: Any = None  # geo.Route

    @classmethod
    def of(cls, values: dict[str, Any]) -> "MatchFilters":
        return cls(
            values.get("member_state"), values.get("occupation") or "", values.get("country"), values.get("route")
        )


# -- needs --------------------------------------------------------------------------------------------


def visible_needs(user: AnyUser | None, filters: MatchFilters) -> QuerySet[TalentNeed]:
    """The needs the viewer may see, by Member State and occupation, filtered by Member State and group."""
    needs = TalentNeed.objects.visible_to(user).select_related("member_state", "occupation")
    if filters.member_state is not None:
        needs = needs.filter(member_state=filters.member_state)
    if filters.occupation:
        needs = needs.filter(occupation__code__startswith=filters.occupation)
    return needs.order_by("member_state__name", "occupation__code", "pk")


def need_facts(need: TalentNeed) -> NeedFacts:
    return NeedFacts(
        id=need.pk,
        member_state_id=need.member_state_id,
        member_state_name=need.member_state.name,
        member_state_iso3=need.member_state.iso3,
        occupation=need.occupation.code,
        occupation_title=need.occupation.title,
        people_per_year=need.people_per_year,
        languages=frozenset(need.language_codes),
    )


NEED_FIELDS = (
    "pk",
    "member_state_id",
    "member_state__name",
    "member_state__iso3",
    "occupation__code",
    "occupation__title",
    "people_per_year",
    "languages",
)


def visible_need_facts(
    user: AnyUser | None, filters: MatchFilters, *, minor_groups: Iterable[str] | None = None
) -> list[NeedFacts]:
    """The visible needs as the engine reads them, in one query (for the supply side and the full matching)."""
    needs = visible_needs(user, filters)
    if minor_groups is not None:
        needs = needs.filter(_in_groups(minor_groups))
    return [
        NeedFacts(pk, ms_id, ms_name, ms_iso3, code, title, people, frozenset(languages.split()))
        for pk, ms_id, ms_name, ms_iso3, code, title, people, languages in needs.values_list(*NEED_FIELDS)
    ]


# -- supply -------------------------------------------------------------------------------------------


SUPPLY_FIELDS = (
    "country_id",
    "country__name",
    "country__iso3",
    "occupation__code",
    "occupation__title",
    "available_workers",
    "yearly_graduates",
    "languages",
    "partner_reports_shortage",
)


def visible_supply(
    user: AnyUser | None, filters: MatchFilters, *, minor_groups: Iterable[str] | None = None
) -> list[SupplyFacts]:
    """The viewer's visible supply, added up per partner country and unit group, in one query; filtered
    by partner country, route and occupation group, and to ``minor_groups`` when given."""
    records = TalentSupply.objects.visible_to(user)
    if filters.country is not None:
        records = records.filter(country=filters.country)
    if filters.route is not None:
        records = records.filter(country__routes=filters.route)
    if filters.occupation:
        records = records.filter(occupation__code__startswith=filters.occupation)
    if minor_groups is not None:
        records = records.filter(_in_groups(minor_groups))
    return aggregate_supply(
        SupplyRecord(
            country_id,
            name,
            iso3,
            code,
            title,
            # TalentSupply.people_per_year: the available workers where counted, the graduates otherwise.
            workers if workers is not None else (graduates or 0),
            frozenset(languages.split()),
            shortage,
        )
        for country_id, name, iso3, code, title, workers, graduates, languages, shortage in records.values_list(
            *SUPPLY_FIELDS
        )
    )


def _in_groups(minor_groups: Iterable[str]) -> Q:
    groups = sorted(set(minor_groups))
    if not groups:
        return Q(pk__in=[])
    return reduce(or_, (Q(occupation__code__startswith=group) for group in groups))


def minor_groups_of(codes: Iterable[str]) -> set[str]:
    return {code[:MINOR_GROUP_DIGITS] for code in codes}


# -- everything else a suggestion depends on ----------------------------------------------------------


def load_context(user: AnyUser | None, day: date, *, need_ids: Iterable[int] | None = None) -> MatchContext:
    """Safeguard lists, the viewer's cooperating partnerships and legal-migration engagements, and the
    standing overrides on the needs ``need_ids`` (all visible needs when None): six queries."""
    return MatchContext(
        day=day,
        settings=match_settings(),
        editions=load_editions(),
        partnerships=visible_partnerships(user),
        legal_engagements=visible_legal_engagements(user),
        overrides=standing_overrides(user, need_ids),
    )


def visible_partnerships(user: AnyUser | None) -> tuple[PartnershipFacts, ...]:
    partnerships = TalentPartnership.objects.visible_to(user).filter(status__in=COOPERATING_STATUSES)
    rows = list(partnerships.values_list("pk", "title", "country_id", "status"))
    ids = [row[0] for row in rows]
    member_states: dict[int, set[int]] = {pk: set() for pk in ids}
    occupations: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        through = TalentPartnership.member_states.through.objects.filter(talentpartnership_id__in=ids)
        for partnership_id, country_id in through.values_list("talentpartnership_id", "country_id"):
            member_states[partnership_id].add(country_id)
        covered = TalentPartnership.occupations.through.objects.filter(talentpartnership_id__in=ids)
        for partnership_id, code in covered.values_list("talentpartnership_id", "occupation__code"):
            occupations[partnership_id].append(code)
    return tuple(
        PartnershipFacts(pk, title, country_id, frozenset(member_states[pk]), status, tuple(sorted(occupations[pk])))
        for pk, title, country_id, status in rows
    )


def visible_legal_engagements(user: AnyUser | None) -> dict[tuple[int, int], int]:
    """(Member State, partner country) → the viewer's visible engagements of that Member State's
    organisations (the owner's country) in that country on legal migration (LEGAL or a theme below it)."""
    engagements = (
        Engagement.objects.visible_to(user)
        .filter(owner__country__is_eu_member=True, countries__isnull=False)
        .filter(Q(themes__code=LEGAL_MIGRATION_THEME) | Q(themes__parent__code=LEGAL_MIGRATION_THEME))
        .values_list("owner__country_id", "countries__id")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    return {(member_state_id, country_id): count for member_state_id, country_id, count in engagements}


def standing_overrides(user: AnyUser | None, need_ids: Iterable[int] | None) -> tuple[OverrideFacts, ...]:
    overrides = MatchOverride.objects.visible_to(user).filter(withdrawn_at__isnull=True)
    if need_ids is not None:
        overrides = overrides.filter(need_id__in=list(need_ids))
    return tuple(
        override_facts(override) for override in overrides.select_related("occupation", "decided_by").order_by("pk")
    )


def override_facts(override: MatchOverride) -> OverrideFacts:
    user = override.decided_by
    return OverrideFacts(
        id=override.pk,
        need_id=override.need_id,
        country_id=override.country_id,
        occupation=override.occupation.code,
        decision=override.decision,
        reason=override.reason,
        decided_by=(user.get_full_name() or user.get_username()) if user is not None else "",
        decided_on=timezone.localdate(override.decided_at),
    )


# -- needs and supply with their suggestions ----------------------------------------------------------


def suggestions_for_needs(
    user: AnyUser | None, needs: list[NeedFacts], filters: MatchFilters, day: date
) -> list[tuple[NeedFacts, Ranking]]:
    """Each need ranked against the viewer's visible supply of its minor group (filtered by partner
    country and route): eight queries, whatever the number of needs."""
    supply_filters = MatchFilters(country=filters.country, route=filters.route)
    supplies = SupplyIndex(
        visible_supply(user, supply_filters, minor_groups=minor_groups_of(n.occupation for n in needs))
    )
    context = load_context(user, day, need_ids=[need.id for need in needs])
    return [(need, rank_for_need(need, supplies, context)) for need in needs]


def suggestions_for_supply(
    user: AnyUser | None, supplies: list[SupplyFacts], filters: MatchFilters, day: date
) -> list[tuple[SupplyFacts, Ranking]]:
    """Each supply ranked against the viewer's visible needs of its minor group (filtered by Member State)."""
    need_filters = MatchFilters(member_state=filters.member_state)
    needs = visible_need_facts(user, need_filters, minor_groups=minor_groups_of(s.occupation for s in supplies))
    context = load_context(user, day, need_ids=[need.id for need in needs])
    index = NeedIndex(needs)
    return [(supply, rank_for_supply(supply, index, context)) for supply in supplies]


def side_filters(side: str, filters: MatchFilters) -> tuple[MatchFilters, MatchFilters]:
    """(filters of the needs, filters of the supply): the occupation group filters the side listed."""
    if side == "needs":
        return MatchFilters(member_state=filters.member_state, occupation=filters.occupation), MatchFilters(
            country=filters.country, route=filters.route
        )
    return MatchFilters(member_state=filters.member_state), MatchFilters(
        country=filters.country, route=filters.route, occupation=filters.occupation
    )


def candidate_count(user: AnyUser | None, side: str, filters: MatchFilters) -> int:
    """How many suggestions a matching would weigh (pairs in the same minor group), in two queries."""
    need_filters, supply_filters = side_filters(side, filters)
    index = SupplyIndex(visible_supply(user, supply_filters))
    return sum(len(index.candidates(need)) for need in visible_need_facts(user, need_filters))
