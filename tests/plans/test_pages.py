"""The plan pages as the people using them: the list, a plan with its actions, and the forms."""

from datetime import date

import pytest
from django.urls import reverse

from partnerhub.plans.models import Action, ActionPlan
from partnerhub.plans.services import update_action
from tests.plans.factories import action_for, indicator_for, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_plans_the_reader_may_see_filtered_by_country_and_status(
    cast, django_assert_max_num_queries
):
    plan_for(cast, title="Shared plan")
    plan_for(cast, title="Own plan", sharing_level="originator")
    client = client_for(cast.french_ministry_editor)
    with django_assert_max_num_queries(8):
        page = client.get("/plans/").content.decode()
    assert "Shared plan" in page and "Own plan" not in page
    assert "Shared plan" not in client.get("/plans/", {"status": "agreed"}).content.decode()
    assert "Shared plan" in client.get("/plans/", {"country": "MAR", "status": "draft"}).content.decode()
    assert client.get("/plans/", {"country": "nowhere"}).status_code == 200


def test_a_plan_shows_its_actions_with_ratings_overdue_and_stalled_marks(cast):
    plan = plan_for(cast)
    late = action_for(cast, plan, description="Late action", deadline=date(2025, 3, 1))
    action_for(cast, plan, description="Stalled action", status="stalled", deadline=date(2099, 1, 1))
    update_action(
        late,
        {"rag_override": "amber", "rag_override_reason": "Partner reshuffle"},
        acting_user=cast.german_ministry_editor,
    )
    indicator_for(cast, late, name="Centres opened")
    page = client_for(cast.commission_desk_officer).get(plan.get_absolute_url()).content.decode()
    assert "Late action" in page and "Overdue" in page and "Stalled" in page
    assert "Partner reshuffle" in page and "Centres opened" in page
    assert reverse("plans:action_update", args=[late.pk]) not in page  # the Commission only reads


def test_an_editor_creates_a_plan_adds_an_action_and_agrees_it(cast):
    client = client_for(cast.german_ministry_editor)
    response = client.post(
        "/plans/new/",
        {
            "owner": cast.german_interior.pk,
            "country": "MAR" and _morocco_pk(),
            "title": "Plan 2026",
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "objectives": "",
            "sharing_level": "eu",
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = ActionPlan.objects.unrestricted("test").get(title="Plan 2026")
    response = client.post(
        reverse("plans:action_create", args=[plan.pk]),
        {
            "description": "Train border guards",
            "theme": _theme_pk(),
            "lead_organisation": cast.giz.pk,
            "status": "planned",
            "deadline": "2026-09-30",
            "rag_override": "red",
        },
    )
    assert response.status_code == 200 and "Say why" in response.content.decode()
    assert client.post(reverse("plans:plan_agree", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "agreed"


def test_the_lead_organisation_gets_a_progress_form_and_a_reader_gets_403(cast):
    action = action_for(cast, plan_for(cast), lead=cast.french_foreign_affairs)
    url = reverse("plans:action_update", args=[action.pk])
    form = client_for(cast.french_ministry_editor).get(url).content.decode()
    assert 'name="status"' in form and 'name="description"' not in form
    response = client_for(cast.french_ministry_editor).post(
        url, {"status": "done", "rag_comment": "Delivered", "version": action.version}
    )
    assert response.status_code == 302
    assert Action.objects.unrestricted("test").get(pk=action.pk).status == "done"
    assert client_for(cast.commission_desk_officer).get(url).status_code == 403
    hidden = action_for(cast, plan_for(cast, sharing_level="originator"))
    assert (
        client_for(cast.french_ministry_editor).get(reverse("plans:action_update", args=[hidden.pk])).status_code == 404
    )


def _morocco_pk():
    from partnerhub.geo.models import Country

    return Country.objects.get(iso3="MAR").pk


def _theme_pk():
    from partnerhub.registry.models import Theme

    return Theme.objects.get(code="RETURN-REINTEGRATION").pk


def test_overdue_and_stalled_actions_show_on_the_dashboard_and_the_country_profile(cast):
    plan = plan_for(cast)
    action_for(cast, plan, description="Late visible action", deadline=date(2025, 3, 1))
    action_for(cast, plan, description="Finished on time", deadline=date(2025, 3, 1), status="done")
    hidden = plan_for(cast, title="Own plan", sharing_level="originator")
    action_for(cast, hidden, description="Late hidden action", status="stalled")
    client = client_for(cast.french_ministry_editor)
    for url in ("/", "/countries/MAR/"):
        page = client.get(url).content.decode()
        assert "Late visible action" in page, url
        assert "Finished on time" not in page and "Late hidden action" not in page, url
    assert "Late hidden action" in client_for(cast.german_ministry_editor).get("/").content.decode()


def test_the_plan_page_reads_its_actions_in_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    plan = plan_for(cast, sharing_level="restricted")
    for number in range(6):
        action = action_for(cast, plan, description=f"Action {number}", contributing_organisations=[cast.iom])
        indicator_for(cast, action)
    client = client_for(cast.german_ministry_editor)
    with django_assert_max_num_queries(15):
        page = client.get(plan.get_absolute_url()).content.decode()
    assert "Action 5" in page and reverse("plans:plan_export", args=[plan.pk, "xlsx"]) in page
