"""The matching engine: a need against partner countries' supply, and a supply against Member States' needs.

Pure Python over small frozen values, without the database: ``match_queries`` loads what a viewer
may see and turns it into these values, and every page, export, API answer and the benchmark calls
the same functions here. The rules are written up in docs/talent-matching.md and on the pages.

A suggestion pairs one need (Member State m, unit group o, p people a year) with one partner country
c's supply in one unit group o' of the same minor group as o: the viewer's visible supply records of
(c, o') added up (``aggregate_supply``). Its score is the weighted mean of four factors, each 0 to 1,
then the safeguards lower or block it, and a coordinator's override may lift or impose a block.
"""

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from operator import itemgetter
from typing import NamedTuple

FACTORS = ("occupation", "volume", "language", "cooperation")
MINOR_GROUP_DIGITS = 3
SCORE_DIGITS = 9
# Talent Partnerships in these states count as cooperation in place.
COOPERATING_STATUSES = frozenset({"exploring", "negotiating", "active"})
ACTIVE = "active"


# -- what the engine reads ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedFacts:
    """One visible need: Member State m seeks ``people_per_year`` people a year in the unit group ``occupation``."""

    id: int
    member_state_id: int
    member_state_name: str
    member_state_iso3: str
    occupation: str
    occupation_title: str
    people_per_year: int
    languages: frozenset[str] = frozenset()

    @property
    def minor_group(self) -> str:
        return self.occupation[:MINOR_GROUP_DIGITS]

    @property
    def language_list(self) -> list[str]:
        return sorted(self.languages)


class SupplyRecord(NamedTuple):
    """One visible supply record as loaded, before the records of a country and occupation are added up."""

    country_id: int
    country_name: str
    country_iso3: str
    occupation: str
    occupation_title: str
    people_per_year: int
    languages: frozenset[str]
    shortage: bool


@dataclass(frozen=True, slots=True)
class SupplyFacts:
    """A partner country's visible supply in one unit group: its records added up."""

    country_id: int
    country_name: str
    country_iso3: str
    occupation: str
    occupation_title: str
    people_per_year: int
    languages: frozenset[str] = frozenset()
    shortage: bool = False
    records: int = 1

    @property
    def minor_group(self) -> str:
        return self.occupation[:MINOR_GROUP_DIGITS]

    @property
    def language_list(self) -> list[str]:
        return sorted(self.languages)


def aggregate_supply(records: Iterable[SupplyRecord]) -> list[SupplyFacts]:
    """One ``SupplyFacts`` per (country, occupation): people added up, languages united, a shortage if
    any record reports one. Sorted by country name, ISO3 and occupation whatever the input order."""
    grouped: dict[tuple[int, str], list[SupplyRecord]] = defaultdict(list)
    for record in records:
        grouped[(record.country_id, record.occupation)].append(record)
    supplies = [
        SupplyFacts(
            country_id=group[0].country_id,
            country_name=group[0].country_name,
            country_iso3=group[0].country_iso3,
            occupation=group[0].occupation,
            occupation_title=group[0].occupation_title,
            people_per_year=sum(record.people_per_year for record in group),
            languages=frozenset().union(*(record.languages for record in group)),
            shortage=any(record.shortage for record in group),
            records=len(group),
        )
        for group in grouped.values()
    ]
    return sorted(supplies, key=lambda s: (s.country_name, s.country_iso3, s.occupation))


@dataclass(frozen=True, slots=True)
class PartnershipFacts:
    """A visible Talent Partnership: its Member States, partner country, status and occupations."""

    id: int
    title: str
    country_id: int
    member_state_ids: frozenset[int]
    status: str
    occupations: tuple[str, ...] = ()

    def covers(self, occupation: str) -> bool:
        """An occupation group covers every group under it (222 covers 2221)."""
        return any(occupation.startswith(code) for code in self.occupations)


