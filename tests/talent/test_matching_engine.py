"""The matching engine on constructed cases (no database): exact rankings, each safeguard, overrides,
ties, the list in force by date; and the general rules as properties."""

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerhub.talent.matching import (
    DEFAULT_SETTINGS,
    MatchContext,
    NeedFacts,
    OverrideFacts,
    PartnershipFacts,
    SafeguardEdition,
    SafeguardEffect,
    SupplyFacts,
    SupplyIndex,
    SupplyRecord,
    aggregate_supply,
    edition_in_force,
    evaluate,
    language_fit,
    match_all,
    occupation_fit,
    rank_for_need,
    volume_fit,
)

DEU, FRA = 1, 2
MAR, TUN, SEN, NGA = 10, 11, 12, 13
NAMES = {MAR: ("Morocco", "MAR"), TUN: ("Tunisia", "TUN"), SEN: ("Senegal", "SEN"), NGA: ("Nigeria", "NGA")}
TODAY = date(2025, 6, 1)

NURSES = NeedFacts(1, DEU, "Germany", "DEU", "2221", "Nursing professionals", 100, frozenset({"de"}))


def offer(country: int, code: str = "2221", people: int = 100, languages=("de",), shortage=False) -> SupplyFacts:
    name, iso3 = NAMES[country]
    return SupplyFacts(country, name, iso3, code, "", people, frozenset(languages), shortage)


def ranking_of(need, supplies, **context):
    context.setdefault("day", TODAY)
    return rank_for_need(need, SupplyIndex(supplies), MatchContext(**context))


def countries(matches) -> list[str]:
    return [f"{m.supply.country_iso3}/{m.supply.occupation}" for m in matches]


WHO_2023 = SafeguardEdition(
    "WHO SSL 2023", date(2023, 3, 14), None, ("221", "222", "226", "321", "322", "532"), {SEN: "WHO SSL 2023"}
)


# -- the factors ------------------------------------------------------------------------------------


def test_occupation_fit_is_one_in_the_unit_group_a_half_in_the_minor_group_and_none_beyond():
    assert occupation_fit("2221", "2221", DEFAULT_SETTINGS) == 1.0
    assert occupation_fit("2221", "2222", DEFAULT_SETTINGS) == 0.5
    assert occupation_fit("2221", "2211", DEFAULT_SETTINGS) is None


def test_volume_fit_is_the_share_of_the_need_met_at_most_one():
    assert volume_fit(100, 25) == 0.25
    assert volume_fit(100, 400) == 1.0
    assert volume_fit(0, 0) == 1.0


def test_language_fit_names_a_match_an_unknown_and_a_mismatch():
    assert language_fit(frozenset(), frozenset({"fr"})) == 1.0
    assert language_fit(frozenset({"de", "en"}), frozenset({"en"})) == 1.0
    assert language_fit(frozenset({"de"}), frozenset()) == 0.5
    assert language_fit(frozenset({"de"}), frozenset({"fr"})) == 0.0


def test_cooperation_is_one_with_a_partnership_and_a_half_with_legal_migration_engagements():
    talks = PartnershipFacts(7, "DE–MA skills", MAR, frozenset({DEU}), "negotiating")
    paused = PartnershipFacts(8, "DE–TN paused", TUN, frozenset({DEU}), "paused")
    context = MatchContext(day=TODAY, partnerships=(talks, paused), legal_engagements={(DEU, SEN): 2})
    fits = {c: evaluate(NURSES, offer(c), context).cooperation_fit for c in (MAR, TUN, SEN, NGA)}
    assert fits == {MAR: 1.0, TUN: 0.0, SEN: 0.5, NGA: 0.0}


# -- exact rankings ---------------------------------------------------------------------------------


def test_ranking_by_score_then_country_name_then_occupation():
    supplies = [
        offer(TUN, "2221", 50),  # volume 0.5: 0.675
        offer(MAR, "2222", 100),  # same minor group only: 0.675 too, Morocco before Tunisia
        offer(MAR, "2221", 100),
        offer(NGA, "2221", 100),  # ties with Morocco: Morocco first by name
        offer(SEN, "2211", 500),  # another minor group: no candidate
    ]
    ranking = ranking_of(NURSES, supplies)
    assert countries(ranking.ranked) == ["MAR/2221", "NGA/2221", "MAR/2222", "TUN/2221"]
    assert [round(m.score, 4) for m in ranking.ranked] == [0.85, 0.85, 0.675, 0.675]
    assert ranking.blocked == []


def test_equal_scores_are_ordered_the_same_whatever_the_input_order():
    supplies = [offer(c, code) for c in (MAR, TUN, NGA, SEN) for code in ("2221", "2222")]
    expected = countries(ranking_of(NURSES, supplies).ranked)
    for seed in range(5):
        random.Random(seed).shuffle(supplies)
        assert countries(ranking_of(NURSES, supplies).ranked) == expected


