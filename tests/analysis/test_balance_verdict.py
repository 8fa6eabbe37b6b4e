"""The balance verdict: given only to readers who see enough of a country's portfolio, and
one-sided only when one side's themes get too little while the other side's get enough."""

import csv
import io
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.analysis.figures.balance import INTERESTS, Balance, InterestPart
from partnerhub.analysis.figures.profile import country_profile
from partnerhub.geo.models import Country
from tests.support.builders import money, record
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

PROFILE = reverse("analysis:country_profile", args=["MAR"])
BALANCE = reverse("analysis:balance_table")
BRIEF = reverse("analysis:country_brief", kwargs={"iso3": "MAR", "file_format": "docx"})


@pytest.fixture
def morocco():
    return Country.objects.get(iso3="MAR")


@pytest.fixture
def portfolio(cast):
    """The EU side sees 10 m: 5 m on border management (mainly the EU's), 4 m on reintegration
    (shared), 1 m on labour mobility (mainly the partner's): 10 % for the partner, one-sided.
    The Moroccan ministry sees only the 5 m shared with the partner country: half of it."""
    desk = cast.commission_desk_officer
    record(
        cast.commission,
        desk,
        title="Border management programme",
        sharing_level="eu",
        themes=[("IRREG-BORDER", None)],
        money_lines=[money("commitment", "5000000")],
    )
    record(
        cast.commission,
        desk,
        title="Talent partnership",
        sharing_level="partner",
        themes=[("LEGAL-LABOUR", None)],
        money_lines=[money("commitment", "1000000")],
    )
    record(
        cast.commission,
        desk,
        title="Reintegration services",
        sharing_level="partner",
        themes=[("RETURN-REINTEGRATION", None)],
        money_lines=[money("commitment", "4000000")],
    )


def test_the_eu_side_sees_the_whole_portfolio_and_gets_the_verdict(cast, portfolio, morocco):
    balance = country_profile(cast.coordinator, morocco).balance

    assert balance.partner_share == Decimal(10) and balance.eu_share == Decimal(50)
    assert balance.verdict_shown and not balance.verdict_withheld
    assert balance.one_sided and balance.one_sided_towards == "eu"
    page = client_for(cast.coordinator).get(PROFILE).content.decode()
    assert "One-sided partnership: towards EU interests" in page and "No verdict" not in page


def test_the_partner_ministry_sees_its_figures_with_undisclosed_and_no_verdict(cast, portfolio, morocco):
    balance = country_profile(cast.moroccan_ministry_user, morocco).balance

    assert balance.partner_share == Decimal(20)  # 1 m of the 5 m it may see
    assert balance.verdict_withheld and not balance.one_sided and balance.one_sided_towards is None
    page = client_for(cast.moroccan_ministry_user).get(PROFILE).content.decode()
    assert "One-sided" not in page
    assert "No verdict on the balance: you may see less than 90 % of the Team Europe money here." in page
    assert "+ undisclosed" in page
    assert "5,000,000" in page and "10,000,000" not in page  # what it sees, never the whole


def test_the_share_seen_is_a_setting_and_at_the_threshold_the_verdict_is_given(cast, portfolio, morocco, settings):
    settings.BALANCE_VERDICT_MIN_SHARE_SEEN = 50

    balance = country_profile(cast.moroccan_ministry_user, morocco).balance

    assert balance.verdict_shown
    # Seen whole, 20 % partner, 80 % shared, nothing for the EU alone: not one-sided.
    assert balance.one_sided_towards is None and not balance.one_sided


def test_the_balance_ranking_and_its_csv_withhold_the_verdict_from_the_partner_ministry(cast, portfolio):
    def morocco_row(user):
        [row] = [row for row in client_for(user).get(BALANCE).context["rows"] if row.country.iso3 == "MAR"]
        return row

    def morocco_csv(user):
        content = client_for(user).get(BALANCE, {"format": "csv"}).content.decode()
        return next(row for row in csv.DictReader(io.StringIO(content)) if row["iso3"] == "MAR")

    assert morocco_row(cast.coordinator).one_sided
    assert not morocco_row(cast.moroccan_ministry_user).one_sided
    assert morocco_row(cast.moroccan_ministry_user).balance.verdict_withheld
    page = client_for(cast.moroccan_ministry_user).get(BALANCE).content.decode()
    assert "One-sided:" not in page and "No verdict: you may see less than 90 %" in page
    eu_side, partner = morocco_csv(cast.coordinator), morocco_csv(cast.moroccan_ministry_user)
    assert (eu_side["one_sided"], eu_side["one_sided_towards"], eu_side["verdict_withheld"]) == ("yes", "eu", "no")
    assert (partner["one_sided"], partner["one_sided_towards"], partner["verdict_withheld"]) == ("", "", "yes")
    assert partner["undisclosed"] == "yes" and Decimal(partner["team_europe_eur"]) == Decimal("5000000")