@dataclass(frozen=True, slots=True)
class SafeguardEdition:
    """One edition of a safeguard list: the countries listed (id → basis) and the occupations it covers."""

    name: str
    in_force_from: date
    in_force_until: date | None
    covers: tuple[str, ...]
    listings: Mapping[int, str] = field(default_factory=dict)
    source_url: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    def covers_occupation(self, occupation: str) -> bool:
        return any(occupation.startswith(code) for code in self.covers)

    def basis_for(self, country_id: int, occupation: str) -> str | None:
        """The basis on which the country is listed when the list covers the occupation; None otherwise."""
        basis = self.listings.get(country_id)
        if basis is None or not self.covers_occupation(occupation):
            return None
        return basis


def edition_in_force(editions: Iterable[SafeguardEdition], day: date) -> SafeguardEdition | None:
    """Of the editions in force on ``day`` (several may be, side by side), the newest."""
    in_force = [edition for edition in editions if edition.in_force_on(day)]
    return max(in_force, key=lambda e: (e.in_force_from, e.name), default=None)


class Decision(StrEnum):
    ALLOW = "allow"
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class OverrideFacts:
    """A coordinator's standing (not withdrawn) decision on one suggestion."""

    id: int
    need_id: int
    country_id: int
    occupation: str
    decision: str
    reason: str
    decided_by: str
    decided_on: date


@dataclass(frozen=True, slots=True)
class MatchSettings:
    weights: Mapping[str, float]
    same_unit_fit: float = 1.0
    same_minor_fit: float = 0.5
    safeguard_factor: float = 0.5
    shortage_factor: float = 0.5

    @property
    def total_weight(self) -> float:
        return float(sum(self.weights[name] for name in FACTORS))


DEFAULT_SETTINGS = MatchSettings(weights={"occupation": 0.35, "volume": 0.35, "language": 0.15, "cooperation": 0.15})


@dataclass(frozen=True)
class MatchContext:
    """Everything besides the need and the supply that a suggestion depends on, as the viewer may see it."""

    day: date
    settings: MatchSettings = DEFAULT_SETTINGS
    editions: tuple[SafeguardEdition, ...] = ()
    partnerships: tuple[PartnershipFacts, ...] = ()
    # (Member State id, partner country id) → visible engagements of that Member State's organisations
    # in that country on legal migration (theme LEGAL or below).
    legal_engagements: Mapping[tuple[int, int], int] = field(default_factory=dict)
    overrides: tuple[OverrideFacts, ...] = ()

    def __post_init__(self) -> None:
        by_pair: dict[tuple[int, int], list[PartnershipFacts]] = defaultdict(list)
        for partnership in sorted(self.partnerships, key=lambda p: (p.title, p.id)):
            if partnership.status in COOPERATING_STATUSES:
                for member_state_id in partnership.member_state_ids:
                    by_pair[(member_state_id, partnership.country_id)].append(partnership)
        object.__setattr__(self, "_partnerships_by_pair", {pair: tuple(found) for pair, found in by_pair.items()})
        object.__setattr__(self, "_edition", edition_in_force(self.editions, self.day))
        object.__setattr__(self, "_overrides", {(o.need_id, o.country_id, o.occupation): o for o in self.overrides})
        object.__setattr__(self, "_overridden_needs", frozenset(o.need_id for o in self.overrides))
        object.__setattr__(self, "_cooperation", {})

    @property
    def overridden_needs(self) -> frozenset[int]:
        """The needs with a standing override: only their suggestions need looking up."""
        needs: frozenset[int] = self._overridden_needs  # type: ignore[attr-defined]
        return needs

    def cooperation_with(self, member_state_id: int) -> dict[int, tuple[tuple[PartnershipFacts, ...], int, float]]:
        """Partner country id → (partnerships, legal-migration engagements, cooperation fit) for one
        Member State; countries without either are absent. Computed once per Member State."""
        cache: dict[int, dict[int, tuple[tuple[PartnershipFacts, ...], int, float]]] = self._cooperation  # type: ignore[attr-defined]
        if member_state_id not in cache:
            pairs = self._partnerships_by_pair  # type: ignore[attr-defined]
            countries = {c for (m, c) in pairs if m == member_state_id}
            countries |= {c for (m, c) in self.legal_engagements if m == member_state_id}
            found = {}
            for country_id in countries:
                partnerships = pairs.get((member_state_id, country_id), ())
                engagements = self.legal_engagements.get((member_state_id, country_id), 0)
                found[country_id] = (partnerships, engagements, cooperation_fit(partnerships, engagements))
            cache[member_state_id] = found
        return cache[member_state_id]

    @property
    def edition(self) -> SafeguardEdition | None:
        """The safeguard list in force on the matching date."""
        edition: SafeguardEdition | None = self._edition  # type: ignore[attr-defined]
        return edition

    def partnerships_between(self, member_state_id: int, country_id: int) -> tuple[PartnershipFacts, ...]:
        found: tuple[PartnershipFacts, ...] = self._partnerships_by_pair.get(  # type: ignore[attr-defined]
            (member_state_id, country_id), ()
        )
        return found

    def override_for(self, need_id: int, country_id: int, occupation: str) -> OverrideFacts | None:
        found: OverrideFacts | None = self._overrides.get((need_id, country_id, occupation))  # type: ignore[attr-defined]
        return found


