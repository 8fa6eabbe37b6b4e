"""The next version of an agreed plan: drafted as a copy of its actions, indicators and fiches (not its
reviews), changed freely, and agreed in its turn, which supersedes the version it came from."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnerhub.core.history import events_of, history_of
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, PlanReview
from partnerhub.plans.services import (
    agree_plan,
    close_review,
    draft_next_version,
    open_review,
    save_fiche,
    update_action,
    update_indicator,
)
from tests.plans.factories import action_for, indicator_for, plan_coordinator, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def fresh(model, pk):
    return model.objects.unrestricted("test").get(pk=pk)


@pytest.fixture
def agreed(cast):
    hidden = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="originator")
    plan = plan_for(cast)
    action = action_for(
        cast,
        plan,
        lead=cast.commission,
        contributing_organisations=[cast.giz],
        status="ongoing",
        rag_comment="On track",
        engagements=[],
    )
    # The Commission links an engagement only it may see; the copy keeps the link.
    update_action(action, {"engagements": [hidden]}, acting_user=cast.commission_desk_officer)
    indicator = indicator_for(cast, action)
    update_indicator(indicator, {"latest_value": Decimal(400)}, acting_user=cast.german_ministry_editor)
    save_fiche(action, {"activities": "Training", "budget": Decimal(5000)}, acting_user=cast.german_ministry_editor)
    coordinator = plan_coordinator(cast)
    close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    return agree_plan(plan, acting_user=cast.german_ministry_editor), action, hidden


def test_the_draft_copies_the_plan_its_actions_indicators_and_fiches_but_not_its_reviews(cast, agreed):
    plan, action, hidden = agreed
    draft = draft_next_version(plan, acting_user=cast.german_ministry_editor)
    assert (draft.version, draft.status, draft.title, draft.sharing_level) == (2, "draft", plan.title, "eu")
    (copy,) = Action.objects.unrestricted("test").filter(plan=draft)
    assert copy.pk != action.pk
    assert (copy.description, copy.status, copy.rag_comment, copy.lead_organisation_id) == (
        action.description,
        "ongoing",
        "On track",
        cast.commission.pk,
    )
    assert list(copy.contributing_organisations.all()) == [cast.giz]
    assert set(Action.engagements.through.objects.filter(action=copy).values_list("engagement_id", flat=True)) == {
        hidden.pk
    }
    (indicator,) = ActionIndicator.objects.unrestricted("test").filter(action=copy)
    assert (indicator.name, indicator.target, indicator.latest_value) == ("People reintegrated", 1000, 400)
    assert ActionFiche.objects.unrestricted("test").get(action=copy).budget == Decimal(5000)
    assert not PlanReview.objects.unrestricted("test").filter(plan=draft).exists()
    assert events_of(draft, ["plan.created"]).get().data["drafted_from"] == plan.pk
    assert history_of(copy).filter(action="create").exists()
    assert fresh(ActionPlan, plan.pk).status == "agreed"


def test_agreeing_the_draft_supersedes_the_version_it_came_from_and_leaves_it_as_it_was(cast, agreed):
    plan, action, _hidden = agreed
    draft = draft_next_version(plan, acting_user=cast.german_ministry_editor)
    copy = Action.objects.unrestricted("test").get(plan=draft)
    update_action(copy, {"status": "done"}, acting_user=cast.german_ministry_editor)
    assert fresh(Action, action.pk).status == "ongoing"
    agree_plan(draft, acting_user=cast.german_ministry_editor, on=date(2026, 11, 1))
    assert (fresh(ActionPlan, plan.pk).status, fresh(ActionPlan, draft.pk).status) == ("superseded", "agreed")
    with pytest.raises(ValidationError):
        update_action(action, {"status": "done"}, acting_user=cast.german_ministry_editor)
    assert events_of(fresh(ActionPlan, plan.pk), ["plan.superseded"]).exists()


def test_only_an_agreed_version_is_drafted_from_and_one_draft_at_a_time(cast, agreed):
    plan, _action, _hidden = agreed
    with pytest.raises(PermissionDenied):
        draft_next_version(plan, acting_user=cast.commission_desk_officer)
    draft = draft_next_version(plan, acting_user=cast.german_ministry_editor)
    with pytest.raises(ValidationError, match="already drafted"):
        draft_next_version(plan, acting_user=cast.german_ministry_editor)
    with pytest.raises(ValidationError, match="agreed one"):
        draft_next_version(draft, acting_user=cast.german_ministry_editor)


def test_an_older_draft_is_not_agreed_over_a_later_agreed_version(cast):
    older = plan_for(cast, title="Version one")
    agree_plan(plan_for(cast, title="Version two"), acting_user=cast.german_ministry_editor)
    with pytest.raises(ValidationError, match="later version"):
        agree_plan(older, acting_user=cast.german_ministry_editor)


def test_the_plan_page_offers_the_next_version_to_the_owners_editors(cast, agreed):
    plan, _action, _hidden = agreed
    url = reverse("plans:plan_draft_next", args=[plan.pk])
    editor = client_for(cast.german_ministry_editor)
    assert url in editor.get(plan.get_absolute_url()).content.decode()
    assert url not in client_for(cast.commission_desk_officer).get(plan.get_absolute_url()).content.decode()
    assert client_for(cast.commission_desk_officer).post(url).status_code == 403
    response = editor.post(url)
    draft = ActionPlan.objects.unrestricted("test").get(version=2)
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert editor.post(url).status_code == 302  # refused with a message: a draft exists
    assert ActionPlan.objects.unrestricted("test").count() == 2
