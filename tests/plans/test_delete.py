"""Removing what was entered by mistake: a draft plan, an action, an indicator, an Action Fiche — by the
owner's editors only, never what an agreed version or a closed review keeps on record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnerhub.core.history import events_of, history_of
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan
from partnerhub.plans.services import (
    agree_plan,
    close_review,
    delete_action,
    delete_fiche,
    delete_indicator,
    delete_plan,
    open_review,
    save_fiche,
)
from tests.plans.factories import action_for, indicator_for, plan_coordinator, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    plan = plan_for(cast)
    action = action_for(cast, plan, lead=cast.french_foreign_affairs)
    indicator = indicator_for(cast, action)
    fiche = save_fiche(action, {"activities": "Training"}, acting_user=cast.french_ministry_editor)
    return plan, action, indicator, fiche


def exists(model, pk) -> bool:
    return model.objects.unrestricted("test").filter(pk=pk).exists()


def test_the_owners_editor_deletes_a_draft_with_everything_under_it_and_the_history_keeps_it(cast, draft):
    plan, action, indicator, fiche = draft
    delete_plan(plan, acting_user=cast.german_ministry_editor)
    assert not any(exists(m, r.pk) for m, r in ((ActionPlan, plan), (Action, action), (ActionIndicator, indicator)))
    assert history_of(plan).filter(action="delete").exists() and events_of(plan, ["plan.deleted"]).exists()


def test_an_agreed_plan_or_a_draft_a_closed_review_kept_is_not_deleted(cast, draft):
    plan = draft[0]
    coordinator = plan_coordinator(cast)
    close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    with pytest.raises(ValidationError, match="review"):
        delete_plan(plan, acting_user=cast.german_ministry_editor)
    agreed = agree_plan(plan_for(cast, title="Agreed"), acting_user=cast.german_ministry_editor)
    with pytest.raises(ValidationError, match="Only a draft"):
        delete_plan(agreed, acting_user=cast.german_ministry_editor)
    assert exists(ActionPlan, plan.pk) and exists(ActionPlan, agreed.pk)


def test_an_action_or_indicator_a_closed_review_kept_stays_and_is_dropped_instead(cast, draft):
    plan, action, indicator, _fiche = draft
    coordinator = plan_coordinator(cast)
    close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    later = indicator_for(cast, action, name="Counsellors trained")
    with pytest.raises(ValidationError, match="dropped"):
        delete_action(action, acting_user=cast.german_ministry_editor)
    with pytest.raises(ValidationError, match="closed review"):
        delete_indicator(indicator, acting_user=cast.german_ministry_editor)
    delete_indicator(later, acting_user=cast.german_ministry_editor)
    assert exists(Action, action.pk) and exists(ActionIndicator, indicator.pk) and not exists(ActionIndicator, later.pk)
    assert events_of(later, ["indicator.deleted"]).exists()


def test_an_action_of_an_agreed_plan_never_reviewed_is_deleted(cast, draft):
    plan, action, _indicator, _fiche = draft
    agree_plan(plan, acting_user=cast.german_ministry_editor)
    delete_action(action, acting_user=cast.german_ministry_editor)
    assert not exists(Action, action.pk) and events_of(action, ["action.deleted"]).exists()


def test_nothing_of_a_superseded_version_is_deleted(cast, draft):
    plan, action, indicator, fiche = draft
    agree_plan(plan, acting_user=cast.german_ministry_editor)
    agree_plan(plan_for(cast, title="Next"), acting_user=cast.german_ministry_editor)
    for delete, record in ((delete_action, action), (delete_indicator, indicator), (delete_fiche, fiche)):
        with pytest.raises(ValidationError, match="superseded"):
            delete(record, acting_user=cast.german_ministry_editor)


def test_the_lead_organisation_reports_but_does_not_delete(cast, draft):
    plan, action, indicator, fiche = draft
    for delete, record in (
        (delete_plan, plan),
        (delete_action, action),
        (delete_indicator, indicator),
        (delete_fiche, fiche),
    ):
        with pytest.raises(PermissionDenied):
            delete(record, acting_user=cast.french_ministry_editor)
    delete_fiche(fiche, acting_user=cast.german_ministry_editor)
    assert not exists(ActionFiche, fiche.pk) and events_of(fiche, ["fiche.deleted"]).exists()


def test_the_confirm_pages_delete_on_post_answer_403_to_readers_and_404_to_outsiders(cast, draft):
    plan, action, indicator, fiche = draft
    urls = [
        reverse("plans:fiche_delete", args=[fiche.pk]),
        reverse("plans:indicator_delete", args=[indicator.pk]),
        reverse("plans:action_delete", args=[action.pk]),
        reverse("plans:plan_delete", args=[plan.pk]),
    ]
    editor, lead, reader = (
        client_for(cast.german_ministry_editor),
        client_for(cast.french_ministry_editor),
        client_for(cast.commission_desk_officer),
    )
    for url in urls:
        assert lead.get(url).status_code == 403, url
        assert reader.post(url).status_code == 403, url
        page = editor.get(url)
        assert page.status_code == 200 and "Other users will no longer see it" in page.content.decode(), url
        assert editor.post(url).status_code == 302, url
    assert not exists(ActionPlan, plan.pk)
    hidden = action_for(cast, plan_for(cast, sharing_level="originator"))
    outsider = client_for(cast.french_ministry_editor)
    assert outsider.get(reverse("plans:action_delete", args=[hidden.pk])).status_code == 404
    assert outsider.post(reverse("plans:plan_delete", args=[hidden.plan_id])).status_code == 404


def test_the_confirm_page_says_why_a_kept_action_stays_and_the_plan_offers_no_delete_link(cast, draft):
    plan, action, _indicator, _fiche = draft
    editor = client_for(cast.german_ministry_editor)
    url = reverse("plans:action_delete", args=[action.pk])
    assert url in editor.get(plan.get_absolute_url()).content.decode()
    coordinator = plan_coordinator(cast)
    close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    assert "mark it dropped instead" in editor.get(url).content.decode()
    assert editor.post(url).status_code == 409
    page = editor.get(plan.get_absolute_url()).content.decode()
    assert url not in page and reverse("plans:plan_delete", args=[plan.pk]) not in page
    assert exists(Action, action.pk)