# -- what the engine answers ----------------------------------------------------------------------


class SafeguardEffect(StrEnum):
    LOWERED = "lowered"  # listed, but an active partnership covers the occupation
    BLOCKED = "blocked"  # listed, no government-to-government agreement
    LIFTED = "lifted"  # listed, and a coordinator allowed the suggestion


class Match(NamedTuple):
    """One suggestion, factor by factor; a tuple, since the full matching builds millions of them."""

    need: NeedFacts
    supply: SupplyFacts
    occupation_fit: float
    volume_fit: float
    language_fit: float
    cooperation_fit: float
    base_score: float
    score: float
    blocked: bool
    # The safeguard list edition whose listing touches the pair, the basis, and what it did.
    safeguard_edition: SafeguardEdition | None
    safeguard_basis: str
    safeguard_effect: SafeguardEffect | None
    # The active partnership that turns a block into a lowering (government-to-government agreement).
    agreement: PartnershipFacts | None
    shortage_applied: bool
    override: OverrideFacts | None
    cooperation: tuple[PartnershipFacts, ...]
    engagements: int
    # 2 when lowered by a safeguard list, + 1 when lowered by a shortage: at equal scores, ranked after.
    demoted: int = 0

    @property
    def safeguarded(self) -> bool:
        """Lowered by a safeguard list (a government-to-government agreement in place)."""
        return self.safeguard_effect == SafeguardEffect.LOWERED

    def factor(self, name: str) -> float:
        return float(getattr(self, f"{name}_fit"))


@dataclass(frozen=True)
class Ranking:
    """The suggestions ranked, and those blocked, listed apart with their reason."""

    ranked: list[Match]
    blocked: list[Match]

    def __len__(self) -> int:
        return len(self.ranked) + len(self.blocked)


# -- the factors ------------------------------------------------------------------------------------


def occupation_fit(need_occupation: str, supply_occupation: str, settings: MatchSettings) -> float | None:
    """1 (by default) in the same unit group, 0.5 in the same minor group; None: no candidate."""
    if need_occupation == supply_occupation:
        return settings.same_unit_fit
    if need_occupation[:MINOR_GROUP_DIGITS] == supply_occupation[:MINOR_GROUP_DIGITS]:
        return settings.same_minor_fit
    return None


def volume_fit(need_people: int, supply_people: int) -> float:
    """The share of the need the supply could fill, at most 1; a need of nobody is filled."""
    if need_people <= 0:
        return 1.0
    return min(supply_people / need_people, 1.0)


def language_fit(need_languages: frozenset[str], supply_languages: frozenset[str]) -> float:
    """1 when the need names no language or one matches; 0.5 when the supply names none; 0 otherwise."""
    if not need_languages or not need_languages.isdisjoint(supply_languages):
        return 1.0
    if not supply_languages:
        return 0.5
    return 0.0


def cooperation_fit(partnerships: tuple[PartnershipFacts, ...], engagements: int) -> float:
    """1 with a Talent Partnership in place, 0.5 with engagements on legal migration, 0 otherwise."""
    if partnerships:
        return 1.0
    return 0.5 if engagements else 0.0