def test_a_listed_country_is_blocked_in_a_covered_occupation_and_said_so():
    ranking = ranking_of(NURSES, [offer(SEN), offer(MAR, people=10)], editions=(WHO_2023,))
    assert countries(ranking.ranked) == ["MAR/2221"]
    [blocked] = ranking.blocked
    assert blocked.supply.country_iso3 == "SEN"
    assert blocked.safeguard_effect == SafeguardEffect.BLOCKED
    assert blocked.safeguard_edition.name == "WHO SSL 2023"


def test_an_active_partnership_covering_the_occupation_lowers_instead_of_blocking():
    agreement = PartnershipFacts(3, "DE–SN health workers", SEN, frozenset({DEU}), "active", ("222",))
    ranking = ranking_of(NURSES, [offer(SEN), offer(MAR)], editions=(WHO_2023,), partnerships=(agreement,))
    assert countries(ranking.ranked) == ["MAR/2221", "SEN/2221"]
    senegal = ranking.ranked[1]
    assert senegal.safeguard_effect == SafeguardEffect.LOWERED
    assert senegal.agreement == agreement
    # Cooperation 1 (the partnership) against Morocco's 0, then halved: 1.0 × 0.5.
    assert (round(senegal.base_score, 4), round(senegal.score, 4)) == (1.0, 0.5)


def test_a_partnership_still_negotiating_or_not_covering_the_occupation_does_not_lift_the_block():
    talks = PartnershipFacts(3, "DE–SN talks", SEN, frozenset({DEU}), "negotiating", ("2221",))
    other = PartnershipFacts(4, "DE–SN electricians", SEN, frozenset({DEU}), "active", ("741",))
    ranking = ranking_of(NURSES, [offer(SEN)], editions=(WHO_2023,), partnerships=(talks, other))
    assert ranking.ranked == [] and len(ranking.blocked) == 1


def test_an_occupation_the_list_does_not_cover_is_not_safeguarded():
    engineers = NeedFacts(2, DEU, "Germany", "DEU", "2142", "Civil engineers", 10)
    [match] = ranking_of(engineers, [offer(SEN, "2142")], editions=(WHO_2023,)).ranked
    assert match.safeguard_effect is None and match.score == match.base_score


def test_the_partners_own_shortage_lowers_the_suggestion():
    ranking = ranking_of(NURSES, [offer(MAR, shortage=True), offer(TUN)])
    assert countries(ranking.ranked) == ["TUN/2221", "MAR/2221"]
    assert ranking.ranked[1].shortage_applied
    assert ranking.ranked[1].score == pytest.approx(ranking.ranked[0].score * 0.5)


def test_a_coordinators_allow_lifts_the_safeguards_and_a_block_blocks():
    allow = OverrideFacts(1, NURSES.id, SEN, "2221", "allow", "Bilateral health agreement", "Anna", TODAY)
    block = OverrideFacts(2, NURSES.id, MAR, "2221", "block", "Partner asked to pause", "Anna", TODAY)
    ranking = ranking_of(
        NURSES, [offer(SEN, shortage=True), offer(MAR), offer(TUN)], editions=(WHO_2023,), overrides=(allow, block)
    )
    assert countries(ranking.ranked) == ["SEN/2221", "TUN/2221"]
    assert ranking.ranked[0].safeguard_effect == SafeguardEffect.LIFTED
    assert ranking.ranked[0].score == ranking.ranked[0].base_score
    assert countries(ranking.blocked) == ["MAR/2221"]
    assert ranking.blocked[0].override == block


def test_the_newest_list_in_force_on_the_date_applies():
    list_2020 = SafeguardEdition("SSL 2020", date(2020, 1, 1), date(2023, 3, 14), ("222",), {MAR: "2020 criteria"})
    list_2023 = SafeguardEdition("SSL 2023", date(2023, 3, 14), None, ("222",), {SEN: "2023 criteria"})
    editions = (list_2023, list_2020)
    assert edition_in_force(editions, date(2019, 12, 31)) is None
    assert edition_in_force(editions, date(2022, 6, 1)) == list_2020
    assert edition_in_force(editions, date(2023, 3, 14)) == list_2023
    supplies = [offer(MAR), offer(SEN)]
    in_2022 = ranking_of(NURSES, supplies, editions=editions, day=date(2022, 6, 1))
    in_2024 = ranking_of(NURSES, supplies, editions=editions, day=date(2024, 6, 1))
    assert (countries(in_2022.ranked), countries(in_2022.blocked)) == (["SEN/2221"], ["MAR/2221"])
    assert (countries(in_2024.ranked), countries(in_2024.blocked)) == (["MAR/2221"], ["SEN/2221"])


def test_editions_side_by_side_the_newest_wins():
    older = SafeguardEdition("Old", date(2020, 1, 1), None, ("222",), {MAR: "old"})
    newer = SafeguardEdition("New", date(2023, 1, 1), None, ("222",), {SEN: "new"})
    assert edition_in_force((older, newer), date(2024, 1, 1)) == newer