def test_the_api_gives_no_verdict_on_a_partial_view(cast, portfolio, token_api):
    eu_side = token_api(cast.coordinator).get("/countries/MAR/profile").json()["balance"]
    partner = token_api(cast.moroccan_ministry_user).get("/countries/MAR/profile").json()["balance"]

    assert (eu_side["one_sided"], eu_side["one_sided_towards"], eu_side["verdict_withheld"]) == (True, "eu", False)
    assert (partner["one_sided"], partner["one_sided_towards"], partner["verdict_withheld"]) == (None, None, True)
    assert "10000000" not in str(partner) and Decimal(partner["min_share_seen"]) == 90


def test_the_brief_gives_no_verdict_on_a_partial_view(client, cast, portfolio):
    def brief_text(user) -> str:
        client.force_login(user)
        document = Document(BytesIO(client.get(BRIEF).content))
        return "\n".join(paragraph.text for paragraph in document.paragraphs)

    assert (
        "One-sided towards EU interests: themes the partner country mainly wants get 10 % of the money"
        in brief_text(cast.coordinator).replace("10.0 %", "10 %")
    )
    partner = brief_text(cast.moroccan_ministry_user)
    assert "One-sided" not in partner
    assert "No verdict on the balance (+ undisclosed): you may see less than 90 % of the Team Europe money" in partner


def test_a_portfolio_without_eu_interest_money_is_not_one_sided_against_the_partner(cast, morocco):
    """Libya was "one-sided" with 0 % on EU-interest themes."""
    desk = cast.commission_desk_officer
    record(
        cast.commission,
        desk,
        title="Asylum capacity",
        themes=[("PROT-ASYLUM", None)],
        money_lines=[money("commitment", "9000000")],
    )
    record(
        cast.commission,
        desk,
        title="Diaspora investment",
        themes=[("DEV-DIASPORA", None)],
        money_lines=[money("commitment", "1000000")],
    )

    balance = country_profile(desk, morocco).balance

    assert balance.partner_share == Decimal(10) and balance.eu_share == Decimal(0)
    assert balance.verdict_shown and balance.one_sided_towards is None and not balance.one_sided


def test_a_portfolio_serving_mainly_the_partner_is_one_sided_the_other_way(cast, morocco):
    desk = cast.commission_desk_officer
    record(
        cast.commission,
        desk,
        title="Talent partnership",
        themes=[("LEGAL-LABOUR", None)],
        money_lines=[money("commitment", "9000000")],
    )
    record(
        cast.commission,
        desk,
        title="Border posts",
        themes=[("IRREG-BORDER", None)],
        money_lines=[money("commitment", "1000000")],
    )

    balance = country_profile(desk, morocco).balance

    assert balance.one_sided_towards == "partner" and not balance.one_sided
    page = client_for(desk).get(PROFILE).content.decode()
    assert "One-sided partnership: towards the partner" in page


# -- the rule, over generated shares ---------------------------------------------------------

percentages = st.integers(min_value=0, max_value=100)


def balance_with(eu: int, shared: int, partner: int, threshold: int, *, shown: bool = True) -> Balance:
    money = dict(zip(INTERESTS, (eu, shared, partner), strict=True))
    total = sum(money.values())
    parts = [
        InterestPart(
            interest,
            interest,
            Decimal(amount),
            Decimal(amount),
            Decimal(amount) * 100 / total,
            Decimal(amount) * 100 / total,
        )
        for interest, amount in money.items()
    ]
    return Balance(parts, Decimal(0), 0, Decimal(threshold), "money", shown, Decimal(90))


@given(percentages, percentages, percentages, st.integers(min_value=1, max_value=60), st.booleans())
def test_one_sided_means_one_side_gets_too_little_and_the_other_enough(eu, shared, partner, threshold, shown):
    if eu + shared + partner == 0:
        return
    balance = balance_with(eu, shared, partner, threshold, shown=shown)
    towards = balance.one_sided_towards

    if not shown:
        assert towards is None and not balance.one_sided and balance.verdict_withheld
    elif towards == "eu":
        assert balance.partner_share < threshold <= balance.eu_share
    elif towards == "partner":
        assert balance.eu_share < threshold <= balance.partner_share
    else:
        assert not (balance.partner_share < threshold <= balance.eu_share)
        assert not (balance.eu_share < threshold <= balance.partner_share)
    if eu == 0:
        assert not balance.one_sided
    assert balance.one_sided == (towards == "eu")
