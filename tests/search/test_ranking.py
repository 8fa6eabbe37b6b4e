"""Ranking, stemming, operators and filters, on small corpora built for each test."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.search.services import SearchFilterError, SearchRequest, search, suggest


def titles(user, text, **filters):
    return [hit.title for hit in search(user, SearchRequest(text=text, **filters)).hits]


def engagement(cast, title, description="", **fields):
    return cast.engagement(
        cast.commission, cast.commission_desk_officer, title=title, description=description, **fields
    )


def test_a_title_match_ranks_above_a_body_match(cast):
    engagement(cast, "Police training", "Support at the border of Morocco.")
    engagement(cast, "Border management support", "Training of officers.")
    user = cast.commission_desk_officer
    assert titles(user, "border") == ["Border management support", "Police training"]
    assert titles(user, "training") == ["Police training", "Border management support"]


def test_two_words_must_both_match_and_rank_by_where_they_are(cast):
    engagement(cast, "Labour mobility scheme", "Nurses from Morocco.")
    engagement(cast, "Labour market study", "Mobility of workers.")
    engagement(cast, "Mobility of students", "Erasmus exchanges.")
    user = cast.commission_desk_officer
    # 10 + 10 for the first, 10 + 1 for the second; the third lacks "labour".
    assert titles(user, "labour mobility") == ["Labour mobility scheme", "Labour market study"]


def test_a_phrase_matches_its_words_in_order_only(cast):
    engagement(cast, "Voluntary return programme", "")
    engagement(cast, "Return of voluntary workers", "")
    user = cast.commission_desk_officer
    assert titles(user, '"voluntary return"') == ["Voluntary return programme"]
    assert sorted(titles(user, "voluntary return")) == ["Return of voluntary workers", "Voluntary return programme"]


def test_a_minus_excludes_and_or_joins(cast):
    engagement(cast, "Border police", "")
    engagement(cast, "Border health checks", "")
    engagement(cast, "Asylum reception", "")
    user = cast.commission_desk_officer
    assert titles(user, "border -police") == ["Border health checks"]
    assert sorted(titles(user, "police OR asylum")) == ["Asylum reception", "Border police"]


def test_english_stems(cast):
    engagement(cast, "Assisted voluntary returns", "Help for each migrant.")
    user = cast.commission_desk_officer
    assert titles(user, "returning") == ["Assisted voluntary returns"]
    assert titles(user, "migrants") == ["Assisted voluntary returns"]


def test_french_stems_and_folded_accents(cast):
    engagement(cast, "Appui aux migrants rapatriés", "Gestion de la frontière sud.")
    user = cast.commission_desk_officer
    assert titles(user, "rapatriements") == ["Appui aux migrants rapatriés"]
    assert titles(user, "frontières") == ["Appui aux migrants rapatriés"]
    assert titles(user, "FRONTIERE") == ["Appui aux migrants rapatriés"]


def test_filters_by_type_country_theme_and_date(cast):
    user = cast.commission_desk_officer
    engagement(cast, "Reintegration in Morocco", countries=("MAR",), themes=("RETURN-REINTEGRATION",))
    engagement(
        cast,
        "Reintegration in Tunisia",
        countries=("TUN",),
        themes=("LEGAL-LABOUR",),
        planned_start=date(2020, 5, 1),
    )
    assert titles(user, "reintegration", country="TUN") == ["Reintegration in Tunisia"]
    assert titles(user, "reintegration", theme="RETURN-REINTEGRATION") == ["Reintegration in Morocco"]
    assert titles(user, "reintegration", date_to=date(2021, 1, 1)) == ["Reintegration in Tunisia"]
    assert titles(user, "reintegration", date_from=date(2021, 1, 1)) == ["Reintegration in Morocco"]
    assert len(titles(user, "reintegration", kinds=("engagement",))) == 2
    assert titles(user, "reintegration", kinds=("event",)) == []


def test_facets_count_the_matches_by_type_country_and_theme(cast):
    user = cast.commission_desk_officer
    engagement(cast, "Reintegration in Morocco", countries=("MAR",))
    engagement(cast, "Reintegration in Morocco and Tunisia", countries=("MAR", "TUN"))
    engagement(cast, "Unrelated", countries=("TUN",))
    found = search(user, SearchRequest(text="reintegration", country="TUN"))
    assert found.total == 1
    countries = {facet.value: facet.count for facet in found.facets["country"]}
    # The country facet ignores the country filter itself (so the other countries can be chosen).
    assert countries == {"MAR": 2, "TUN": 1}
    assert {facet.value: facet.count for facet in found.facets["kind"]} == {"engagement": 1}
    assert {facet.value: facet.count for facet in found.facets["theme"]} == {"RETURN-REINTEGRATION": 1}


def test_the_newest_comes_first_among_equal_scores(cast):
    user = cast.commission_desk_officer
    engagement(cast, "Older reintegration", planned_start=date(2019, 1, 1))
    engagement(cast, "Newer reintegration", planned_start=date(2024, 1, 1))
    assert titles(user, "reintegration") == ["Newer reintegration", "Older reintegration"]


@pytest.mark.parametrize("text", ["", "   ", "-", '""', "OR", "OR OR", '-""', "!!! ???"])
def test_an_empty_or_operator_only_query_is_no_query(cast, text):
    engagement(cast, "Anything")
    found = search(cast.commission_desk_officer, SearchRequest(text=text))
    assert found.total == 0 and found.hits == [] and found.query_note


@pytest.mark.parametrize(
    "text", ['"unclosed', "NEAR(a b)", "a AND b", "title_stems:x", "a*", "^a", "'; DROP TABLE x; --", "a:b) OR (c"]
)
def test_quotes_and_operators_never_raise(cast, text):
    engagement(cast, "Border management")
    search(cast.commission_desk_officer, SearchRequest(text=text))


def test_a_filter_naming_nothing_is_refused_with_its_name(cast):
    user = cast.commission_desk_officer
    for request, field in (
        (SearchRequest(text="x", country="XXX"), "country"),
        (SearchRequest(text="x", theme="NOPE"), "theme"),
        (SearchRequest(text="x", kinds=("nope",)), "kind"),
        (SearchRequest(text="x", date_from=date(2024, 1, 1), date_to=date(2023, 1, 1)), "date_to"),
    ):
        with pytest.raises(SearchFilterError) as refusal:
            search(user, request)
        assert refusal.value.field == field


def test_too_many_terms_are_cut_with_a_note(cast):
    engagement(cast, "Border management")
    found = search(cast.commission_desk_officer, SearchRequest(text=" ".join(["border"] * 30)))
    assert found.total == 1
    assert "12" in found.query_note


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80) | st.text(alphabet=st.sampled_from("ab é\"-OR()*:^'²_ß"), max_size=40))
def test_any_text_searches_and_suggests_without_raising(cast, text):
    search(cast.commission_desk_officer, SearchRequest(text=text))
    suggest(cast.commission_desk_officer, text)
