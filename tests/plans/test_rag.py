"""The RAG rating the indicators suggest."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from partnerhub.plans.rag import expected_progress, indicator_progress, suggested_rag


def test_progress_runs_from_the_baseline_to_the_target_and_stays_within_it():
    assert indicator_progress(Decimal(100), Decimal(300), Decimal(200)) == Decimal("0.5")
    assert indicator_progress(Decimal(100), Decimal(300), Decimal(500)) == 1
    assert indicator_progress(Decimal(100), Decimal(300), Decimal(50)) == 0
    assert indicator_progress(Decimal(10), Decimal(0), Decimal(5)) == Decimal("0.5")  # a target below the baseline
    assert indicator_progress(Decimal(1), Decimal(1), None) is None


def test_an_action_on_schedule_is_green_half_way_amber_and_further_behind_red():
    expected = expected_progress(date(2026, 1, 1), date(2026, 12, 31), date(2027, 12, 31), date(2026, 7, 2))
    assert Decimal("0.49") < expected < Decimal("0.51")
    assert suggested_rag([Decimal("0.5")], expected) == "green"
    assert suggested_rag([Decimal("0.3")], expected) == "amber"
    assert suggested_rag([Decimal("0.1"), None], expected) == "red"
    assert suggested_rag([None], expected) == ""


def test_past_the_deadline_only_the_whole_way_is_green():
    expected = expected_progress(date(2025, 1, 1), date(2025, 6, 30), date(2027, 12, 31), date(2026, 1, 1))
    assert expected == 1
    assert suggested_rag([Decimal("0.8")], expected) == "amber"
    assert suggested_rag([Decimal(1)], expected) == "green"


# -- the rule in general ----------------------------------------------------------------

ORDER = {"red": 0, "amber": 1, "green": 2}
shares = st.decimals(min_value=0, max_value=1, places=3)
amounts = st.decimals(min_value=-10_000, max_value=10_000, places=2)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@given(baseline=amounts, target=amounts, latest=amounts)
def test_progress_is_a_share_of_the_way_zero_at_the_baseline_and_whole_at_the_target(baseline, target, latest):
    assert 0 <= indicator_progress(baseline, target, latest) <= 1
    if target != baseline:
        assert indicator_progress(baseline, target, baseline) == 0
        assert indicator_progress(baseline, target, target) == 1


@given(start=days, deadline=st.none() | days, end=days, today=days, later=st.integers(min_value=0, max_value=2000))
def test_the_expected_share_stays_within_the_way_and_never_shrinks_with_time(start, deadline, end, today, later):
    now = expected_progress(start, deadline, end, today)
    assert 0 <= now <= 1
    assert expected_progress(start, deadline, end, today + timedelta(days=later)) >= now


@given(progresses=st.lists(st.none() | shares, max_size=6), expected=shares)
def test_a_rating_needs_a_measured_indicator_and_depends_only_on_their_mean(progresses, expected):
    rating = suggested_rag(progresses, expected)
    measured = [progress for progress in progresses if progress is not None]
    assert (rating == "") == (not measured)
    assert suggested_rag(list(reversed(progresses)), expected) == rating
    if measured:
        mean = sum(measured) / len(measured)
        assert suggested_rag([mean], expected) == rating
        if mean >= expected:
            assert rating == "green"
        if mean < expected / 2:
            assert rating == "red"


@given(progresses=st.lists(shares, min_size=1, max_size=6), expected=shares, index=st.integers(0, 5), gain=shares)
def test_more_progress_never_worsens_the_rating_nor_does_a_lower_expectation(progresses, expected, index, gain):
    rating = ORDER[suggested_rag(progresses, expected)]
    better = list(progresses)
    better[index % len(better)] = min(Decimal(1), better[index % len(better)] + gain)
    assert ORDER[suggested_rag(better, expected)] >= rating
    assert ORDER[suggested_rag(progresses, expected * Decimal("0.5"))] >= rating