def test_supply_records_of_a_country_and_occupation_are_added_up():
    records = [
        SupplyRecord(MAR, "Morocco", "MAR", "2221", "", 30, frozenset({"fr"}), False),
        SupplyRecord(MAR, "Morocco", "MAR", "2221", "", 50, frozenset({"de"}), True),
        SupplyRecord(MAR, "Morocco", "MAR", "2222", "", 7, frozenset(), False),
    ]
    [nurses, midwives] = aggregate_supply(records)
    assert (nurses.people_per_year, nurses.languages, nurses.shortage, nurses.records) == (
        80,
        frozenset({"fr", "de"}),
        True,
        2,
    )
    assert (midwives.occupation, midwives.people_per_year) == ("2222", 7)


# -- properties -------------------------------------------------------------------------------------

codes = st.sampled_from(["2221", "2222", "2211", "3221"])
people = st.integers(min_value=0, max_value=10_000)
languages = st.frozensets(st.sampled_from(["de", "fr", "en", "ar"]), max_size=2)


@st.composite
def supplies(draw):
    found = []
    for country in draw(st.lists(st.sampled_from(list(NAMES)), min_size=1, max_size=4, unique=True)):
        name, iso3 = NAMES[country]
        for code in draw(st.lists(codes, min_size=1, max_size=2, unique=True)):
            found.append(SupplyFacts(country, name, iso3, code, "", draw(people), draw(languages), draw(st.booleans())))
    return found


needs = st.builds(
    NeedFacts,
    id=st.integers(1, 50),
    member_state_id=st.just(DEU),
    member_state_name=st.just("Germany"),
    member_state_iso3=st.just("DEU"),
    occupation=codes,
    occupation_title=st.just(""),
    people_per_year=st.integers(1, 5000),
    languages=languages,
)


@given(need=needs, supply=supplies(), extra=people)
def test_adding_supply_never_lowers_the_volume_fit(need, supply, extra):
    context = MatchContext(day=TODAY)
    for offered in supply:
        before = evaluate(need, offered, context)
        more = SupplyFacts(
            **{
                **{f: getattr(offered, f) for f in offered.__slots__},
                "people_per_year": offered.people_per_year + extra,
            }
        )
        after = evaluate(need, more, context)
        if before is not None:
            assert after.volume_fit >= before.volume_fit


@given(need=needs, supply=supplies(), factor=st.sampled_from([0.0, 0.5, 1.0]))
def test_a_safeguarded_pair_never_outranks_an_otherwise_identical_unsafeguarded_one(need, supply, factor):
    """Senegal's supply copies Tunisia's (whose name sorts after it); only Senegal is listed."""
    base = supply[0]
    tunisia = SupplyFacts(
        TUN, "Tunisia", "TUN", base.occupation, "", base.people_per_year, base.languages, base.shortage
    )
    senegal = SupplyFacts(
        SEN, "Senegal", "SEN", base.occupation, "", base.people_per_year, base.languages, base.shortage
    )
    agreement = PartnershipFacts(1, "DE–SN", SEN, frozenset({DEU}), "active", (base.occupation,))
    same_cooperation = PartnershipFacts(2, "DE–TN", TUN, frozenset({DEU}), "active")
    settings_ = DEFAULT_SETTINGS.__class__(weights=DEFAULT_SETTINGS.weights, safeguard_factor=factor)
    edition = SafeguardEdition("SSL", date(2020, 1, 1), None, ("2", "3"), {SEN: "listed"})
    ranking = ranking_of(
        need, [senegal, tunisia], editions=(edition,), partnerships=(agreement, same_cooperation), settings=settings_
    )
    order = [m.supply.country_iso3 for m in ranking.ranked + ranking.blocked]
    if "TUN" in order and "SEN" in order:
        assert order.index("TUN") < order.index("SEN")


@settings(max_examples=50)
@given(
    need_list=st.lists(needs, min_size=1, max_size=4, unique_by=lambda n: n.id), supply=supplies(), seed=st.integers()
)
def test_the_same_data_gives_the_same_ranking_whatever_the_input_order(need_list, supply, seed):
    context = MatchContext(day=TODAY, editions=(WHO_2023,))
    first = match_all(need_list, supply, context)
    shuffled_needs, shuffled_supply = list(need_list), list(supply)
    random.Random(seed).shuffle(shuffled_needs)
    random.Random(seed).shuffle(shuffled_supply)
    second = match_all(shuffled_needs, shuffled_supply, context)
    assert {k: (v.ranked, v.blocked) for k, v in first.items()} == {k: (v.ranked, v.blocked) for k, v in second.items()}


@given(need=needs, supply=supplies())
def test_the_inline_factors_follow_the_factor_rules(need, supply):
    """``evaluate_all`` computes the factors inline for speed: they are the documented rules."""
    context = MatchContext(day=TODAY)
    for offered in supply:
        match = evaluate(need, offered, context)
        fit = occupation_fit(need.occupation, offered.occupation, DEFAULT_SETTINGS)
        if fit is None:
            assert match is None
            continue
        assert match.occupation_fit == fit
        assert match.volume_fit == volume_fit(need.people_per_year, offered.people_per_year)
        assert match.language_fit == language_fit(need.languages, offered.languages)
        weighted = 0.35 * fit + 0.35 * match.volume_fit + 0.15 * match.language_fit
        assert match.base_score == pytest.approx(weighted)
