"""The country index with its map, the balance table and the Team Europe views per
route and per pillar: exact figures for each viewer, nothing hidden added in.

The portfolio, in commitments (EUR), as the French embassy in Rabat sees it:

    Morocco (Western Mediterranean and Atlantic route)
      EU       labour mobility (partner's interest)          4,000,000  (budget 5 m, disbursed 1 m)
      Germany  border management, half of 3 m (EU's)         1,500,000
      GIZ      reintegration, public (shared)                   600,000  (budget 800 k)
      IOM      remittances (not Team Europe)                    500,000
      Germany  originator record, unseen by others              777,777
    Tunisia (Central Mediterranean route)
      Germany  border management, the other half              1,500,000
      France   readmission dialogue (EU's)                    1,000,000  (disbursed 400 k)
      EU       asylum systems (shared)                        2,000,000
      GIZ      funded by that EU programme: counted there     2,000,000 → 0
    Senegal (Western Mediterranean and Atlantic route)
      EU       no theme given                                   300,000
"""

import csv
import io
import re
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.access.models import Role
from partnerhub.analysis.figures.actors import CountryFigures
from partnerhub.analysis.figures.balance import Balance, InterestPart
from partnerhub.analysis.figures.portfolio import EngagementFacts, FundingEdge, Portfolio
from partnerhub.analysis.figures.profile import country_profile
from partnerhub.analysis.figures.teameurope import CountryRow, country_portfolios, ranked_by_balance, sorted_rows
from partnerhub.geo.models import Country, Route
from partnerhub.registry.models import Engagement
from tests.support.builders import money, record
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

INDEX = reverse("analysis:country_index")
BALANCE = reverse("analysis:balance_table")
TEAM_EUROPE = reverse("analysis:team_europe")
WESTERN_ROUTE = reverse("analysis:route_view", args=["WMED-ATL"])
CENTRAL_ROUTE = reverse("analysis:route_view", args=["CMED"])
SECRET_TITLE = "Confidential German file"


def route_url(code: str) -> str:
    return reverse("analysis:route_view", args=[code])


def pillar_url(code: str) -> str:
    return reverse("analysis:pillar_view", args=[code])


def eur(amount: str) -> Decimal:
    return Decimal(amount)


@pytest.fixture
def giz_editor(cast):
    return make_user("giz.editor", cast.giz, Role.EDITOR)


@pytest.fixture
def portfolio(cast, giz_editor):
    desk, german, french = cast.commission_desk_officer, cast.german_ministry_editor, cast.french_ministry_editor
    record(
        cast.commission,
        desk,
        title="Labour mobility with Morocco",
        themes=[("LEGAL-LABOUR", None)],
        money_lines=[money("budget", "5000000"), money("commitment", "4000000"), money("disbursement", "1000000")],
    )
    record(
        cast.german_interior,
        german,
        title="Border management in the Maghreb",
        countries=[("MAR", 50), ("TUN", 50)],
        themes=[("IRREG-BORDER", None)],
        money_lines=[money("commitment", "3000000")],
    )
    record(
        cast.giz,
        giz_editor,
        title="Reintegration centres",
        sharing_level="public",
        money_lines=[money("budget", "800000"), money("commitment", "600000")],
    )
    record(
        cast.iom,
        cast.iom_officer,
        title="Remittance channels",
        themes=[("DEV-REMIT", None)],
        money_lines=[money("commitment", "500000")],
    )
    record(
        cast.german_interior,
        german,
        title=SECRET_TITLE,
        sharing_level="originator",
        money_lines=[money("commitment", "777777")],
    )
    record(
        cast.french_foreign_affairs,
        french,
        title="Readmission dialogue with Tunisia",
        countries=[("TUN", None)],
        themes=[("RETURN-READMISSION", None)],
        money_lines=[money("commitment", "1000000"), money("disbursement", "400000")],
    )
    asylum = record(
        cast.commission,
        desk,
        title="Asylum systems in Tunisia",
        countries=[("TUN", None)],
        themes=[("PROT-ASYLUM", None)],
        money_lines=[money("commitment", "2000000")],
    )
    record(
        cast.giz,
        giz_editor,
        title="Asylum capacity, delegated to GIZ",
        countries=[("TUN", None)],
        themes=[("PROT-ASYLUM", None)],
        money_lines=[money("commitment", "2000000")],
        links=[(asylum, "funded_by")],
    )
    record(
        cast.commission,
        desk,
        title="Senegal facility",
        countries=[("SEN", None)],
        themes=[],
        money_lines=[money("commitment", "300000")],
    )


