"""Proposing a new figure over the API, and speaking for one of several organisations."""

import pytest

from partnerhub.access.models import Membership, Role
from partnerhub.facts.models import Source
from tests.facts.factories import figures, loaded_figure
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db


def new_figure(**changes):
    body = {
        "indicator": "remittances-received-usd",
        "country": "MAR",
        "period": "2023-Q2",
        "value": "2750000000",
        "source_publisher": "Bank Al-Maghrib",
        "source_dataset": "Balance of payments",
        "source_release_date": "2023-09-30",
        "method_note": "Transfers of Moroccans abroad",
        "note": "The central bank's quarterly figure",
    }
    return {**body, **changes}


def test_a_member_state_desk_officer_proposes_a_figure_no_file_carries(cast, token_api):
    loaded_figure()
    response = token_api(cast.german_ministry_editor).post("/facts/observations", new_figure())
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["status"], answer["sharing_level"], answer["unit"]) == ("proposed", "eu", "USD")
    assert answer["source"]["publisher"] == "Bank Al-Maghrib"
    created = figures().get(pk=answer["id"])
    assert (created.owner, created.proposing_organisation) == (cast.german_interior, cast.german_interior)
    again = token_api(cast.german_ministry_editor).post("/facts/observations", new_figure(period="2023-Q3"))
    assert again.status_code == 201
    assert Source.objects.filter(publisher="Bank Al-Maghrib").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"indicator": "nope"}, "indicator"),
        ({"country": "XXX"}, "country"),
        ({"period": "2023-13"}, "period"),
        ({"destination": "FRA"}, "destination"),
        ({"note": " "}, "note"),
    ],
)
def test_a_bad_figure_answers_422_naming_the_field_and_writes_nothing(cast, token_api, changes, field):
    loaded_figure()
    response = token_api(cast.german_ministry_editor).post("/facts/observations", new_figure(**changes))
    assert response.status_code == 422 and error_locations(response) == [["body", field]]
    assert figures().count() == 1 and not Source.objects.filter(publisher="Bank Al-Maghrib").exists()


@pytest.mark.parametrize("persona", ["giz_viewer", "moroccan_ministry_user", "iom_officer"])
def test_only_editors_on_the_eu_side_propose_a_new_figure(cast, token_api, persona):
    loaded_figure()
    response = token_api(getattr(cast, persona)).post("/facts/observations", new_figure())
    assert response.status_code == 403
    assert figures().count() == 1


def test_naming_an_organisation_one_does_not_edit_for_answers_422(cast, token_api):
    loaded_figure()
    response = token_api(cast.german_ministry_editor).post(
        "/facts/observations", new_figure(organisation=cast.french_foreign_affairs.pk)
    )
    assert response.status_code == 422 and error_locations(response) == [["body", "organisation"]]


def test_someone_in_two_organisations_disputes_for_the_one_they_name(cast, token_api):
    Membership.objects.create(user=cast.german_ministry_editor, organisation=cast.giz, role=Role.EDITOR)
    figure = loaded_figure()
    token_api(cast.commission_desk_officer).post(f"/facts/observations/{figure.pk}/propose", {"note": "WDI"})
    api = token_api(cast.german_ministry_editor)
    refused = api.post(f"/facts/observations/{figure.pk}/dispute", {"reason": "Low", "organisation": cast.iom.pk})
    assert refused.status_code == 422 and error_locations(refused) == [["body", "organisation"]]
    answer = api.post(f"/facts/observations/{figure.pk}/dispute", {"reason": "Low", "organisation": cast.giz.pk})
    assert answer.status_code == 200
    assert answer.json()["stances"][0]["organisation"] == str(cast.giz)
    endorsed = api.post(f"/facts/observations/{figure.pk}/endorse", {"organisation": cast.german_interior.pk})
    assert endorsed.status_code == 200
    stances = {stance["organisation"] for stance in endorsed.json()["stances"]}
    assert stances == {str(cast.giz), str(cast.german_interior)}
