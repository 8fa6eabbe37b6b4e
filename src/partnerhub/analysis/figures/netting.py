"""Counting each euro once along a funding chain.

When the EU delegates money to a Member State agency that passes it on to IOM,
all three may report the same euros. Team Europe totals count them once, at
the level of the original funder: an engagement's money is reduced by what
came to it from an upstream engagement that is itself counted in the same
total and carries money of the same kind.

* A transaction that names the other activity states how much came from it,
  and each kind of money is netted against flows of its own kind only: a
  disbursement only by money actually paid to it (the upstream's disbursement,
  or its own incoming funds), never by a larger commitment not yet paid. Money
  paid was committed too, so a commitment is also covered by a payment; a
  budget plans what is committed or paid; expenditure is spent by the one who
  reports it and no transaction between activities covers it.
* A link without an amount (``is part of`` a parent programme, ``is funded
  by``) means all of it came from the upstream engagement.
* Nothing is taken below zero, and a chain that loops back on itself is cut
  where it closes (the edge that would close the loop is ignored), so money
  never vanishes because of contradictory data.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from partnerhub.analysis.figures.portfolio import ZERO, EngagementFacts, FundingEdge
from partnerhub.registry.models import MoneyKind

PAID = (MoneyKind.DISBURSEMENT, MoneyKind.INCOMING)
COMMITTED_OR_PAID = (MoneyKind.COMMITMENT, *PAID)
# The stated flows between two activities that cover each kind of money downstream.
COVERING_FLOWS: dict[str, tuple[str, ...]] = {
    MoneyKind.BUDGET: COMMITTED_OR_PAID,
    MoneyKind.COMMITMENT: COMMITTED_OR_PAID,
    MoneyKind.DISBURSEMENT: PAID,
    MoneyKind.INCOMING: PAID,
    MoneyKind.EXPENDITURE: (),
}


@dataclass
class Netting:
    """How much of one engagement's money (of one kind) counts in a total."""

    gross: Decimal
    covered: Decimal = ZERO
    covered_by: list[FundingEdge] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.gross - self.covered

    @property
    def ratio(self) -> Decimal:
        """The counted part, to scale the engagement's money by year."""
        return self.net / self.gross if self.gross else ZERO


def edges_covering(kind: str, edges: Iterable[FundingEdge]) -> list[FundingEdge]:
    """The edges that cover money of ``kind``: every link (all of it), and for each pair
    the largest stated flow of a covering kind (an upstream's disbursement and the
    downstream's incoming funds usually describe the same payment)."""
    covering: list[FundingEdge] = []
    stated: dict[tuple[int, int], FundingEdge] = {}
    for edge in edges:
        if edge.kind is None:
            covering.append(edge)
        elif edge.kind in COVERING_FLOWS.get(kind, ()):
            pair = (edge.upstream, edge.downstream)
            # A stated flow always has its amount; only a link (kind None) has none.
            if pair not in stated or (edge.amount or ZERO) > (stated[pair].amount or ZERO):
                stated[pair] = edge
    return covering + [replace(edge, kind=kind) for edge in stated.values()]


def acyclic(edges: Iterable[FundingEdge]) -> list[FundingEdge]:
    """The edges in a deterministic order, leaving out each one that would close a loop."""
    kept: list[FundingEdge] = []
    reachable_from: defaultdict[int, set[int]] = defaultdict(set)
    for edge in sorted(edges, key=lambda e: (e.upstream, e.downstream, e.reason)):
        if edge.upstream == edge.downstream or _reaches(reachable_from, edge.downstream, edge.upstream):
            continue
        reachable_from[edge.upstream].add(edge.downstream)
        kept.append(edge)
    return kept


def _reaches(graph: dict[int, set[int]], start: int, goal: int) -> bool:
    seen, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        for following in graph.get(node, ()):
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return False


def count_once(
    engagements: dict[int, EngagementFacts],
    edges: Iterable[FundingEdge],
    kind: str,
    may_cover: Callable[[EngagementFacts, EngagementFacts], bool] = lambda upstream, downstream: True,
) -> dict[int, Netting]:
    """Each engagement's money of ``kind`` with what is already counted upstream taken out.

    ``may_cover(upstream, downstream)`` says whether the upstream engagement
    counts in the same total as the downstream one (a Team Europe total is not
    reduced by money counted only under another actor).
    """
    nettings = {pk: Netting(gross=facts.total(kind)) for pk, facts in engagements.items()}
    for edge in acyclic(edges_covering(kind, edges)):
        upstream, downstream = engagements.get(edge.upstream), engagements.get(edge.downstream)
        if upstream is None or downstream is None or not nettings[edge.upstream].gross:
            continue
        if not may_cover(upstream, downstream):
            continue
        netting = nettings[edge.downstream]
        room = netting.gross - netting.covered
        if room <= 0:
            continue
        taken = room if edge.amount is None else min(room, edge.amount)
        if taken > 0:
            netting.covered += taken
            netting.covered_by.append(edge)
    return nettings
