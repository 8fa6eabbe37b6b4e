"""The visible portfolio of a set of partner countries, as the analysis needs it.

``load_portfolio(user, countries)`` reads, in a fixed number of queries, every
engagement the user may see in those countries with its country and theme
fractions, its money in EUR by kind and year, and the funding edges between
them. Nothing the user may not see is ever loaded, so no total can include it.

Attribution rules (the same on every page and in every brief):

* An engagement in several countries counts in each with its country share;
  where shares are blank, the remainder of 100 % is split equally among the
  blank ones (no shares at all: an equal split).
* The same rule splits an engagement between its themes.
* Money of one kind is never added to money of another kind.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Q, Sum
from django.db.models.functions import Cast, Coalesce, Substr

from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementTheme,
    LinkKind,
    MoneyKind,
    MoneyLine,
)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)

# Links that say the source's money comes from the target.
UPSTREAM_LINK_KINDS = (LinkKind.PART_OF, LinkKind.FUNDED_BY)
# Transactions through which an activity passes money on to another one.
OUTGOING_FLOW_KINDS = (MoneyKind.COMMITMENT, MoneyKind.DISBURSEMENT)


@dataclass
class EngagementFacts:
    """One visible engagement, reduced to what totals are made of."""

    pk: int
    title: str
    owner_id: int
    instrument_id: int | None
    iati_identifier: str | None
    sharing_level: str
    is_demo: bool
    owner_iati_identifier: str | None = None
    country_fractions: dict[int, Decimal] = field(default_factory=dict)
    theme_fractions: dict[int, Decimal] = field(default_factory=dict)
    # {money kind: {year: EUR}}, the engagement's whole money (all its countries).
    money: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)  # the same money, all years together

    def total(self, kind: str) -> Decimal:
        return self.totals.get(kind, ZERO)

    def add_money(self, kind: str, year: int, amount: Decimal) -> None:
        by_year = self.money.setdefault(kind, {})
        by_year[year] = by_year.get(year, ZERO) + amount
        self.totals[kind] = self.totals.get(kind, ZERO) + amount


@dataclass(frozen=True)
class FundingEdge:
    """Money of ``downstream`` that came from ``upstream``: ``amount`` EUR of the kind
    ``kind`` when a transaction states it, ``None`` when only a link says so (then all
    of it, of every kind, and ``kind`` is ``None``)."""

    upstream: int
    downstream: int
    amount: Decimal | None
    reason: str  # "part_of", "funded_by", "transaction", "transaction_organisation"
    kind: str | None = None  # the kind of money the transactions state: commitment, disbursement, incoming


@dataclass
class Portfolio:
    engagements: dict[int, EngagementFacts]
    edges: list[FundingEdge]
    undisclosed: bool  # records in scope exist that the viewer may not see
    # The IATI transactions naming another activity or organisation (``TRANSACTION_FIELDS``), from which
    # a part of the portfolio draws its own edges (``teameurope.country_portfolios``).
    transaction_lines: list[tuple] = field(default_factory=list)


def split_fractions(shares: list[tuple[int, Decimal | None]]) -> dict[int, Decimal]:
    """Turn optional percentage shares into fractions of one.

    Given shares count as stated; blank ones share what remains of 100 %
    equally. Shares summing over 100 % are scaled down to 100 %.
    """
    if not shares:
        return {}
    given = {key: share for key, share in shares if share is not None}
    blank = [key for key, share in shares if share is None]
    given_total = sum(given.values(), ZERO)
    scale = HUNDRED / given_total if given_total > HUNDRED else ONE
    fractions = {key: share * scale / HUNDRED for key, share in given.items()}
    if blank:
        remainder = max(HUNDRED - given_total, ZERO) / HUNDRED
        for key in blank:
            fractions[key] = remainder / len(blank)
    return fractions


def load_portfolio(user, country_ids, *, ask_undisclosed: bool = True) -> Portfolio:
    """Every engagement ``user`` may see in any of ``country_ids``. Callers that work out
    where hidden money lies themselves pass ``ask_undisclosed=False``."""
    # Driven from the country index: the databases read it once, not once per engagement.
    in_scope = Engagement.objects.about_migration().filter(
        pk__in=EngagementCountry.objects.filter(country_id__in=country_ids).values("engagement_id")
    )
    visible = in_scope.visible_to(user).order_by()
    facts = _engagement_facts(visible)
    if facts:
        for engagement_id, fractions in _fractions(EngagementCountry, "country_id", visible).items():
            facts[engagement_id].country_fractions = fractions
        for engagement_id, fractions in _fractions(EngagementTheme, "theme_id", visible).items():
            facts[engagement_id].theme_fractions = fractions
        _add_money(facts, visible)
    lines = _transaction_lines(facts, visible)
    return Portfolio(
        engagements=facts,
        edges=[*_link_edges(facts, visible), *transaction_edges(facts, lines)],
        undisclosed=ask_undisclosed and _has_undisclosed_money(in_scope, user),
        transaction_lines=lines,
    )


def _engagement_facts(visible) -> dict[int, EngagementFacts]:
    rows = visible.order_by().values_list(
        "pk",
        "title",
        "owner_id",
        "instrument_id",
        "iati_identifier",
        "sharing_level",
        "is_demo",
        "owner__iati_identifier",
    )
    return {row[0]: EngagementFacts(*row) for row in rows}


def _fractions(share_model, key: str, visible) -> dict[int, dict[int, Decimal]]:
    """Each visible engagement's shares (of countries or themes) as fractions of one."""
    shares = defaultdict(list)
    rows = share_model.objects.of(engagement=visible).order_by().values_list("engagement_id", key, "share")
    for engagement_id, key_id, share in rows:
        shares[engagement_id].append((key_id, share))
    return {engagement_id: split_fractions(pairs) for engagement_id, pairs in shares.items()}


