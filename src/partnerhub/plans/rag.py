"""The RAG rating the indicators suggest for an action.

Each indicator with a latest value tells how far the action has gone from its
baseline towards its target (0 at the baseline, 1 at the target, capped at 1).
The action's progress is the mean over those indicators, compared with the
share of the plan's period already elapsed by the day of rating (or with the
whole way once the deadline is past): on track is green, at least half the
expected way is amber, less is red. No measured indicator, no suggestion.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from partnerhub.plans.models import Rag

AMBER_FROM = Decimal("0.5")
GREEN_FROM = Decimal("0.9")


def indicator_progress(baseline: Decimal, target: Decimal, latest: Decimal | None) -> Decimal | None:
    """How far ``latest`` has gone from ``baseline`` to ``target``, between 0 and 1."""
    if latest is None:
        return None
    if target == baseline:
        return Decimal(1) if latest == target else Decimal(0)
    progress = (latest - baseline) / (target - baseline)
    return min(max(progress, Decimal(0)), Decimal(1))


def expected_progress(start: date, deadline: date | None, end: date, today: date) -> Decimal:
    """The share of the way an action on schedule has gone by ``today``."""
    finish = deadline or end
    if today >= finish:
        return Decimal(1)
    if today <= start or finish <= start:
        return Decimal(0)
    return Decimal((today - start).days) / Decimal((finish - start).days)


def suggested_rag(progresses: Iterable[Decimal | None], expected: Decimal) -> str:
    measured = [progress for progress in progresses if progress is not None]
    if not measured:
        return ""
    progress = sum(measured, Decimal(0)) / len(measured)
    if expected == 0 or progress >= expected * GREEN_FROM:
        return Rag.GREEN
    if progress >= expected * AMBER_FROM:
        return Rag.AMBER
    return Rag.RED