# -- one suggestion ---------------------------------------------------------------------------------


def evaluate(need: NeedFacts, supply: SupplyFacts, context: MatchContext) -> Match | None:
    """The suggestion pairing ``need`` with ``supply``; None when the occupations are too far apart."""
    if occupation_fit(need.occupation, supply.occupation, context.settings) is None:
        return None
    [match] = evaluate_all(need, [supply], context)
    return match


def evaluate_all(need: NeedFacts, candidates: Iterable[SupplyFacts], context: MatchContext) -> list[Match]:
    """The suggestions pairing ``need`` with each of ``candidates`` (supply of its minor group).

    The full matching weighs millions of pairs: the factors are computed inline here (the same rules as
    ``occupation_fit``, ``volume_fit``, ``language_fit`` and ``cooperation_fit``), and only a pair that a
    safeguard, a shortage or an override touches goes through ``_with_safeguards``."""
    settings = context.settings
    weights = settings.weights
    w_occupation, w_volume = weights["occupation"], weights["volume"]
    w_language, w_cooperation = weights["language"], weights["cooperation"]
    total = settings.total_weight
    unit_fit, minor_fit = settings.same_unit_fit, settings.same_minor_fit
    code, wanted, languages = need.occupation, need.people_per_year, need.languages
    edition = context.edition
    listed = edition.listings if edition is not None else {}
    overridden = context.overridden_needs
    cooperation = context.cooperation_with(need.member_state_id)
    matches: list[Match] = []
    append = matches.append
    for supply in candidates:
        fit = unit_fit if supply.occupation == code else minor_fit
        volume = 1.0 if wanted <= 0 else min(supply.people_per_year / wanted, 1.0)
        if not languages or not languages.isdisjoint(supply.languages):
            language = 1.0
        else:
            language = 0.0 if supply.languages else 0.5
        partnerships, engagements, together = cooperation.get(supply.country_id, NO_COOPERATION)
        base = (w_occupation * fit + w_volume * volume + w_language * language + w_cooperation * together) / total
        if supply.shortage or supply.country_id in listed or need.id in overridden:
            factors = (fit, volume, language, together, base)
            append(_with_safeguards(need, supply, context, factors, partnerships, engagements))
        else:
            score = round(base, SCORE_DIGITS)
            append(
                Match(
                    need,
                    supply,
                    fit,
                    volume,
                    language,
                    together,
                    score,
                    score,
                    False,
                    None,
                    "",
                    None,
                    None,
                    False,
                    None,
                    partnerships,
                    engagements,
                )  # fmt: skip
            )
    return matches


NO_COOPERATION: tuple[tuple["PartnershipFacts", ...], int, float] = ((), 0, 0.0)


def _with_safeguards(
    need: NeedFacts,
    supply: SupplyFacts,
    context: MatchContext,
    factors: tuple[float, float, float, float, float],
    partnerships: tuple[PartnershipFacts, ...],
    engagements: int,
) -> Match:
    settings, edition = context.settings, context.edition
    basis = edition.basis_for(supply.country_id, supply.occupation) if edition is not None else None
    override = context.override_for(need.id, supply.country_id, supply.occupation)
    allowed = override is not None and override.decision == Decision.ALLOW
    multiplier, blocked = 1.0, False
    effect: SafeguardEffect | None = None
    agreement = None
    if basis is not None:
        agreement = next((p for p in partnerships if p.status == ACTIVE and p.covers(supply.occupation)), None)
        if allowed:
            effect = SafeguardEffect.LIFTED
        elif agreement is not None:
            effect, multiplier = SafeguardEffect.LOWERED, settings.safeguard_factor
        else:
            effect, blocked = SafeguardEffect.BLOCKED, True
    shortage_applied = supply.shortage and not allowed
    if shortage_applied:
        multiplier *= settings.shortage_factor
    if override is not None and override.decision == Decision.BLOCK:
        blocked = True
    base = factors[4]
    return Match(
        need,
        supply,
        *factors[:4],
        # Rounded so that equal scores reached by different sums tie exactly (then names decide).
        base_score=round(base, SCORE_DIGITS),
        score=round(base * multiplier, SCORE_DIGITS),
        blocked=blocked,
        safeguard_edition=edition if basis is not None else None,
        safeguard_basis=basis or "",
        safeguard_effect=effect,
        agreement=agreement,
        shortage_applied=shortage_applied,
        override=override,
        cooperation=partnerships,
        engagements=engagements,
        demoted=(2 if effect == SafeguardEffect.LOWERED else 0) + (1 if shortage_applied else 0),
    )