def _add_money(facts: dict[int, EngagementFacts], visible) -> None:
    # The year of the transaction date or the budget period, never of the value date
    # (only the exchange rate's date). As text: SQLite would otherwise call a Python
    # function for each row.
    dated = Coalesce("transaction_date", "period_start", "value_date")
    year = Substr(Cast(dated, output_field=CharField()), 1, 4)
    rows = (
        MoneyLine.objects.of(engagement=visible)
        .order_by()
        .values("engagement_id", "kind", year=year)
        .annotate(total=Sum("amount_eur"))
        .values_list("engagement_id", "kind", "year", "total")
    )
    for engagement_id, kind, year_text, total in rows:
        facts[engagement_id].add_money(kind, int(year_text), total)


def _funding_edges(facts: dict[int, EngagementFacts], visible) -> list[FundingEdge]:
    """Funding between visible engagements of the scope, from links and from
    the provider and receiver activities of IATI transactions."""
    return [*_link_edges(facts, visible), *transaction_edges(facts, _transaction_lines(facts, visible))]


def _link_edges(facts: dict[int, EngagementFacts], visible) -> list[FundingEdge]:
    if not facts:
        return []
    links = (
        EngagementLink.objects.of(source=visible, target=visible)
        .filter(kind__in=UPSTREAM_LINK_KINDS)
        .values_list("target_id", "source_id", "kind")
    )
    return [FundingEdge(upstream, downstream, None, kind) for upstream, downstream, kind in links]


def _transaction_lines(facts: dict[int, EngagementFacts], visible) -> list[tuple]:
    if not facts:
        return []
    return list(
        MoneyLine.objects.of(engagement=visible)
        .filter(
            Q(kind__in=OUTGOING_FLOW_KINDS) & (~Q(receiver_activity="") | ~Q(receiver_ref=""))
            | Q(kind=MoneyKind.INCOMING) & (~Q(provider_activity="") | ~Q(provider_ref=""))
        )
        .order_by()
        .values_list(*TRANSACTION_FIELDS)
    )


class _FundingParties:
    """Finds the engagement a transaction names: by its activity identifier, or,
    when only the organisation is given, the one engagement of that organisation
    in the scope (never a guess between several)."""

    def __init__(self, facts: dict[int, EngagementFacts]):
        self.by_activity = {f.iati_identifier: f.pk for f in facts.values() if f.iati_identifier}
        self.by_organisation = defaultdict(list)
        for f in facts.values():
            if f.owner_iati_identifier:
                self.by_organisation[f.owner_iati_identifier].append(f.pk)

    def find(self, activity: str, organisation: str) -> tuple[int | None, str]:
        if activity:
            return self.by_activity.get(activity), "transaction"
        candidates = self.by_organisation.get(organisation, []) if organisation else []
        return (candidates[0] if len(candidates) == 1 else None), "transaction_organisation"


TRANSACTION_FIELDS = (
    "engagement_id",
    "kind",
    "amount_eur",
    "provider_activity",
    "provider_ref",
    "receiver_activity",
    "receiver_ref",
)


def transaction_edges(facts: dict[int, EngagementFacts], lines) -> list[FundingEdge]:
    """An activity's commitments or disbursements to another activity, and an
    activity's incoming funds from another one, name the pair: one edge per pair
    and kind of money stated, so that each kind is netted against its own kind
    (``netting.COVERING_FLOWS``). ``lines`` are tuples of ``TRANSACTION_FIELDS``."""
    parties = _FundingParties(facts)
    flows: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    reasons: dict[tuple[int, int], str] = {}
    for engagement_id, kind, amount, provider_activity, provider_ref, receiver_activity, receiver_ref in lines:
        if kind == MoneyKind.INCOMING:
            upstream, reason = parties.find(provider_activity, provider_ref)
            downstream = engagement_id
        else:
            upstream = engagement_id
            downstream, reason = parties.find(receiver_activity, receiver_ref)
        if upstream is None or downstream is None or upstream == downstream:
            continue
        flows[(upstream, downstream, kind)] += amount
        if reasons.get((upstream, downstream)) != "transaction":  # a named activity is the better reason
            reasons[(upstream, downstream)] = reason
    return [
        FundingEdge(upstream, downstream, amount, reasons[(upstream, downstream)], kind)
        for (upstream, downstream, kind), amount in sorted(flows.items())
    ]


def _has_undisclosed_money(in_scope, user) -> bool:
    """Whether the scope holds records with money that ``user`` may not see.
    Only the fact is told: never an amount, a count or a title."""
    hidden = in_scope.hidden_from(user)
    return MoneyLine.objects.of(engagement=hidden).exists()