def page(user, url: str, **query):
    response = client_for(user).get(url, query)
    assert response.status_code == 200, response.content[:500]
    return response


def body(response) -> str:
    return response.content.decode()


def index_rows(response) -> dict[str, CountryRow]:
    return {row.country.iso3: row for row in response.context["rows"]}


def totals(response_or_view) -> dict[str, Decimal]:
    found = response_or_view.context["totals"] if hasattr(response_or_view, "context") else response_or_view.totals
    return {total.kind: total.team_europe for total in found}


def undisclosed(response_or_view) -> set[str]:
    found = response_or_view.context["totals"] if hasattr(response_or_view, "context") else response_or_view.totals
    return {total.kind for total in found if total.undisclosed}


def area(response, code: str):
    areas = response.context["routes"] + response.context["pillars"]
    return next(summary for summary in areas if summary.code == code)


def whole_euros(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1))


# -- the country index ----------------------------------------------------------------


def test_french_embassy_viewer_sees_each_countrys_team_europe_money_counted_once(cast, portfolio):
    response = page(cast.french_embassy_viewer, INDEX)

    rows = index_rows(response)
    assert set(rows) == {"MAR", "TUN", "SEN"}
    assert rows["MAR"].team_europe == eur("6100000")
    assert rows["TUN"].team_europe == eur("4500000")
    assert rows["SEN"].team_europe == eur("300000")
    # IOM's project is visible (and counted as an engagement) but not Team Europe money.
    assert rows["MAR"].engagements == 4
    assert rows["TUN"].engagements == 4


def test_index_totals_put_the_three_kinds_of_money_side_by_side(cast, portfolio):
    response = page(cast.french_embassy_viewer, INDEX)

    assert totals(response) == {"budget": eur("5800000"), "commitment": eur("10900000"), "disbursement": eur("1400000")}
    text = body(response)
    assert "EUR 5,800,000" in text and "EUR 10,900,000" in text and "EUR 1,400,000" in text
    assert "18,100,000" not in text


def test_french_embassy_viewer_does_not_see_german_originator_money(cast, portfolio):
    response = page(cast.french_embassy_viewer, INDEX)

    rows = index_rows(response)
    assert rows["MAR"].undisclosed and not rows["TUN"].undisclosed and not rows["SEN"].undisclosed
    assert undisclosed(response) == {"budget", "commitment", "disbursement"}
    text = body(response)
    assert "+ undisclosed" in text
    assert SECRET_TITLE not in text and "777,777" not in text and "6,877,777" not in text


def test_german_ministry_editor_counts_its_own_originator_record(cast, portfolio):
    rows = index_rows(page(cast.german_ministry_editor, INDEX))

    assert rows["MAR"].team_europe == eur("6877777")
    assert not rows["MAR"].undisclosed


def test_anonymous_visitor_sees_public_figures_only(cast, portfolio):
    response = page(None, INDEX)

    rows = index_rows(response)
    assert set(rows) == {"MAR"}
    assert rows["MAR"].team_europe == eur("600000") and rows["MAR"].undisclosed
    assert totals(response) == {"budget": eur("800000"), "commitment": eur("600000"), "disbursement": eur("0")}
    text = body(response)
    for title in (SECRET_TITLE, "Labour mobility", "Asylum systems"):
        assert title not in text
    assert "4,000,000" not in text


def test_index_money_kind_can_be_chosen_and_an_unknown_one_is_answered_with_a_message(cast, portfolio):
    budgets = index_rows(page(cast.french_embassy_viewer, INDEX, money="budget"))
    assert budgets["MAR"].team_europe == eur("5800000") and budgets["TUN"].team_europe == eur("0")

    response = page(cast.french_embassy_viewer, INDEX, money="pledges")

    assert response.context["kind"] == "commitment"
    assert index_rows(response)["MAR"].team_europe == eur("6100000")
    assert "“pledges” is not a kind of money shown here" in body(response)
    assert "Money:" in body(response)


