"""Counting each euro once, as a general rule: generated funding graphs."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from partnerhub.analysis.figures.netting import acyclic, count_once
from partnerhub.analysis.figures.portfolio import EngagementFacts, FundingEdge, split_fractions, transaction_edges

KIND = "commitment"
amounts = st.integers(min_value=0, max_value=10_000_000).map(Decimal)


def facts(pk: int, amount: Decimal) -> EngagementFacts:
    engagement = EngagementFacts(
        pk, f"E{pk}", owner_id=pk, instrument_id=None, iati_identifier=None, sharing_level="public", is_demo=False
    )
    engagement.add_money(KIND, 2024, amount)
    return engagement


@st.composite
def funding_graphs(draw):
    size = draw(st.integers(min_value=1, max_value=8))
    engagements = {pk: facts(pk, draw(amounts)) for pk in range(1, size + 1)}
    edges = draw(
        st.lists(
            st.builds(
                FundingEdge,
                upstream=st.integers(1, size),
                downstream=st.integers(1, size),
                amount=st.none() | amounts,
                reason=st.sampled_from(["part_of", "transaction"]),
            ),
            max_size=12,
        )
    )
    return engagements, edges


@given(funding_graphs())
def test_counted_money_is_never_negative_nor_more_than_reported(graph):
    engagements, edges = graph
    nettings = count_once(engagements, edges, KIND)
    for pk, netting in nettings.items():
        assert netting.gross == engagements[pk].total(KIND)
        assert 0 <= netting.net <= netting.gross


@given(funding_graphs())
def test_every_root_of_the_funding_graph_keeps_all_its_money(graph):
    """Money is only taken out where an upstream record already counts it, so
    the total never falls below what the roots reported."""
    engagements, edges = graph
    kept = acyclic(edges)
    downstream = {edge.downstream for edge in kept}
    nettings = count_once(engagements, edges, KIND)
    for pk in set(engagements) - downstream:
        assert nettings[pk].net == nettings[pk].gross
    assert sum(n.net for n in nettings.values()) >= sum(nettings[pk].gross for pk in set(engagements) - downstream)


@given(funding_graphs())
def test_the_kept_edges_never_form_a_loop(graph):
    _engagements, edges = graph
    following = {}
    for edge in acyclic(edges):
        following.setdefault(edge.upstream, set()).add(edge.downstream)

    def reaches_itself(start):
        seen, frontier = set(), list(following.get(start, ()))
        while frontier:
            node = frontier.pop()
            if node == start:
                return True
            if node not in seen:
                seen.add(node)
                frontier.extend(following.get(node, ()))
        return False

    assert not any(reaches_itself(node) for node in following)


@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.none() | st.integers(1, 100).map(Decimal)),
        min_size=1,
        max_size=6,
        unique_by=lambda pair: pair[0],
    )
)
def test_fractions_never_exceed_the_whole(shares):
    fractions = split_fractions(shares)
    assert set(fractions) == {key for key, _share in shares}
    assert all(fraction >= 0 for fraction in fractions.values())
    total = sum(fractions.values())
    assert total <= Decimal("1.000000001")
    if any(share is None for _key, share in shares) and sum(s for _k, s in shares if s) < 100:
        assert abs(total - 1) < Decimal("0.000001")


# -- chains of IATI transactions: each kind of money netted against its own kind -------------

STATED_KINDS = ("commitment", "disbursement", "incoming")
ALL_KINDS = ("budget", *STATED_KINDS, "expenditure")
# What was really passed on: a payment is also a commitment, a commitment not yet a payment.
PAID_LIKE = {
    "commitment": ("commitment", "disbursement", "incoming"),
    "budget": ("commitment", "disbursement", "incoming"),
    "disbursement": ("disbursement", "incoming"),
    "incoming": ("disbursement", "incoming"),
    "expenditure": (),
}


def activity(pk: int) -> str:
    return f"XM-TEST-{pk}"


@st.composite
def transaction_chains(draw):
    """A chain of activities 1 → 2 → … → n: each may state commitments and disbursements
    to the next, the next may state the incoming funds, and each has money of its own."""
    size = draw(st.integers(min_value=2, max_value=5))
    lines = []  # (engagement_id, kind, amount, provider_activity, provider_ref, receiver_activity, receiver_ref)
    for pk in range(1, size + 1):
        for kind in ALL_KINDS:
            if draw(st.booleans()):
                lines.append((pk, kind, draw(amounts), "", "", "", ""))
        if pk < size:
            for kind in ("commitment", "disbursement"):
                if draw(st.booleans()):
                    lines.append((pk, kind, draw(amounts), "", "", activity(pk + 1), ""))
            if draw(st.booleans()):
                lines.append((pk + 1, "incoming", draw(amounts), activity(pk), "", "", ""))
    engagements = {}
    for pk in range(1, size + 1):
        engagements[pk] = EngagementFacts(
            pk,
            f"E{pk}",
            owner_id=pk,
            instrument_id=None,
            iati_identifier=activity(pk),
            sharing_level="public",
            is_demo=False,
        )
    for pk, kind, amount, *_parties in lines:
        engagements[pk].add_money(kind, 2024, amount)
    return engagements, lines


def stated_flows(lines, upstream: int) -> dict[str, Decimal]:
    """What the chain's transactions say went from ``upstream`` to the next activity, by kind."""
    flows = dict.fromkeys(STATED_KINDS, Decimal(0))
    for pk, kind, amount, provider, _provider_ref, receiver, _receiver_ref in lines:
        if (pk == upstream and receiver == activity(upstream + 1)) or (
            pk == upstream + 1 and provider == activity(upstream)
        ):
            flows[kind] += amount
    return flows


@given(transaction_chains(), st.sampled_from(ALL_KINDS))
def test_each_kind_of_money_is_netted_only_by_what_was_passed_on_of_that_kind(chain, kind):
    """An EU disbursement of 2 m to a German project that disbursed 2.5 m leaves 0.5 m of the
    German payments counted, whatever the EU committed to it; a payment also shows a commitment."""
    engagements, lines = chain
    nettings = count_once(engagements, transaction_edges(engagements, lines), kind)

    assert nettings[1].covered == 0
    for upstream in range(1, len(engagements)):
        flows = stated_flows(lines, upstream)
        passed_on = max((flows[flow_kind] for flow_kind in PAID_LIKE[kind]), default=Decimal(0))
        downstream = nettings[upstream + 1]
        expected = min(downstream.gross, passed_on) if nettings[upstream].gross else Decimal(0)
        assert downstream.covered == expected, (kind, upstream, flows)
