"""Reading engagements over the API: each persona sees its circle, no more."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerhub.core.history import events_of
from partnerhub.registry.models import Engagement
from partnerhub.registry.services import MoneyInput, input_from_engagement, update_engagement
from tests.support.clients import error_locations, ids_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(cast):
    """One engagement per sharing level, owned by different organisations."""
    return {
        "public": cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public"),
        "partner morocco": cast.engagement(
            cast.commission, cast.commission_desk_officer, sharing_level="partner", countries=("MAR",)
        ),
        "partner tunisia": cast.engagement(
            cast.commission, cast.commission_desk_officer, sharing_level="partner", countries=("TUN",)
        ),
        "eu": cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor),
        "restricted": cast.engagement(
            cast.german_interior,
            cast.german_ministry_editor,
            sharing_level="restricted",
            shared_with=[cast.iom],
            shared_with_countries=["FRA"],
        ),
        "originator": cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator"),
    }


def personas(cast):
    return [
        cast.commission_desk_officer,
        cast.german_ministry_editor,
        cast.giz_viewer,
        cast.french_ministry_editor,
        cast.french_embassy_viewer,
        cast.moroccan_ministry_user,
        cast.tunisian_ministry_user,
        cast.iom_officer,
        cast.coordinator,
        cast.superuser,
        cast.outsider,
    ]


def test_every_persona_lists_exactly_the_engagements_of_its_circle(cast, portfolio, token_api):
    for user in personas(cast):
        expected = set(Engagement.objects.visible_to(user).values_list("pk", flat=True))
        listed = ids_of(token_api(user).get("/engagements", {"page_size": 200}))
        assert listed == expected, user.username


def test_every_persona_opens_exactly_the_engagements_of_its_circle(cast, portfolio, token_api):
    for user in personas(cast):
        api = token_api(user)
        visible = set(Engagement.objects.visible_to(user).values_list("pk", flat=True))
        for engagement in portfolio.values():
            status = api.get(f"/engagements/{engagement.pk}").status_code
            assert status == (200 if engagement.pk in visible else 404), (user.username, engagement)


def test_circles_match_the_sharing_rules(cast, portfolio, token_api):
    def listed(user):
        names = {engagement.pk: name for name, engagement in portfolio.items()}
        return {names[pk] for pk in ids_of(token_api(user).get("/engagements"))}

    assert listed(cast.moroccan_ministry_user) == {"public", "partner morocco"}
    assert listed(cast.iom_officer) == {"public", "restricted"}
    assert listed(cast.french_embassy_viewer) == {"public", "partner morocco", "partner tunisia", "eu", "restricted"}
    assert listed(cast.german_ministry_editor) == {
        "public",
        "partner morocco",
        "partner tunisia",
        "eu",
        "restricted",
        "originator",
    }
    assert listed(cast.superuser) == {"public"}, "superusers read nothing outside the admin"


def test_anonymous_visitor_lists_and_opens_public_engagements_only(portfolio, anonymous_api):
    assert ids_of(anonymous_api.get("/engagements")) == {portfolio["public"].pk}
    assert anonymous_api.get(f"/engagements/{portfolio['public'].pk}").status_code == 200
    assert anonymous_api.get(f"/engagements/{portfolio['eu'].pk}").status_code == 404


def test_hidden_engagement_answers_404_with_the_same_body_as_a_missing_id(cast, portfolio, token_api):
    api = token_api(cast.french_ministry_editor)
    hidden = api.get(f"/engagements/{portfolio['originator'].pk}")
    missing = api.get("/engagements/987654")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden["Content-Type"] == missing["Content-Type"]


def test_detail_shows_owner_money_in_eur_totals_per_kind_and_page_url(cast, token_api):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor, amount="1000", currency="USD")
    data = input_from_engagement(engagement)
    data.money += [
        MoneyInput("commitment", Decimal("500"), "EUR", engagement.planned_start),
        MoneyInput("disbursement", Decimal("200"), "EUR", engagement.planned_start),
    ]
    update_engagement(engagement, data, acting_user=cast.german_ministry_editor)

    body = token_api(cast.german_ministry_editor).get(f"/engagements/{engagement.pk}").json()

    assert body["owner"] == {"id": cast.german_interior.pk, "name": cast.german_interior.name}
    assert body["url"] == f"http://testserver/engagements/{engagement.pk}/"
    usd = next(line for line in body["money"] if line["currency"] == "USD")
    assert usd["eur_rate_date"] is not None and Decimal(usd["amount_eur"]) < Decimal("1000")
    totals = {total["kind"]: Decimal(total["amount_eur"]) for total in body["totals"]}
    assert totals == {"commitment": Decimal(usd["amount_eur"]) + 500, "disbursement": 200}
    assert body["countries"] == [{"iso3": "MAR", "name": "Morocco", "share": None}]
    assert body["themes"][0]["code"] == "RETURN-REINTEGRATION"
    assert body["is_demo"] is False


def test_detail_lists_only_links_to_engagements_the_caller_may_see(cast, token_api):
    hidden_target = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="german only"
    )
    open_target = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="public", title="open"
    )
    source = cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="eu", title="source")
    data = input_from_engagement(source)
    data.links = [(hidden_target, "related"), (open_target, "follows")]
    update_engagement(source, data, acting_user=cast.german_ministry_editor)

    as_owner = token_api(cast.german_ministry_editor).get(f"/engagements/{source.pk}").json()
    as_french = token_api(cast.french_ministry_editor).get(f"/engagements/{source.pk}").json()

    owner_sees = {link["target"]["id"] for link in as_owner["links"]}
    assert owner_sees == {hidden_target.pk, open_target.pk}
    assert as_french["links"] == [{"kind": "follows", "target": {"id": open_target.pk, "title": "open"}}]


def test_viewing_a_restricted_engagement_is_logged_for_its_owner(cast, portfolio, token_api):
    restricted, public = portfolio["restricted"], portfolio["public"]
    token_api(cast.iom_officer).get(f"/engagements/{restricted.pk}")
    token_api(cast.iom_officer).get(f"/engagements/{public.pk}")
    token_api(cast.iom_officer).get("/engagements")

    viewed = events_of(restricted, ["engagement.viewed"])
    assert [event.user for event in viewed] == [cast.iom_officer]
    assert not events_of(public, ["engagement.viewed"]).exists()


def test_list_pages_carry_count_and_links_to_next_and_previous(cast, token_api):
    for number in range(5):
        cast.engagement(cast.commission, cast.commission_desk_officer, title=f"row {number}")
    api = token_api(cast.commission_desk_officer)

    first = api.get("/engagements", {"page_size": 2, "kind": "project"}).json()
    second = api.get("/engagements", {"page_size": 2, "kind": "project", "page": 2}).json()
    last = api.get("/engagements", {"page_size": 2, "kind": "project", "page": 3}).json()

    assert first["count"] == second["count"] == last["count"] == 5
    assert first["previous"] is None and last["next"] is None
    assert "page=2" in first["next"] and "kind=project" in first["next"]
    assert "page=1" in second["previous"] and "page=3" in second["next"]
    seen = [item["id"] for page in (first, second, last) for item in page["items"]]
    assert len(seen) == len(set(seen)) == 5


def test_page_size_above_the_maximum_is_refused_naming_the_field(anonymous_api):
    response = anonymous_api.get("/engagements", {"page_size": settings.API_MAX_PAGE_SIZE + 1})

    assert response.status_code == 422
    assert ["query", "page_size"] in error_locations(response)


@pytest.fixture
def many_engagements(cast):
    """Rows with every kind of child, so that any query per row would show."""
    anchor = cast.engagement(cast.commission, cast.commission_desk_officer, title="anchor")
    for number in range(12):
        engagement = cast.engagement(
            cast.commission,
            cast.commission_desk_officer,
            title=f"row {number}",
            countries=("MAR", "TUN"),
            themes=("RETURN-REINTEGRATION", "LEGAL-LABOUR"),
            sharing_level="restricted" if number % 3 == 0 else "eu",
            shared_with=[cast.german_interior],
            shared_with_countries=["FRA"],
        )
        data = input_from_engagement(engagement)
        data.participations = [(cast.iom, "implementer"), (cast.giz, "funder")]
        data.money.append(MoneyInput("disbursement", Decimal("10"), "USD", engagement.planned_start))
        data.links = [(anchor, "part_of")]
        update_engagement(engagement, data, acting_user=cast.commission_desk_officer)


def count_list_queries(api, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/engagements", {"page_size": 50, **(params or {})})
    assert response.status_code == 200
    return len(captured)


def test_listing_many_engagements_takes_a_fixed_number_of_queries(
    cast, many_engagements, session_api, django_assert_num_queries
):
    api = session_api(cast.commission_desk_officer)
    api.get("/engagements")  # warm the session and content type caches

    # session, user, memberships, count, page, then one query per prefetched relation (the owners
    # among them, read after the page rather than joined; instruments and sources: none here)
    with django_assert_num_queries(15):
        response = api.get("/engagements", {"page_size": 50})
    assert response.json()["count"] == 13
    few = count_list_queries(api, {"page_size": 2})
    many = count_list_queries(api, {"page_size": 50})
    assert few == many


def test_filtering_by_theme_and_country_adds_no_query_per_row(cast, many_engagements, session_api):
    api = session_api(cast.commission_desk_officer)
    api.get("/engagements")
    filtered = {"theme": "LEGAL", "country": ["MAR", "TUN"], "year_from": 2020}
    few = count_list_queries(api, {**filtered, "page_size": 2})
    many = count_list_queries(api, {**filtered, "page_size": 50})
    assert few == many
