"""The analytics benchmark runs, end to end, on a small portfolio: its figures are not asserted (they
are recorded in docs/performance.md), what it reports is."""

import pytest

from tests.bench.scripts import run_small


@pytest.mark.slow
def test_the_benchmark_reports_issue_15s_figures_for_a_small_portfolio(tmp_path):
    figures = run_small("analytics", "--sizes", "2000", "--requests", "5", "--postgres", "", cwd=tmp_path)

    for key in (
        "profile_cold_p95_ms_2k_sqlite",
        "all_countries_cold_ms_2k_sqlite",
        "edit_then_profile_ms_2k_sqlite",
        "floor_median_ms_2k_sqlite",
        "counted_rows_s_2k_sqlite",
    ):
        assert figures[key] > 0, key
    assert figures["country_engagements_2k_sqlite"] > 100
