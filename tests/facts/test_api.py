"""Key facts over the API: what a script may read, and the workflow through the services."""

from decimal import Decimal

import pytest

from partnerhub.facts.models import ObservationStatus
from tests.facts.factories import KNOMAD, figures, hidden_observation, loaded_figure
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_indicators_with_their_definition_and_source_freshness(cast, anonymous_api):
    loaded_figure()
    indicators = anonymous_api.get("/facts/indicators").json()
    assert [indicator["code"] for indicator in indicators] == ["remittances-received-usd"]
    assert indicators[0]["themes"] == ["DEV-REMIT"]
    assert indicators[0]["default_source"]["release_date"] == "2025-07-01"
    assert indicators[0]["default_source"]["freshness"] in ("fresh", "due", "overdue")


def test_a_script_reads_the_figures_it_may_see_filtered(cast, token_api):
    loaded_figure("MA", "2022", "1000")
    loaded_figure("TN", "2022", "20")
    loaded_figure("MA", "2021", "900")
    hidden_observation(cast, secret="ministry count")
    api = token_api(cast.french_ministry_editor)
    listed = api.get("/facts/observations").json()
    assert listed["count"] == 3
    morocco = api.get("/facts/observations", {"country": "MAR", "period": "2022"}).json()["items"]
    assert [(row["country"], row["period"], Decimal(row["value"])) for row in morocco] == [
        ("MAR", "2022", Decimal(1000))
    ]
    assert morocco[0]["source"]["publisher"] == "World Bank"
    assert api.get("/facts/observations", {"indicator": "remittances-received-usd"}).json()["count"] == 3
    assert token_api(cast.german_ministry_editor).get("/facts/observations").json()["count"] == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [({"country": "XXX"}, "country"), ({"indicator": "nope"}, "indicator"), ({"period": "2022-Q5"}, "period")],
)
def test_a_filter_that_names_nothing_answers_422_naming_it(cast, token_api, query, field):
    response = token_api(cast.french_ministry_editor).get("/facts/observations", query)
    assert response.status_code == 422 and error_locations(response) == [["query", field]]


def test_listing_figures_takes_a_fixed_number_of_queries(cast, token_api, django_assert_max_num_queries):
    for period in ("2019", "2020", "2021", "2022"):
        loaded_figure("MA", period, "1000")
    api = token_api(cast.french_ministry_editor)
    with django_assert_max_num_queries(12):
        assert api.get("/facts/observations").json()["count"] == 4


def test_a_hidden_figure_answers_404_whatever_the_body(cast, token_api):
    hidden = hidden_observation(cast, secret="ministry count")
    api = token_api(cast.french_ministry_editor)
    assert api.get(f"/facts/observations/{hidden.pk}").status_code == 404
    assert api.post(f"/facts/observations/{hidden.pk}/propose", raw="not json").status_code == 404
    assert api.post(f"/facts/observations/{hidden.pk}/agree", {}).status_code == 404


def test_the_workflow_through_the_api(cast, token_api):
    figure = loaded_figure()
    path = f"/facts/observations/{figure.pk}"
    desk = token_api(cast.commission_desk_officer)
    response = desk.post(f"{path}/propose", {})
    assert response.status_code == 422 and error_locations(response) == [["body", "note"]]
    assert desk.post(f"{path}/propose", raw="{").status_code == 400
    assert token_api(cast.giz_viewer).post(f"{path}/propose", {"note": "Quote it"}).status_code == 403
    assert desk.post(f"{path}/propose", {"note": "Quote it"}).json()["status"] == "proposed"
    assert desk.post(f"{path}/endorse", {}).status_code == 403  # its own proposal
    french = token_api(cast.french_ministry_editor)
    response = french.post(f"{path}/dispute", {"reason": "Informal channels"})
    assert response.json()["status"] == "disputed"
    assert response.json()["stances"][0]["reason"] == "Informal channels"
    assert desk.post(f"{path}/agree", {}).status_code == 403
    assert token_api(cast.coordinator).post(f"{path}/agree", {}).json()["status"] == "agreed"
    assert figures().get().status == ObservationStatus.AGREED
    response = token_api(cast.coordinator).post(f"{path}/agree", {})
    assert response.status_code == 422 and error_locations(response) == [["body", "status"]]


def test_disagreements_are_listed_with_both_figures(cast, anonymous_api):
    loaded_figure("MA", "2022", "1000")
    loaded_figure("MA", "2022", "1100", source=KNOMAD)
    loaded_figure("TN", "2022", "1000")
    loaded_figure("TN", "2022", "1001", source=KNOMAD)
    answer = anonymous_api.get("/facts/disagreements").json()
    assert answer["count"] == 1
    item = answer["items"][0]
    assert (item["country"], item["period"], Decimal(item["gap"])) == ("MAR", "2022", Decimal(100) / Decimal(1100))
    assert {row["source"]["dataset"] for row in item["observations"]} == {
        "World Development Indicators",
        "Remittance inflows",
    }
    assert anonymous_api.get("/facts/disagreements", {"country": "TUN"}).json()["count"] == 0


def test_listing_disagreements_takes_a_fixed_number_of_queries(cast, anonymous_api, django_assert_max_num_queries):
    for country in ("MA", "TN", "EG", "SN", "NG"):
        loaded_figure(country, "2022", "1000")
        loaded_figure(country, "2022", "2000", source=KNOMAD)
    with django_assert_max_num_queries(8):
        assert anonymous_api.get("/facts/disagreements").json()["count"] == 5