# -- rankings ---------------------------------------------------------------------------------------


_SCORE = itemgetter(Match._fields.index("score"))
_DEMOTED = itemgetter(Match._fields.index("demoted"))


def _ranking(matches: Iterable[Match]) -> Ranking:
    """Score descending; at equal scores one lowered by a safeguard list, then one lowered by a shortage,
    after one that is not (a safeguarded pair never outranks an otherwise identical one); then in the
    candidates' order, which the indexes keep sorted by name, ISO3 and occupation. Two stable sorts
    with keys read in C: the full matching sorts millions of suggestions."""
    ranked: list[Match] = []
    blocked: list[Match] = []
    for match in matches:
        (blocked if match.blocked else ranked).append(match)
    for found in (ranked, blocked):
        found.sort(key=_DEMOTED)
        found.sort(key=_SCORE, reverse=True)
    return Ranking(ranked, blocked)


class SupplyIndex:
    """Supply grouped by minor group, so that a need meets only its candidates."""

    def __init__(self, supplies: Iterable[SupplyFacts]):
        self.by_minor_group: dict[str, list[SupplyFacts]] = defaultdict(list)
        for supply in sorted(supplies, key=lambda s: (s.country_name, s.country_iso3, s.occupation)):
            self.by_minor_group[supply.minor_group].append(supply)

    def candidates(self, need: NeedFacts) -> list[SupplyFacts]:
        return self.by_minor_group.get(need.minor_group, [])


class NeedIndex:
    """Needs grouped by minor group, so that a supply meets only its candidates."""

    def __init__(self, needs: Iterable[NeedFacts]):
        self.by_minor_group: dict[str, list[NeedFacts]] = defaultdict(list)
        for need in sorted(needs, key=lambda n: (n.member_state_name, n.member_state_iso3, n.occupation, n.id)):
            self.by_minor_group[need.minor_group].append(need)

    def candidates(self, supply: SupplyFacts) -> list[NeedFacts]:
        return self.by_minor_group.get(supply.minor_group, [])


def rank_for_need(need: NeedFacts, supplies: SupplyIndex, context: MatchContext) -> Ranking:
    """Partner countries' supply ranked for one need: score descending, then country name, ISO3,
    occupation code; a suggestion lowered by a safeguard comes after an equal one that is not."""
    return _ranking(evaluate_all(need, supplies.candidates(need), context))


def rank_for_supply(supply: SupplyFacts, needs: NeedIndex, context: MatchContext) -> Ranking:
    """Member States' needs ranked for one supply: score descending, then Member State name, occupation code."""
    return _ranking(evaluate_all(need, [supply], context)[0] for need in needs.candidates(supply))


def match_all(needs: Iterable[NeedFacts], supplies: Iterable[SupplyFacts], context: MatchContext) -> dict[int, Ranking]:
    """Every need's ranking, by need id (kept whole: for a few needs; see ``iter_rankings``)."""
    return {need.id: ranking for need, ranking in iter_rankings(needs, supplies, context)}


def iter_rankings(
    needs: Iterable[NeedFacts], supplies: Iterable[SupplyFacts], context: MatchContext
) -> Iterator[tuple[NeedFacts, Ranking]]:
    """Each need with its ranking, one need at a time: the full matching weighs millions of pairs, which
    its readers (exports, the benchmark) use need by need rather than keep all at once."""
    index = SupplyIndex(supplies)
    with _without_cycle_collection():
        for need in needs:
            yield need, rank_for_need(need, index, context)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The full matching keeps millions of small tuples without reference cycles: Python's cycle
    collector would walk them again and again (two thirds of the time, measured). Paused meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
