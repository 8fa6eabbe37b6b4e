"""The dashboard: figures over the viewer's visible portfolio only, each linked to its list."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from lxml import html as lxml_html

from partnerhub.access.models import Role
from tests.support.builders import add_money, mark_as_demo, money, record
from tests.support.clients import client_for
from tests.support.personas import make_user
from tests.support.transactions import as_if_committed

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("web:dashboard")
LIST_URL = reverse("registry:engagement_list")


@pytest.fixture
def portfolio(cast):
    public = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        sharing_level="public",
        title="Open programme",
        amount="1000000",
        countries=("MAR",),
    )
    add_money(public, cast.commission_desk_officer, "budget", "2000000")
    french = cast.engagement(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French EU-level project",
        amount="300000",
        countries=("TUN",),
        kind="dialogue",
        status="closed",
    )
    add_money(french, cast.french_ministry_editor, "disbursement", "120000")
    originator = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="originator",
        title="German file",
        amount="777777",
        countries=("MAR", "SEN"),
    )
    restricted = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="restricted",
        shared_with=[cast.iom],
        title="Shared with IOM",
        amount="555555",
        countries=("SEN",),
    )
    return {"public": public, "french": french, "originator": originator, "restricted": restricted}


def totals(response) -> dict[str, Decimal]:
    return {money.kind: money.team_europe for money in response.context["money_totals"]}


def undisclosed(response) -> bool:
    return all(money.undisclosed for money in response.context["money_totals"])


@pytest.mark.parametrize(
    ("persona", "expected", "hidden"),
    [
        (None, {"budget": 2000000, "commitment": 1000000, "disbursement": 0}, True),
        ("commission_desk_officer", {"budget": 2000000, "commitment": 1300000, "disbursement": 120000}, True),
        ("french_embassy_viewer", {"budget": 2000000, "commitment": 1300000, "disbursement": 120000}, True),
        ("german_ministry_editor", {"budget": 2000000, "commitment": 2633332, "disbursement": 120000}, False),
        ("giz_viewer", {"budget": 2000000, "commitment": 1300000, "disbursement": 120000}, True),
        ("iom_officer", {"budget": 2000000, "commitment": 1555555, "disbursement": 0}, True),
        ("moroccan_ministry_user", {"budget": 2000000, "commitment": 1000000, "disbursement": 0}, True),
        ("superuser", {"budget": 2000000, "commitment": 1000000, "disbursement": 0}, True),
    ],
)
def test_money_totals_equal_exactly_the_visible_money_and_say_when_some_is_hidden(
    cast, portfolio, persona, expected, hidden
):
    user = getattr(cast, persona) if persona else None

    response = client_for(user).get(DASHBOARD)

    assert totals(response) == expected
    assert undisclosed(response) is hidden
    assert ("+ undisclosed" in response.content.decode()) is hidden


def test_hidden_originator_money_appears_nowhere_on_the_page(cast, portfolio):
    body = client_for(cast.commission_desk_officer).get(DASHBOARD).content.decode()

    assert "777,777" not in body and "388,888" not in body and "German file" not in body
    assert "EUR 1,300,000" in body and "EUR 2,000,000" in body and "EUR 120,000" in body


def test_kinds_of_money_are_shown_side_by_side_never_added(cast, portfolio):
    body = client_for(cast.commission_desk_officer).get(DASHBOARD).content.decode()

    assert "3,420,000" not in body and "3,300,000" not in body
    assert body.index("Budget") < body.index("Commitment") < body.index("Disbursement")


def test_counts_by_status_and_kind_cover_visible_records_and_link_to_the_list(cast, portfolio):
    response = client_for(cast.commission_desk_officer).get(DASHBOARD)

    assert response.context["engagement_total"] == 2
    assert [(row["value"], row["count"]) for row in response.context["by_status"]] == [
        ("implementation", 1),
        ("closed", 1),
    ]
    assert [(row["value"], row["count"]) for row in response.context["by_kind"]] == [("project", 1), ("dialogue", 1)]
    body = response.content.decode()
    for query in ("status=implementation", "status=closed", "kind=project", "kind=dialogue"):
        assert f'href="{LIST_URL}?{query}"' in body, query


def test_every_count_matches_the_list_it_links_to(cast, portfolio):
    cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        title="No money yet",
        countries=("MAR",),
        amount=None,
        kind="mission",
    )
    client = client_for(cast.german_ministry_editor)
    dashboard = client.get(DASHBOARD).context

    for parameter, rows in (("status", dashboard["by_status"]), ("kind", dashboard["by_kind"])):
        for row in rows:
            listed = client.get(f"{LIST_URL}?{parameter}={row['value']}").context["page_obj"]
            assert listed.paginator.count == row["count"], (parameter, row)


def test_top_partner_countries_count_multi_country_engagements_with_their_share(cast, portfolio):
    german = client_for(cast.german_ministry_editor).get(DASHBOARD).context["top_countries"]
    commission = client_for(cast.commission_desk_officer).get(DASHBOARD).context["top_countries"]

    # The German file (777,777) is in Morocco and Senegal without shares: half in each.
    assert [(row.country.iso3, row.team_europe, row.undisclosed) for row in german] == [
        ("MAR", Decimal("1388888.5"), False),
        ("SEN", Decimal("944443.5"), False),
        ("TUN", Decimal("300000"), False),
    ]
    assert [(row.country.iso3, row.team_europe, row.undisclosed) for row in commission] == [
        ("MAR", Decimal("1000000"), True),
        ("TUN", Decimal("300000"), False),
    ]


def test_a_country_on_the_dashboard_shows_its_profiles_counted_once_figure(cast):
    """Morocco showed 73.7 m on the dashboard, 48.8 m counted once on its profile."""
    giz_editor = make_user("giz.editor", cast.giz, Role.EDITOR)
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="EU facility, delegated to GIZ",
        iati_identifier="XI-IATI-EC_INTPA-2023-001",
        countries=[("MAR", 60), ("TUN", 40)],
        money_lines=[money("commitment", "10000000", receiver_activity="DE-1-GIZ-TEST-7")],
    )
    record(
        cast.giz,
        giz_editor,
        title="Delegated cooperation (GIZ)",
        iati_identifier="DE-1-GIZ-TEST-7",
        money_lines=[money("commitment", "8000000")],
    )
    record(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French readmission fund",
        sharing_level="originator",
        money_lines=[money("commitment", "300000")],
    )
    client = client_for(cast.commission_desk_officer)

    [morocco] = [row for row in client.get(DASHBOARD).context["top_countries"] if row.country.iso3 == "MAR"]
    profile = client.get(reverse("analysis:country_profile", args=["MAR"])).context["profile"]

    assert morocco.team_europe == profile.team_europe_total == Decimal("6000000")
    assert morocco.undisclosed is profile.undisclosed is True
    [row] = lxml_html.fromstring(client.get(DASHBOARD).content).xpath('//tr[@data-country="MAR"]')
    assert "EUR 6,000,000" in row.text_content() and "+ undisclosed" in row.text_content()


def test_latest_updated_lists_visible_engagements_newest_first(cast, portfolio):
    latest = client_for(cast.iom_officer).get(DASHBOARD).context["latest"]

    assert [engagement.title for engagement in latest] == ["Shared with IOM", "Open programme"]


def test_demo_banner_appears_only_when_visible_records_are_demo_data(cast, portfolio):
    mark_as_demo(portfolio["originator"])

    outsider = client_for(cast.commission_desk_officer).get(DASHBOARD)
    owner = client_for(cast.german_ministry_editor).get(DASHBOARD)

    assert outsider.context["has_demo"] is False
    assert "invented for demonstration" not in outsider.content.decode()
    assert owner.context["has_demo"] is True
    assert "invented for demonstration" in owner.content.decode()


def test_anonymous_visitor_sees_the_public_dashboard(cast, portfolio):
    response = client_for(None).get(DASHBOARD)

    assert response.status_code == 200
    assert "Log in to see what your organisations may see." in response.content.decode()
    assert response.context["engagement_total"] == 1


def test_empty_dashboard_says_so(db):
    body = client_for(None).get(DASHBOARD).content.decode()

    assert "There are no engagements you may see yet." in body


# Whether any country is marked, a savepoint, the marks, one statement to unmark them, Team Europe's
# organisations, three per table of sums (out; per audience; per level), the release; and on PostgreSQL
# the lock that keeps two processes from adding up at once.
SUMS_ADDED_UP_AGAIN = 15 + (connection.vendor == "postgresql")


def test_dashboard_runs_a_fixed_number_of_queries(cast, portfolio, django_assert_num_queries):
    for number in range(10):
        cast.engagement(
            cast.commission, cast.commission_desk_officer, title=f"More {number}", countries=("MAR", "TUN", "SEN")
        )
    client = client_for(cast.german_ministry_editor)
    as_if_committed()
    # session, user, memberships (circle), header organisations, counts, latest engagements,
    # overdue and stalled actions, upcoming meetings (for those with a clash), partner countries and
    # their routes, the data version and the shared cache's entry, whether the reader coordinates (revised
    # figures), the open crises; then, the first time for the circle, the counted-once rows added up
    # per country (chains seen in part, transactions naming an organisation, then engagements per owner,
    # money and themes each in two queries — the levels read whole, the other audiences —, owners,
    # engagements with money), where hidden money lies, demo records, and the
    # whole portfolio each country's balance verdict is weighed against (owners, money, engagements,
    # theme interests), kept until the data changes in the shared cache (its size, a savepoint, the
    # entry, the insert); and, since the engagements changed, their countries' sums added up again first.
    with django_assert_num_queries(38 + SUMS_ADDED_UP_AGAIN):
        client.get(DASHBOARD)
    with django_assert_num_queries(15):
        client.get(DASHBOARD)
