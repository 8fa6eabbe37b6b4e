"""Indicators, Action Fiches and reviews over the API, for the scripts of ministries and lead organisations:
changed through the services, hidden 404 before the body is read, read-only 403, a wrong field 422 naming
it, broken JSON 400."""

import pytest
from django.utils import timezone

from partnerhub.core.history import events_of
from partnerhub.plans.models import ActionFiche, ActionIndicator, PlanReview
from partnerhub.plans.services import agree_plan, close_review, draft_next_version, open_review, save_fiche
from tests.plans.factories import action_for, indicator_for, plan_coordinator, plan_for
from tests.support.clients import api_with_session, error_locations

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(cast):
    return action_for(cast, plan_for(cast), lead=cast.french_foreign_affairs)


@pytest.fixture
def hidden(cast):
    hidden_action = action_for(cast, plan_for(cast, title="Own plan", sharing_level="originator"))
    indicator = indicator_for(cast, hidden_action)
    fiche = save_fiche(hidden_action, {"activities": "Secret"}, acting_user=cast.german_ministry_editor)
    review = open_review(hidden_action.plan, acting_user=plan_coordinator(cast))
    return hidden_action, indicator, fiche, review


def test_the_plans_editor_adds_an_indicator_and_the_lead_records_its_latest_value(cast, token_api, action):
    owner, lead = token_api(cast.german_ministry_editor), token_api(cast.french_ministry_editor)
    response = owner.post(f"/actions/{action.pk}/indicators", {"name": "Returnees counselled", "target": "500"})
    assert response.status_code == 201, response.content
    indicator_id = response.json()["id"]
    assert (response.json()["baseline"], response.json()["latest_value"]) == ("0.00", None)
    assert lead.post(f"/actions/{action.pk}/indicators", {"name": "x", "target": "1"}).status_code == 403
    response = lead.patch(f"/indicators/{indicator_id}", {"latest_value": "250", "target": "5"})
    assert response.status_code == 200, response.content
    assert (response.json()["latest_value"], response.json()["target"]) == ("250.00", "500.00")  # target ignored
    assert response.json()["latest_value_on"] == timezone.localdate().isoformat()
    lead.patch(f"/indicators/{indicator_id}", {"latest_value": "260", "latest_value_on": "2026-01-15"})
    response = lead.patch(f"/indicators/{indicator_id}", {"latest_value": "270"})
    assert response.json()["latest_value_on"] == timezone.localdate().isoformat()  # a new value is of today
    listed = lead.get(f"/actions/{action.pk}/indicators").json()
    assert [row["name"] for row in listed] == ["Returnees counselled"]
    assert lead.get(f"/actions/{action.pk}").json()["rag_suggested"] != ""
    assert events_of(ActionIndicator.objects.unrestricted("test").get(pk=indicator_id), ["indicator.updated"])


def test_indicator_input_is_refused_naming_the_field(cast, token_api, action):
    owner = token_api(cast.german_ministry_editor)
    indicator = indicator_for(cast, action)
    for body, field in (
        ({"name": "x"}, "target"),
        ({"name": "x", "target": "1", "colour": "red"}, "colour"),
        ({"name": "x", "target": "123456789012345"}, "target"),
    ):
        response = owner.post(f"/actions/{action.pk}/indicators", body)
        assert response.status_code == 422 and error_locations(response) == [["body", field]], body
    response = owner.patch(f"/indicators/{indicator.pk}", {"target": None})
    assert response.status_code == 422 and error_locations(response) == [["body", "target"]]
    assert owner.patch(f"/indicators/{indicator.pk}", {"latest_value": "ten"}).status_code == 422
    assert owner.patch(f"/indicators/{indicator.pk}", raw="{broken").status_code == 400
    assert token_api(cast.commission_desk_officer).patch(f"/indicators/{indicator.pk}", {}).status_code == 403


def test_the_lead_writes_the_fiche_which_everyone_who_sees_the_plan_reads(cast, token_api, action):
    lead, reader = token_api(cast.french_ministry_editor), token_api(cast.commission_desk_officer)
    assert reader.get(f"/actions/{action.pk}").json()["fiche_id"] is None  # none yet
    response = lead.put(f"/actions/{action.pk}/fiche", {"activities": "Counselling", "budget": "250000"})
    assert response.status_code == 200, response.content
    fiche_id = response.json()["id"]
    response = lead.put(f"/actions/{action.pk}/fiche", {"risks": "Turnover", "budget": None})
    assert (response.json()["activities"], response.json()["risks"], response.json()["budget"]) == (
        "Counselling",
        "Turnover",
        None,
    )
    assert reader.get(f"/fiches/{fiche_id}").json()["risks"] == "Turnover"
    assert reader.get(f"/actions/{action.pk}").json()["fiche_id"] == fiche_id
    assert reader.put(f"/actions/{action.pk}/fiche", {"risks": "x"}).status_code == 403
    response = lead.put(f"/actions/{action.pk}/fiche", {"budget": "-5"})
    assert response.status_code == 422 and error_locations(response) == [["body", "budget"]]
    assert lead.put(f"/actions/{action.pk}/fiche", raw="[").status_code == 400
    assert ActionFiche.objects.unrestricted("test").get(pk=fiche_id).risks == "Turnover"


