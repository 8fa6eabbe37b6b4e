"""The RAG rating the indicators suggest."""

from datetime import date
from decimal import Decimal

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
