"""The pipeline of a partnership, all schemes together: each stage's total per period is the sum of the
figures shown, periods in time order (2024 before 2024-Q2 before 2024-07). No database: the totals are
computed from the figures the page read through visible_to."""

from hypothesis import given
from hypothesis import strategies as st

from partnerhub.facts.periods import period_start
from partnerhub.talent.models import PIPELINE_STAGES, PipelineFigure
from partnerhub.talent.queries import totals_by_period

COUNTS = st.integers(min_value=0, max_value=10_000)
PERIODS = st.sampled_from(["2024", "2024-Q2", "2024-07", "2025", "2025-Q1"])
FIGURES = st.lists(st.tuples(PERIODS, st.tuples(*(COUNTS for _ in PIPELINE_STAGES))), max_size=12)


@given(FIGURES)
def test_the_totals_of_each_stage_are_the_sums_of_the_figures_shown_period_by_period(figures):
    shown = [
        PipelineFigure(
            period=period, period_start=period_start(period), **dict(zip(PIPELINE_STAGES, counts, strict=True))
        )
        for period, counts in figures
    ]
    totals = totals_by_period(shown)
    assert [row.period for row in totals] == sorted({f.period for f in shown}, key=lambda p: (period_start(p), p))
    for row in totals:
        for stage, total in row.stages():
            assert total == sum(getattr(f, stage) for f in shown if f.period == row.period)
