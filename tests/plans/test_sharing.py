"""Plans share as engagements do, including restricted sharing with named organisations and Member States;
their actions, indicators, reviews and fiches follow the plan."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerhub.core.history import events_of
from partnerhub.geo.models import Country
from partnerhub.plans.models import Action, ActionFiche, ActionPlan, PlanReview
from partnerhub.plans.services import close_review, open_review, save_fiche, update_plan
from tests.plans.factories import action_for, indicator_for, plan_coordinator, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def restricted_plan(cast, *, organisations=(), member_states=()):
    plan = plan_for(cast, title="Restricted plan", sharing_level="eu")
    return update_plan(
        plan,
        {
            "sharing_level": "restricted",
            "shared_with_organisations": list(organisations),
            "shared_with_countries": [Country.objects.get(iso3=code) for code in member_states],
        },
        acting_user=cast.german_ministry_editor,
    )


def test_a_named_organisation_reads_the_plan_and_everything_under_it_and_another_does_not(cast):
    plan = restricted_plan(cast, organisations=[cast.french_foreign_affairs])
    action = action_for(cast, plan, description="Restricted step")
    indicator_for(cast, action)
    save_fiche(action, {"activities": "Quiet work"}, acting_user=cast.german_ministry_editor)
    coordinator = plan_coordinator(cast)
    review = close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    fiche = ActionFiche.objects.unrestricted("test").get(action=action)
    named, other = client_for(cast.french_ministry_editor), client_for(cast.commission_desk_officer)
    for url in (plan.get_absolute_url(), review.get_absolute_url(), fiche.get_absolute_url()):
        assert named.get(url).status_code == 200, url
        assert other.get(url).status_code == 404, url
    assert "Restricted plan" in named.get("/plans/").content.decode()
    assert "Restricted plan" not in other.get("/plans/").content.decode()
    assert Action.objects.visible_to(cast.french_ministry_editor).filter(pk=action.pk).exists()
    assert not Action.objects.visible_to(cast.commission_desk_officer).filter(pk=action.pk).exists()
    assert not PlanReview.objects.visible_to(cast.commission_desk_officer).filter(pk=review.pk).exists()


def test_a_named_member_state_lets_its_whole_government_read(cast):
    plan = restricted_plan(cast, member_states=["FRA"])
    assert client_for(cast.french_embassy_viewer).get(plan.get_absolute_url()).status_code == 200
    assert client_for(cast.giz_viewer).get(plan.get_absolute_url()).status_code == 404  # Germany is not named
    assert client_for(cast.moroccan_ministry_user).get(plan.get_absolute_url()).status_code == 404
    assert client_for(cast.iom_officer).get(plan.get_absolute_url()).status_code == 404


def test_the_api_answers_404_to_an_organisation_not_named(cast, token_api):
    plan = restricted_plan(cast, organisations=[cast.iom])
    assert token_api(cast.iom_officer).get(f"/plans/{plan.pk}").status_code == 200
    assert token_api(cast.french_ministry_editor).get(f"/plans/{plan.pk}").status_code == 404
    assert token_api(cast.french_ministry_editor).get("/plans").json()["count"] == 0


def test_only_member_states_are_named_and_names_go_when_the_plan_is_no_longer_restricted(cast):
    plan = plan_for(cast)
    with pytest.raises(ValidationError) as refused:
        update_plan(
            plan,
            {"sharing_level": "restricted", "shared_with_countries": [Country.objects.get(iso3="MAR")]},
            acting_user=cast.german_ministry_editor,
        )
    assert "shared_with_countries" in refused.value.error_dict
    plan = restricted_plan(cast, organisations=[cast.iom])
    update_plan(plan, {"sharing_level": "eu"}, acting_user=cast.german_ministry_editor)
    assert list(ActionPlan.objects.unrestricted("test").get(pk=plan.pk).shared_with_organisations.all()) == []
    assert events_of(plan, ["plan.sharing_changed"]).count() == 2


def test_naming_another_organisation_is_a_sharing_change_in_the_history(cast):
    plan = restricted_plan(cast, organisations=[cast.iom])
    update_plan(plan, {"shared_with_organisations": [cast.giz]}, acting_user=cast.german_ministry_editor)
    assert events_of(plan, ["plan.sharing_changed"]).count() == 2
    assert client_for(cast.iom_officer).get(plan.get_absolute_url()).status_code == 404


def test_the_plan_form_offers_the_sharing_fields_engagements_have(cast):
    client = client_for(cast.german_ministry_editor)
    form = client.get(reverse("plans:plan_create")).content.decode()
    assert 'name="shared_with_organisations"' in form and 'name="shared_with_countries"' in form
    assert 'value="restricted"' in form
    response = client.post(
        reverse("plans:plan_create"),
        {
            "owner": cast.german_interior.pk,
            "country": Country.objects.get(iso3="MAR").pk,
            "title": "Plan for the few",
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "sharing_level": "restricted",
            "shared_with_organisations": [cast.iom.pk],
            "shared_with_countries": [Country.objects.get(iso3="FRA").pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = ActionPlan.objects.unrestricted("test").get(title="Plan for the few")
    page = client_for(cast.iom_officer).get(plan.get_absolute_url()).content.decode()
    assert "International Organization for Migration" in page and "France" in page
    assert client_for(cast.commission_desk_officer).get(plan.get_absolute_url()).status_code == 404