def test_index_map_draws_each_country_linked_to_its_profile(cast, portfolio):
    response = page(cast.french_embassy_viewer, INDEX)

    svg = re.search(r'<svg[^>]*class="ph-map".*?</svg>', response.content.decode(), re.DOTALL).group()
    assert f'href="{reverse("analysis:country_profile", args=["MAR"])}"' in svg
    assert "Morocco (+ undisclosed): €6.1 m" in svg
    assert "Tunisia: €4.5 m" in svg
    assert "6.9 m" not in svg and SECRET_TITLE not in svg


def test_index_table_sorts_by_each_column_and_ignores_an_unknown_column(cast, portfolio):
    def order(**query):
        return [row.country.iso3 for row in page(cast.french_embassy_viewer, INDEX, **query).context["rows"]]

    assert order() == ["MAR", "TUN", "SEN"]
    assert order(sort="amount") == ["SEN", "TUN", "MAR"]
    assert order(sort="country") == ["MAR", "SEN", "TUN"]
    assert order(sort="-country") == ["TUN", "SEN", "MAR"]
    # Senegal has nothing to weigh: last whichever the direction.
    assert order(sort="partner_share") == ["TUN", "MAR", "SEN"]
    assert order(sort="-partner_share") == ["MAR", "TUN", "SEN"]
    response = page(cast.french_embassy_viewer, INDEX, sort="title; drop table")
    assert [row.country.iso3 for row in response.context["rows"]] == ["MAR", "TUN", "SEN"]
    assert "is not a column of the table" in body(response)


def test_index_sort_links_keep_the_money_kind_and_turn_the_order_round(cast, portfolio):
    response = page(cast.french_embassy_viewer, INDEX, money="budget", sort="country")

    headers = response.context["headers"]
    assert headers["country"] == {"url": "?money=budget&sort=-country", "aria_sort": "ascending"}
    assert headers["amount"] == {"url": "?money=budget&sort=-amount", "aria_sort": "none"}
    assert headers["partner_share"]["url"] == "?money=budget&sort=partner_share"


def test_demo_records_in_the_figures_are_announced(cast, portfolio):
    assert "Demo data" not in body(page(cast.french_embassy_viewer, INDEX))
    Engagement.objects.unrestricted("test").filter(title="Senegal facility").update(is_demo=True)
    cache.clear()  # a change behind the hub's back: kept figures would last until they expire

    for url in (INDEX, TEAM_EUROPE, WESTERN_ROUTE):
        assert "Demo data" in body(page(cast.french_embassy_viewer, url))
    assert "Demo data" not in body(page(cast.french_embassy_viewer, CENTRAL_ROUTE))


def test_every_partner_country_can_be_reached_from_the_index(cast, portfolio):
    response = client_for(cast.french_embassy_viewer).get(INDEX, {"country": "NER"})
    assert response.status_code == 302
    assert response["Location"] == reverse("analysis:country_profile", args=["NER"])
    assert '<option value="NER">Niger</option>' in body(page(cast.french_embassy_viewer, INDEX))

    for bad in ("FRA", "XXX"):
        answered = page(cast.french_embassy_viewer, INDEX, country=bad)
        assert f"“{bad}” is not a partner country" in body(answered)


def test_index_figures_equal_the_country_profiles_for_every_viewer(cast, portfolio):
    for user in (None, cast.french_embassy_viewer, cast.german_ministry_editor, cast.moroccan_ministry_user):
        for kind in ("budget", "commitment", "disbursement"):
            rows = index_rows(page(user, INDEX, money=kind))
            for iso3, row in rows.items():
                profile = country_profile(user, Country.objects.get(iso3=iso3), kind)
                assert row.team_europe == profile.team_europe_total
                assert row.undisclosed == profile.undisclosed
                assert row.partner_share == profile.balance.partner_share


