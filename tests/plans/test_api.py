"""Plans and actions over the API, for scripts of ministries and lead organisations."""

import pytest

from partnerhub.plans.models import Action
from tests.plans.factories import action_for, indicator_for, plan_for
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db


def test_a_script_reads_the_plans_and_actions_it_may_see(cast, token_api):
    plan = plan_for(cast)
    action = action_for(cast, plan)
    indicator_for(cast, action)
    plan_for(cast, title="Own plan", sharing_level="originator")
    api = token_api(cast.french_ministry_editor)
    listed = api.get("/plans").json()["items"]
    assert [row["title"] for row in listed] == ["Migration partnership plan"]
    assert api.get("/plans", {"status": "agreed"}).json()["items"] == []
    assert api.get("/plans", {"country": "XXX"}).status_code == 422
    assert api.get(f"/plans/{plan.pk}").json()["country"] == "MAR"
    actions = api.get(f"/plans/{plan.pk}/actions").json()
    assert actions[0]["id"] == action.pk and actions[0]["indicators"][0]["name"] == "People reintegrated"
    assert api.get(f"/actions/{action.pk}").json()["status"] == "ongoing"


def test_the_lead_organisation_updates_its_action_and_a_reader_may_not(cast, token_api):
    hidden = cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator")
    action = action_for(cast, plan_for(cast), lead=cast.french_foreign_affairs, engagements=[hidden])
    api = token_api(cast.french_ministry_editor)
    assert api.get(f"/actions/{action.pk}").json()["engagement_ids"] == []
    response = api.patch(f"/actions/{action.pk}", {"rag_override": "green"})
    assert response.status_code == 422 and error_locations(response) == [["body", "rag_override_reason"]]
    response = api.patch(
        f"/actions/{action.pk}", {"status": "done", "rag_override": "green", "rag_override_reason": "Delivered early"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["rag"]) == ("done", "green")
    assert (
        token_api(cast.commission_desk_officer).patch(f"/actions/{action.pk}", {"status": "dropped"}).status_code == 403
    )
    assert Action.objects.unrestricted("test").get(pk=action.pk).status == "done"
    assert api.patch(f"/actions/{action.pk}", {"status": "finished"}).status_code == 422
    response = api.patch(f"/actions/{action.pk}", {"status": None, "rag_comment": None})
    assert response.status_code == 422 and error_locations(response) == [["body", "status"]]
    assert api.patch(f"/actions/{action.pk}", {"rag_comment": None, "deadline": None}).status_code == 200


def test_a_hidden_action_answers_404_whatever_the_body(cast, token_api):
    action = action_for(cast, plan_for(cast, sharing_level="originator"))
    api = token_api(cast.french_ministry_editor)
    assert api.get(f"/actions/{action.pk}").status_code == 404
    assert api.patch(f"/actions/{action.pk}", raw="not json").status_code == 404