def test_coordinators_open_and_close_reviews_and_readers_read_the_snapshot(cast, token_api, action):
    indicator_for(cast, action)
    coordinator, reader = token_api(plan_coordinator(cast)), token_api(cast.french_ministry_editor)
    plan_id = action.plan_id
    assert reader.post(f"/plans/{plan_id}/reviews", {}).status_code == 403
    response = coordinator.post(f"/plans/{plan_id}/reviews", {"note": "Spring review"})
    assert response.status_code == 201, response.content
    review_id = response.json()["id"]
    assert (response.json()["is_open"], response.json()["snapshot"]) == (True, {})
    response = coordinator.post(f"/plans/{plan_id}/reviews", {})
    assert response.status_code == 422 and error_locations(response) == [["body"]]  # one open at a time
    assert reader.post(f"/reviews/{review_id}/close").status_code == 403
    response = coordinator.post(f"/reviews/{review_id}/close")
    assert response.status_code == 200, response.content
    (kept,) = response.json()["snapshot"]["actions"]
    assert kept["id"] == action.pk and "rag_suggested" in kept and kept["indicators"][0]["target"] == "1000.00"
    assert [row["id"] for row in reader.get(f"/plans/{plan_id}/reviews").json()] == [review_id]
    assert reader.get(f"/reviews/{review_id}").json()["snapshot"] == response.json()["snapshot"]
    assert coordinator.post(f"/reviews/{review_id}/close").status_code == 422  # closed already
    response = coordinator.post(f"/plans/{plan_id}/reviews", {"note": 5})
    assert response.status_code == 422 and error_locations(response) == [["body", "note"]]
    assert coordinator.post(f"/plans/{plan_id}/reviews", raw="nope").status_code == 400
    assert PlanReview.objects.unrestricted("test").filter(plan_id=plan_id).count() == 1


def test_hidden_records_answer_404_whatever_the_body(cast, token_api, hidden):
    hidden_action, indicator, fiche, review = hidden
    outsider = token_api(cast.french_ministry_editor)
    for path in (
        f"/actions/{hidden_action.pk}/indicators",
        f"/fiches/{fiche.pk}",
        f"/indicators/{indicator.pk}",
        f"/plans/{hidden_action.plan_id}/reviews",
        f"/reviews/{review.pk}",
    ):
        assert outsider.get(path).status_code == 404, path
    for method, path in (
        ("POST", f"/actions/{hidden_action.pk}/indicators"),
        ("PATCH", f"/indicators/{indicator.pk}"),
        ("PUT", f"/actions/{hidden_action.pk}/fiche"),
        ("POST", f"/plans/{hidden_action.plan_id}/reviews"),
        ("POST", f"/reviews/{review.pk}/close"),
    ):
        assert outsider.send(method, path, raw="not json").status_code == 404, path
    assert PlanReview.objects.unrestricted("test").get(pk=review.pk).is_open


def test_a_superseded_versions_indicator_is_refused_with_the_reason(cast, token_api, action):
    indicator = indicator_for(cast, action)
    editor = cast.german_ministry_editor
    plan = agree_plan(action.plan, acting_user=editor)
    agree_plan(draft_next_version(plan, acting_user=editor), acting_user=editor)
    response = token_api(cast.french_ministry_editor).patch(f"/indicators/{indicator.pk}", {"latest_value": "3"})
    assert response.status_code == 422 and "superseded" in response.json()["detail"][0]["msg"]


def test_anonymous_scripts_are_told_to_authenticate(cast, action):
    anonymous = api_with_session(None)
    assert anonymous.post(f"/actions/{action.pk}/indicators", {"name": "x", "target": "1"}).status_code == 401
    plan = plan_for(cast, title="Public plan", sharing_level="public")
    coordinator = plan_coordinator(cast)
    review = close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    assert anonymous.get(f"/reviews/{review.pk}").status_code == 200


def test_scripts_draft_the_next_version_and_delete_what_is_not_on_record(cast, token_api, action):
    editor, lead = token_api(cast.german_ministry_editor), token_api(cast.french_ministry_editor)
    indicator = indicator_for(cast, action)
    fiche = save_fiche(action, {"activities": "Training"}, acting_user=cast.german_ministry_editor)
    for path in (f"/fiches/{fiche.pk}", f"/indicators/{indicator.pk}", f"/actions/{action.pk}"):
        assert lead.delete(path).status_code == 403, path
        assert editor.delete(path).status_code == 204, path
        assert editor.get(path).status_code == 404, path
    plan = agree_plan(action.plan, acting_user=cast.german_ministry_editor)
    assert lead.post(f"/plans/{plan.pk}/next-version").status_code == 403
    response = editor.post(f"/plans/{plan.pk}/next-version")
    assert response.status_code == 201 and (response.json()["version"], response.json()["status"]) == (2, "draft")
    draft_id = response.json()["id"]
    assert editor.post(f"/plans/{plan.pk}/next-version").status_code == 422  # one draft at a time
    response = editor.delete(f"/plans/{plan.pk}")
    assert response.status_code == 422 and "Only a draft" in response.json()["detail"][0]["msg"]
    assert editor.delete(f"/plans/{draft_id}").status_code == 204
    assert editor.get(f"/plans/{draft_id}").status_code == 404


def test_hidden_records_are_not_deleted_and_answer_404(cast, token_api, hidden):
    hidden_action, indicator, fiche, _review = hidden
    outsider = token_api(cast.french_ministry_editor)
    for path in (
        f"/fiches/{fiche.pk}",
        f"/indicators/{indicator.pk}",
        f"/actions/{hidden_action.pk}",
        f"/plans/{hidden_action.plan_id}",
    ):
        assert outsider.delete(path).status_code == 404, path
    assert outsider.post(f"/plans/{hidden_action.plan_id}/next-version").status_code == 404
    assert ActionFiche.objects.unrestricted("test").filter(pk=fiche.pk).exists()
