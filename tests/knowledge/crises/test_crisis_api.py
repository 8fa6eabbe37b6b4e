"""Crises over the API: the same rules as the pages."""

import pytest

from partnerhub.knowledge.models import Crisis
from tests.knowledge.crisis_factories import crisis_for
from tests.support.clients import error_locations, ids_of

pytestmark = pytest.mark.django_db

DECLARATION = {
    "title": "Drought displacement",
    "country": "MAR",
    "started_on": "2025-06-01",
    "severity": "severe",
    "themes": ["PROT-DISPLACEMENT"],
}


def test_the_coordinator_declares_closes_and_reopens_a_crisis(cast, token_api):
    api = token_api(cast.coordinator)
    response = api.post("/crises", DECLARATION)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["country"], body["themes"], body["sharing_level"], body["is_open"]) == (
        "MAR",
        ["PROT-DISPLACEMENT"],
        "eu",
        True,
    )
    assert body["owner_id"] == cast.eu_delegation_morocco.pk
    crisis_id = body["id"]
    changed = api.patch(f"/crises/{crisis_id}", {"severity": "extreme"})
    assert changed.status_code == 200 and changed.json()["severity"] == "extreme"
    closed = api.post(f"/crises/{crisis_id}/close", {"closing_note": "Rains came back."})
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    assert closed.json()["closing_note"] == "Rains came back."
    assert api.post(f"/crises/{crisis_id}/close", {}).status_code == 422
    assert token_api(cast.french_ministry_editor).get(f"/crises/{crisis_id}").json()["is_open"] is False
    reopened = api.post(f"/crises/{crisis_id}/reopen")
    assert reopened.status_code == 200 and reopened.json()["is_open"] is True


def test_a_member_state_editor_may_not_declare_nor_change(cast, token_api):
    crisis = crisis_for(cast)
    api = token_api(cast.french_ministry_editor)
    assert api.post("/crises", DECLARATION).status_code == 403
    assert api.patch(f"/crises/{crisis.pk}", {"severity": "extreme"}).status_code == 403
    assert api.post(f"/crises/{crisis.pk}/close", {}).status_code == 403
    assert api.get(f"/crises/{crisis.pk}").status_code == 200
    assert Crisis.objects.unrestricted("the test counts").count() == 1


def test_hidden_crises_answer_404_and_are_not_listed(cast, token_api):
    hidden = crisis_for(cast, title="Delegation only", sharing_level="originator")
    shown = crisis_for(cast, title="For the EU side")
    api = token_api(cast.french_ministry_editor)
    assert ids_of(api.get("/crises")) == {shown.pk}
    assert api.get(f"/crises/{hidden.pk}").status_code == 404
    assert api.patch(f"/crises/{hidden.pk}", {"severity": "extreme"}).status_code == 404
    assert api.post(f"/crises/{hidden.pk}/close", {}).status_code == 404
    assert ids_of(token_api(cast.moroccan_ministry_user).get("/crises")) == set()


def test_the_list_filters_open_and_closed_and_by_country(cast, token_api):
    open_one = crisis_for(cast, title="Open")
    closed = crisis_for(cast, title="Closed")
    tunisian = crisis_for(cast, title="Tunisian", country="TUN")
    token_api(cast.coordinator).post(f"/crises/{closed.pk}/close", {})
    api = token_api(cast.commission_desk_officer)
    assert ids_of(api.get("/crises", {"status": "open"})) == {open_one.pk, tunisian.pk}
    assert ids_of(api.get("/crises", {"status": "closed"})) == {closed.pk}
    assert ids_of(api.get("/crises", {"country": "TUN"})) == {tunisian.pk}
    assert api.get("/crises", {"status": "maybe"}).status_code == 422


def test_bad_values_name_their_field(cast, token_api):
    api = token_api(cast.coordinator)
    response = api.post("/crises", {**DECLARATION, "country": "DEU", "themes": ["NO-SUCH-THEME"]})
    assert response.status_code == 422
    assert ["body", "themes"] in error_locations(response)
    response = api.post("/crises", {**DECLARATION, "country": "DEU"})
    assert response.status_code == 422 and ["body", "country"] in error_locations(response)
    response = api.post("/crises", {**DECLARATION, "severity": "apocalyptic"})
    assert response.status_code == 422
    crisis = crisis_for(cast)
    assert api.patch(f"/crises/{crisis.pk}", raw="{not json").status_code == 400
    assert api.post(f"/crises/{crisis.pk}/close", {"closed_on": "2020-01-01"}).status_code == 422