# -- the balance table -------------------------------------------------------------------


def test_balance_table_ranks_the_most_one_sided_partnership_first(cast, portfolio, settings):
    settings.BALANCE_PARTNER_THRESHOLD = 25
    response = page(cast.french_embassy_viewer, BALANCE)

    rows = response.context["rows"]
    assert [row.country.iso3 for row in rows] == ["TUN", "MAR", "SEN"]
    tunisia, morocco, senegal = rows
    assert tunisia.partner_share == 0 and tunisia.one_sided
    assert whole_euros(morocco.partner_share * 100) == Decimal(6557)  # 4.0 m of 6.1 m
    assert not morocco.one_sided
    assert senegal.partner_share is None and not senegal.one_sided
    shares = {part.interest: part.money for part in tunisia.balance.parts}
    assert shares == {"eu": eur("2500000"), "shared": eur("2000000"), "partner": eur("0")}
    text = body(response)
    assert "under 25 %" in text and "One-sided" in text and "+ undisclosed" in text
    assert SECRET_TITLE not in text and "777,777" not in text


def test_balance_threshold_comes_from_the_settings(cast, portfolio, settings):
    settings.BALANCE_PARTNER_THRESHOLD = 50
    response = page(cast.german_ministry_editor, BALANCE)

    # Tunisia: 0 % for the partner, 55.6 % for the EU; Morocco: 21.8 % for the EU, 58.2 % for the partner.
    rows = response.context["rows"]
    assert [row.country.iso3 for row in rows] == ["TUN", "MAR", "SEN"]
    assert [row.balance.one_sided_towards for row in rows] == ["eu", "partner", None]
    assert [row.one_sided for row in rows] == [True, False, False]
    assert "under 50 %" in body(response)


def test_a_reader_who_sees_too_little_of_a_country_gets_its_shares_without_a_verdict(cast, portfolio):
    """The French embassy may not see the German originator file: 6.1 m of Morocco's 6.88 m."""
    rows = {row.country.iso3: row for row in page(cast.french_embassy_viewer, BALANCE).context["rows"]}

    assert rows["MAR"].balance.verdict_withheld and rows["MAR"].undisclosed
    assert not rows["TUN"].balance.verdict_withheld


def test_balance_table_filters_by_route_and_by_region(cast, portfolio):
    def countries(**query):
        return [row.country.iso3 for row in page(cast.french_embassy_viewer, BALANCE, **query).context["rows"]]

    assert countries(route="WMED-ATL") == ["MAR", "SEN"]
    assert countries(route="CMED") == ["TUN"]
    assert countries(route="WBAL") == []
    north_africa = Country.objects.get(iso3="MAR").region.code
    west_africa = Country.objects.get(iso3="SEN").region.code
    assert countries(region=north_africa) == ["TUN", "MAR"]
    assert countries(region=west_africa) == ["SEN"]
    assert countries(route="CMED", region=west_africa) == []


def test_balance_table_answers_bad_filter_values_with_a_message(cast, portfolio):
    response = page(cast.french_embassy_viewer, BALANCE, route="ATLANTIS", region="<b>", money="dreams")

    text = body(response)
    assert "There is no migration route with the code “ATLANTIS”" in text
    assert "There is no region with the code “&lt;b&gt;”" in text
    assert "“dreams” is not a kind of money shown here" in text
    assert [row.country.iso3 for row in response.context["rows"]] == ["TUN", "MAR", "SEN"]
    # The download link carries only what the page could use.
    assert response.context["csv_query"] == "money=commitment&format=csv"


def test_balance_download_link_keeps_the_filters_shown(cast, portfolio):
    response = page(cast.french_embassy_viewer, BALANCE, route="CMED", money="disbursement")

    download = client_for(cast.french_embassy_viewer).get(f"{BALANCE}?{response.context['csv_query']}")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [(row["iso3"], row["money_kind"], row["team_europe_eur"]) for row in rows] == [
        ("TUN", "disbursement", "400000.00")
    ]


