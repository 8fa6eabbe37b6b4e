"""Two sources disagree when their figures for the same indicator, country, destination and period
differ by more than the tolerance, relative to the larger figure."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.facts.disagreements import disagree, disagreements, relative_gap
from partnerhub.facts.loading import load_reading
from tests.facts.factories import KNOMAD, WDI, figures, hidden_observation, loaded_figure, reading, row

pytestmark = pytest.mark.django_db

TOLERANCE = Decimal("0.05")


def test_figures_exactly_five_percent_apart_agree_and_a_hair_more_disagree():
    assert not disagree(Decimal(100), Decimal(95), TOLERANCE)
    assert disagree(Decimal(100), Decimal("94.999999"), TOLERANCE)
    assert not disagree(Decimal(-100), Decimal(-95), TOLERANCE)
    assert not disagree(Decimal(0), Decimal(0), TOLERANCE)


def test_the_tolerance_comes_from_the_settings(settings):
    settings.PARTNERHUB_FACTS_TOLERANCE = Decimal("0.10")
    assert not disagree(Decimal(100), Decimal(91))
    assert disagree(Decimal(100), Decimal(89))


values = st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False)
tolerances = st.decimals(min_value=0, max_value=1, places=4)


@given(values, values, tolerances)
def test_disagreeing_is_symmetric_and_means_a_gap_larger_than_the_tolerance(first, second, tolerance):
    assert disagree(first, second, tolerance) == disagree(second, first, tolerance)
    assert disagree(first, second, tolerance) == (relative_gap(first, second) > tolerance)
    assert not disagree(first, first, tolerance)


@given(st.decimals(min_value=1, max_value=10**12, places=2), tolerances)
def test_a_figure_at_the_tolerance_below_the_larger_one_still_agrees(larger, tolerance):
    assert not disagree(larger, larger * (1 - tolerance), tolerance)


def test_wdi_and_knomad_figures_for_the_same_country_and_year_are_flagged(cast, settings):
    settings.PARTNERHUB_FACTS_TOLERANCE = TOLERANCE
    load_reading(
        reading(row("MA", "2022", "1000"), row("TN", "2022", "1000"), row("EG", "2022", "1000")), loaded_by=None
    )
    knomad = reading(row("MA", "2022", "950"), row("TN", "2022", "949.99"), row("EG", "2021", "500"), source=KNOMAD)
    load_reading(knomad, loaded_by=None)
    found = disagreements(cast.outsider)
    assert [(d.first.country.iso2, d.first.value, d.second.value) for d in found] == [
        ("TN", Decimal("1000"), Decimal("949.99"))
    ]
    assert {found[0].first.source.dataset, found[0].second.source.dataset} == {WDI.dataset, KNOMAD.dataset}
    assert found[0].gap == Decimal("0.05001")


def test_a_reader_is_told_only_of_disagreements_between_figures_they_may_see(cast):
    hidden = hidden_observation(cast, secret="ministry count")  # MA 2023: 4242, German ministry only
    loaded_figure("MA", "2023", "1000", source=KNOMAD)
    assert disagreements(cast.french_ministry_editor) == []
    assert [d.gap for d in disagreements(cast.german_ministry_editor)] == [relative_gap(hidden.value, Decimal(1000))]


def test_superseded_figures_are_history_not_disagreements(cast):
    loaded_figure("MA", "2022", "1000")
    loaded_figure("MA", "2022", "2000", source=KNOMAD)
    assert len(disagreements(None)) == 1
    figures().filter(source__dataset=WDI.dataset).update(status="superseded")
    assert disagreements(None) == []


def test_finding_disagreements_takes_two_queries(cast, django_assert_max_num_queries):
    for country in ("MA", "TN", "EG", "SN"):
        loaded_figure(country, "2022", "1000")
        loaded_figure(country, "2022", "2000", source=KNOMAD)
    with django_assert_max_num_queries(2):
        assert len(disagreements(None, country__iso2__in=["MA", "TN", "EG"])) == 3
