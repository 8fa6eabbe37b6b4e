"""Writing plans: who may, what the history keeps, versions, RAG overrides and linked engagements."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerhub.access.models import Role
from partnerhub.core.history import events_of, history_of
from partnerhub.plans.models import ActionPlan, PlanStatus
from partnerhub.plans.services import agree_plan, update_action, update_indicator, update_plan
from tests.plans.factories import action_for, indicator_for, plan_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


def names(record) -> set[str]:
    return set(
        events_of(
            record,
            [
                "plan.created",
                "plan.agreed",
                "plan.superseded",
                "action.updated",
                "action.rag_overridden",
                "action.status_changed",
                "indicator.updated",
            ],
        ).values_list("name", flat=True)
    )


def test_agreeing_a_new_version_supersedes_the_one_agreed_before(cast):
    first = plan_for(cast)
    agree_plan(first, acting_user=cast.german_ministry_editor)
    second = plan_for(cast, title="Second plan")
    assert second.version == 2
    agree_plan(second, acting_user=cast.german_ministry_editor, on=date(2026, 3, 1))
    first = ActionPlan.objects.unrestricted("test").get(pk=first.pk)
    second = ActionPlan.objects.unrestricted("test").get(pk=second.pk)
    assert (first.status, second.status, second.agreed_on) == (
        PlanStatus.SUPERSEDED,
        PlanStatus.AGREED,
        date(2026, 3, 1),
    )
    assert "plan.superseded" in names(first) and {"plan.created", "plan.agreed"} <= names(second)
    with pytest.raises(ValidationError):
        update_plan(first, {"title": "Rewritten"}, acting_user=cast.german_ministry_editor)
    with pytest.raises(ValidationError):
        agree_plan(second, acting_user=cast.german_ministry_editor)


def test_another_organisations_editor_may_not_change_the_plan(cast):
    plan = plan_for(cast)
    with pytest.raises(PermissionDenied):
        update_plan(plan, {"title": "Taken over"}, acting_user=cast.french_ministry_editor)
    with pytest.raises(PermissionDenied):
        agree_plan(plan, acting_user=cast.giz_viewer)


def test_a_period_ending_before_it_starts_is_refused(cast):
    plan = plan_for(cast)
    with pytest.raises(ValidationError) as refused:
        update_plan(
            plan,
            {"period_end": date(2024, 1, 1), "period_start": date(2025, 1, 1)},
            acting_user=cast.german_ministry_editor,
        )
    assert "period_end" in refused.value.error_dict


def test_a_rating_set_by_hand_needs_a_reason_and_is_kept_as_an_event(cast):
    action = action_for(cast, plan_for(cast))
    with pytest.raises(ValidationError) as refused:
        update_action(action, {"rag_override": "red"}, acting_user=cast.german_ministry_editor)
    assert "rag_override_reason" in refused.value.error_dict
    update_action(
        action, {"rag_override": "red", "rag_override_reason": "Works stopped"}, acting_user=cast.german_ministry_editor
    )
    action.refresh_from_db()
    assert action.rag == "red"
    event = events_of(action, ["action.rag_overridden"]).get()
    assert event.data["reason"] == "Works stopped"
    assert history_of(action).filter(changes__has_key="rag_override").exists()


def test_the_lead_organisation_reports_progress_but_does_not_rewrite_the_action(cast):
    plan = plan_for(cast)
    action = action_for(cast, plan, lead=cast.french_foreign_affairs)
    indicator = indicator_for(cast, action)
    update_action(action, {"status": "stalled", "description": "Rewritten"}, acting_user=cast.french_ministry_editor)
    action.refresh_from_db()
    assert (action.status, action.description) == ("stalled", "Open a reintegration centre")
    assert "action.status_changed" in names(action)
    update_indicator(
        indicator, {"latest_value": Decimal(1000), "target": Decimal(5)}, acting_user=cast.french_ministry_editor
    )
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.target) == (Decimal(1000), Decimal(1000))
    action.refresh_from_db()
    assert action.rag_suggested == "green"
    with pytest.raises(PermissionDenied):
        update_action(action, {"status": "done"}, acting_user=cast.iom_officer)


def test_a_viewer_of_the_lead_organisation_may_not_report(cast):
    action = action_for(cast, plan_for(cast), lead=cast.giz)
    with pytest.raises(PermissionDenied):
        update_action(action, {"status": "done"}, acting_user=cast.giz_viewer)
    update_action(action, {"status": "done"}, acting_user=make_user("giz.editor", cast.giz, Role.EDITOR))
    action.refresh_from_db()
    assert action.status == "done"


def test_links_to_engagements_hidden_from_the_lead_stay_when_it_relinks(cast):
    hidden = cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator")
    shared = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="eu")
    action = action_for(cast, plan_for(cast), lead=cast.french_foreign_affairs, engagements=[hidden])
    with pytest.raises(ValidationError):
        update_action(action, {"engagements": [hidden]}, acting_user=cast.french_ministry_editor)
    update_action(action, {"engagements": [shared]}, acting_user=cast.french_ministry_editor)
    linked = set(action.engagements.through.objects.filter(action=action).values_list("engagement_id", flat=True))
    assert linked == {hidden.pk, shared.pk}