def test_balance_csv_holds_the_same_ranked_table(cast, portfolio):
    response = client_for(cast.french_embassy_viewer).get(BALANCE, {"format": "csv", "route": "WMED-ATL"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="partnership-hub-balance-{today}.csv"'
    assert "no-store" in response["Cache-Control"]
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert [(row["rank"], row["iso3"]) for row in rows] == [("1", "MAR"), ("2", "SEN")]
    morocco = rows[0]
    assert morocco["team_europe_eur"] == "6100000.00"
    assert morocco["undisclosed"] == "yes"
    assert morocco["partner_money_share"] == "65.57"
    assert morocco["routes"] == "WMED-ATL"
    assert (morocco["one_sided"], morocco["verdict_withheld"]) == ("", "yes")  # 6.1 m of 6.88 m seen
    assert rows[1]["basis"] == "" and rows[1]["partner_share"] == ""
    assert SECRET_TITLE not in raw and "777777" not in raw


def test_balance_csv_neutralises_text_a_spreadsheet_would_run(cast, portfolio):
    Country.objects.filter(iso3="MAR").update(name='=HYPERLINK("http://evil")')

    response = client_for(cast.french_embassy_viewer).get(BALANCE, {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["country"] for row in rows if row["iso3"] == "MAR"} == {'\'=HYPERLINK("http://evil")'}


def test_balance_csv_with_bad_filters_is_refused_with_the_reason(cast, portfolio):
    response = client_for(cast.french_embassy_viewer).get(BALANCE, {"format": "csv", "route": "NOPE"})

    assert response.status_code == 400
    assert "Migration route" in response.content.decode() and "NOPE" in response.content.decode()


def test_balance_page_answers_an_unknown_download_format(cast, portfolio):
    response = page(cast.french_embassy_viewer, BALANCE, format="xlsx")

    assert "“xlsx” is not a download format" in body(response)


# -- Team Europe by route and by pillar ------------------------------------------------------


def test_team_europe_index_totals_per_route_and_per_pillar(cast, portfolio):
    response = page(cast.french_embassy_viewer, TEAM_EUROPE)

    assert totals(area(response, "WMED-ATL")) == {
        "budget": eur("5800000"),
        "commitment": eur("6400000"),
        "disbursement": eur("1000000"),
    }
    assert totals(area(response, "CMED")) == {
        "budget": eur("0"),
        "commitment": eur("4500000"),
        "disbursement": eur("400000"),
    }
    assert totals(area(response, "WBAL"))["commitment"] == eur("0")
    assert undisclosed(area(response, "WMED-ATL")) == {"budget", "commitment", "disbursement"}
    assert undisclosed(area(response, "CMED")) == set()
    pillars = {code: totals(area(response, code))["commitment"] for code in ("LEGAL", "IRREG", "RETURN", "PROT", "DEV")}
    assert pillars == {
        "LEGAL": eur("4000000"),
        "IRREG": eur("3000000"),
        "RETURN": eur("1600000"),
        "PROT": eur("2000000"),
        "DEV": eur("0"),
    }
    # The German originator record is on reintegration: only that pillar says so.
    assert undisclosed(area(response, "RETURN")) and not undisclosed(area(response, "LEGAL"))
    assert SECRET_TITLE not in body(response) and "777,777" not in body(response)


def test_route_view_gives_totals_countries_actors_and_pillars(cast, portfolio):
    response = page(cast.french_embassy_viewer, WESTERN_ROUTE)
    view = response.context["view"]

    assert totals(view) == {"budget": eur("5800000"), "commitment": eur("6400000"), "disbursement": eur("1000000")}
    assert view.undisclosed
    countries = {row.country.iso3: row for row in view.countries}
    assert set(countries) == set(Route.objects.get(code="WMED-ATL").countries.values_list("iso3", flat=True))
    assert countries["MAR"].amount == eur("6100000") and countries["MAR"].undisclosed
    assert countries["SEN"].amount == eur("300000") and not countries["SEN"].undisclosed
    assert countries["NER"].engagements == 0
    assert [row.country.iso3 for row in view.countries][:2] == ["MAR", "SEN"]
    actors = [(row.group.label, row.reported, row.counted, row.engagements) for row in view.actors]
    assert actors == [
        ("European Union", eur("4300000"), eur("4300000"), 2),
        ("Germany", eur("2100000"), eur("2100000"), 2),
        ("IOM", eur("500000"), eur("500000"), 1),
    ]
    themes = [(row.label, row.amount, row.engagements, row.undisclosed) for row in view.themes]
    assert themes == [
        ("Legal migration and mobility", eur("4000000"), 1, False),
        ("Irregular migration, smuggling and trafficking", eur("1500000"), 1, False),
        ("Return, readmission and reintegration", eur("600000"), 1, True),
        ("No theme given", eur("300000"), 1, False),
    ]
    text = body(response)
    assert "+ undisclosed" in text and SECRET_TITLE not in text and "777,777" not in text
    assert "ph-chart--bars" in text


@pytest.mark.slow
def test_route_totals_equal_the_sum_of_the_country_profiles(cast, portfolio):
    for user in (None, cast.french_embassy_viewer, cast.german_ministry_editor):
        for code in ("WMED-ATL", "CMED"):
            view = page(user, route_url(code)).context["view"]
            for kind, amount in totals(view).items():
                profiles = [
                    country_profile(user, country, kind) for country in Route.objects.get(code=code).countries.all()
                ]
                assert amount == sum((profile.team_europe_total for profile in profiles), Decimal(0))


def test_route_view_nets_delegated_money_once(cast, portfolio):
    view = page(cast.french_embassy_viewer, CENTRAL_ROUTE).context["view"]

    actors = {row.group.label: (row.reported, row.counted) for row in view.actors}
    assert actors["European Union"] == (eur("2000000"), eur("2000000"))
    # GIZ reported 2 m of EU money: counted with the EU programme.
    assert actors["Germany"] == (eur("3500000"), eur("1500000"))
    assert actors["France"] == (eur("1000000"), eur("1000000"))
    assert view.team_europe == eur("4500000")


def test_pillar_view_splits_money_by_theme_shares_over_all_partner_countries(cast, portfolio, giz_editor):
    record(
        cast.giz,
        giz_editor,
        title="Talent and return",
        countries=[("TUN", None)],
        themes=[("LEGAL-SKILLS", 25), ("RETURN-AVR", 75)],
        money_lines=[money("commitment", "800000")],
    )

    legal = page(cast.french_embassy_viewer, pillar_url("LEGAL")).context["view"]
    returns = page(cast.french_embassy_viewer, pillar_url("RETURN")).context["view"]

    assert totals(legal)["commitment"] == eur("4200000")
    assert {row.country.iso3: row.amount for row in legal.countries} == {"MAR": eur("4000000"), "TUN": eur("200000")}
    assert {row.label: row.amount for row in legal.themes} == {
        "Labour mobility and Talent Partnerships": eur("4000000"),
        "Skills development and recognition of qualifications": eur("200000"),
    }
    assert totals(returns)["commitment"] == eur("2200000")
    assert returns.undisclosed and not legal.undisclosed
    assert {row.group.label: row.counted for row in returns.actors} == {
        "Germany": eur("1200000"),
        "France": eur("1000000"),
    }


def test_pillar_totals_add_up_to_the_themed_team_europe_money(cast, portfolio):
    response = page(cast.german_ministry_editor, TEAM_EUROPE)

    pillars = sum((totals(summary)["commitment"] for summary in response.context["pillars"]), Decimal(0))
    # All of it but Senegal's 300,000 without a theme.
    assert pillars == totals(response)["commitment"] - eur("300000") == eur("11377777")


def test_unknown_route_or_pillar_is_404(cast, portfolio):
    client = client_for(cast.french_embassy_viewer)

    assert client.get(route_url("ATLANTIS")).status_code == 404
    assert client.get(pillar_url("NOPE")).status_code == 404
    # A theme under a pillar is not a pillar.
    assert client.get(pillar_url("RETURN-AVR")).status_code == 404


def test_route_and_pillar_views_answer_an_unknown_money_kind_with_a_message(cast, portfolio):
    for url in (WESTERN_ROUTE, pillar_url("LEGAL")):
        response = page(cast.french_embassy_viewer, url, money="pledge")
        assert response.context["kind"] == "commitment"
        assert "“pledge” is not a kind of money shown here" in body(response)


def test_anonymous_visitor_sees_public_route_and_pillar_figures_only(cast, portfolio):
    view = page(None, WESTERN_ROUTE).context["view"]
    assert totals(view) == {"budget": eur("800000"), "commitment": eur("600000"), "disbursement": eur("0")}
    assert [row.group.label for row in view.actors] == ["Germany"]
    central = page(None, CENTRAL_ROUTE).context["view"]
    assert totals(central)["commitment"] == eur("0") and central.undisclosed
    protection = page(None, pillar_url("PROT"))
    assert totals(protection.context["view"])["commitment"] == eur("0")
    assert protection.context["view"].undisclosed
    assert "Asylum systems in Tunisia" not in body(protection) and "2,000,000" not in body(protection)


def test_links_lead_to_the_engagements_behind_the_figures(cast, portfolio):
    view = page(cast.french_embassy_viewer, CENTRAL_ROUTE).context["view"]
    route_countries = set(Route.objects.get(code="CMED").countries.values_list("iso3", flat=True))

    assert set(query_of(view.engagements_url)["country"]) == route_countries
    french = next(row for row in view.actors if row.group.label == "France")
    assert query_of(french.href)["organisation"] == [str(cast.french_foreign_affairs.pk)]
    listed = client_for(cast.french_embassy_viewer).get(french.href)
    assert listed.context["page_obj"].paginator.count == french.engagements == 1
    everything = client_for(cast.french_embassy_viewer).get(view.engagements_url)
    assert everything.context["page_obj"].paginator.count == view.engagement_count == 4


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- speed ----------------------------------------------------------------------------------

PAGES = [INDEX, BALANCE, f"{BALANCE}?format=csv", TEAM_EUROPE, WESTERN_ROUTE, CENTRAL_ROUTE, pillar_url("RETURN")]


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_more_engagements(cast, giz_editor, how_many: int) -> None:
    for number in range(how_many):
        parent = record(
            cast.commission,
            cast.commission_desk_officer,
            title=f"Programme {number}",
            countries=[("MAR", 40), ("TUN", 30), ("NER", 30)],
            themes=[("LEGAL-LABOUR", 50), ("RETURN-AVR", 50)],
            money_lines=[money("commitment", "100000"), money("budget", "200000")],
        )
        record(
            cast.giz,
            giz_editor,
            title=f"Delegated {number}",
            countries=[("TUN", None)],
            money_lines=[money("commitment", "50000")],
            links=[(parent, "part_of")],
        )
        record(
            cast.german_interior,
            cast.german_ministry_editor,
            title=f"Secret {number}",
            sharing_level="originator",
            countries=[("EGY", None)],
            money_lines=[money("disbursement", "1")],
        )


# Whether any country is marked, a savepoint, the marks, one statement to unmark them, Team Europe's
# organisations, three per table of sums (out; per audience; per level), the release; and on PostgreSQL
# the lock that keeps two processes from adding up at once.
SUMS_ADDED_UP_AGAIN = 15 + (connection.vendor == "postgresql")


@pytest.mark.parametrize("url", PAGES)
def test_pages_take_the_same_number_of_queries_however_many_engagements(
    cast, portfolio, giz_editor, url, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = client_for(cast.french_embassy_viewer)
    client.get(url)  # the map's country table and the session, read once
    before = query_count(client, url)
    with django_capture_on_commit_callbacks(execute=True):  # the counted rows are refreshed on commit
        add_more_engagements(cast, giz_editor, 6)

    # With the data stamp of kept figures, the regional money of the routes' regions, the
    # chains the reader sees in part, and the whole portfolio the balance verdict is weighed
    # against (never shown); each table of sums read in two queries (the levels the reader reads
    # whole, their other audiences); and the sums of the countries changed since, added up again
    # first (a fixed number of statements: three per table of sums).
    with django_assert_max_num_queries(26 + SUMS_ADDED_UP_AGAIN):
        client.get(url)
    assert query_count(client, url) == before


# -- general rules ---------------------------------------------------------------------------


class TeamEuropeOnly:
    """Stands in for the actor directory: every owner is Team Europe but the IOM (owner 0)."""

    def is_team_europe(self, facts: EngagementFacts) -> bool:
        return facts.owner_id != 0


COUNTRIES = (1, 2, 3)


@st.composite
def multi_country_portfolios(draw):
    size = draw(st.integers(min_value=1, max_value=7))
    engagements = {}
    for pk in range(1, size + 1):
        countries = draw(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3, unique=True))
        weights = [Decimal(draw(st.integers(1, 4))) for _country in countries]
        engagements[pk] = EngagementFacts(
            pk,
            f"E{pk}",
            owner_id=draw(st.integers(0, 2)),
            instrument_id=None,
            iati_identifier=None,
            sharing_level="eu",
            is_demo=False,
            country_fractions={c: w / sum(weights) for c, w in zip(countries, weights, strict=True)},
            money={"commitment": {2024: Decimal(draw(st.integers(0, 1_000_000)))}},
        )
    edges = draw(
        st.lists(
            st.builds(
                FundingEdge,
                upstream=st.integers(1, size),
                downstream=st.integers(1, size),
                amount=st.none() | st.integers(0, 1_000_000).map(Decimal),
                reason=st.just("part_of"),
            ),
            max_size=10,
        )
    )
    return Portfolio(engagements, edges, undisclosed=False)


def alone(portfolio: Portfolio, country_id: int) -> Portfolio:
    """What loading the portfolio of one country gives: its engagements and the edges between them."""
    engagements = {pk: f for pk, f in portfolio.engagements.items() if country_id in f.country_fractions}
    edges = [e for e in portfolio.edges if e.upstream in engagements and e.downstream in engagements]
    return Portfolio(engagements, edges, undisclosed=False)


@given(multi_country_portfolios())
def test_a_country_counts_the_same_in_a_many_country_page_as_in_its_own_profile(portfolio):
    actors = TeamEuropeOnly()
    sliced = country_portfolios(portfolio, COUNTRIES)
    for country_id in COUNTRIES:
        own = alone(portfolio, country_id)
        if not own.engagements:
            assert country_id not in sliced
            continue
        many = CountryFigures(sliced[country_id], actors, country_id, "commitment")
        single = CountryFigures(own, actors, country_id, "commitment")
        assert many.team_europe_total() == single.team_europe_total()
        assert {pk: many.counted(pk) for pk in many.engagements} == {pk: single.counted(pk) for pk in own.engagements}


shares = st.none() | st.decimals(min_value=0, max_value=100, places=2)


def row_with_partner_share(index: int, share: Decimal | None) -> CountryRow:
    parts = [
        InterestPart("eu", "EU"),
        InterestPart("shared", "Shared"),
        InterestPart("partner", "Partner", money=Decimal(1), money_share=share),
    ]
    balance = Balance(
        parts,
        Decimal(0),
        0,
        Decimal(25),
        "money" if share is not None else None,
        verdict_shown=True,
        min_share_seen=Decimal(90),
    )
    country = SimpleNamespace(name=f"Country {index:03}", region=None)
    return CountryRow(country, [], Decimal(index), False, 1, balance, "")


@given(st.lists(shares, max_size=12))
def test_ranking_puts_the_lowest_partner_share_first_and_nothing_to_weigh_last(partner_shares):
    rows = [row_with_partner_share(index, share) for index, share in enumerate(partner_shares)]

    ranked = ranked_by_balance(rows)

    weighed = [row.partner_share for row in ranked if row.partner_share is not None]
    assert weighed == sorted(weighed)
    assert all(row.partner_share is None for row in ranked[len(weighed) :])
    assert sorted(id(row) for row in ranked) == sorted(id(row) for row in rows)
    for sort in ("partner_share", "-partner_share", "amount", "-amount", "country"):
        assert len(sorted_rows(rows, sort)) == len(rows)
        known = [row for row in sorted_rows(rows, sort) if row.partner_share is not None]
        if sort.endswith("partner_share"):
            assert sorted_rows(rows, sort)[: len(known)] == known
