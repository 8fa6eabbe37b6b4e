"""The demo's Action Plans and calendar: labelled as demo content, dated from the day they are loaded,
built once however often the demo loads, with a clash that the right people are told of and
nothing confidential shown to those outside its circle."""

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from partnerhub.agenda.clashes import COUNTERPART, clashes_for, window_days
from partnerhub.agenda.models import Counterpart, LineStatus, LineToTake, Meeting
from partnerhub.core.models import Event, ObjectChange
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, ActionStatus, PlanReview
from partnerhub.plans.queries import actions_needing_attention
from partnerhub.web.demo import USERS, build_demo
from partnerhub.web.demo.agenda import LINE_NOTE, MEETING_NOTE
from partnerhub.web.demo.plans import PLAN_NOTE
from tests.support.clients import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_built_once")]

REFERENCE = Path("/work/shared/data/reference/coordination_mechanisms.csv")
BMI_VISIT = "[Demo] Visit of the German Federal Ministry of the Interior on return procedures"
SPANISH_MISSION = "[Demo] Spanish technical mission on maritime border surveillance"
FRENCH_CONSULTATIONS = "[Demo] Consultations franco-tunisiennes sur la coopération consulaire"
NIGERIA_DRAFT = "[Demo] EU–Nigeria Action Plan on return, reintegration and protection (draft)"


def user(username: str):
    return get_user_model().objects.get(username=username)


def meeting(title: str) -> Meeting:
    return Meeting.objects.unrestricted("test").get(title=title)


def plan_of(iso3: str) -> ActionPlan:
    return ActionPlan.objects.unrestricted("test").get(country__iso3=iso3)


def counts() -> dict[str, int]:
    confidential = (ActionPlan, Action, ActionIndicator, PlanReview, ActionFiche, Meeting, LineToTake)
    return {model.__name__: model.objects.unrestricted("test").count() for model in confidential} | {
        "Counterpart": Counterpart.objects.count(),
        "history": ObjectChange.objects.count(),
    }


def priority_countries_of_2021() -> set[str]:
    """The eight countries of the EU action plans approved in October 2021, as the reference file names them."""
    with REFERENCE.open(newline="", encoding="utf-8") as stream:
        row = next(row for row in csv.reader(stream) if row[0] == "AP-2021")
    names = {name.strip() for name in row[5].split(";")}
    iso3 = {"Morocco": "MAR", "Tunisia": "TUN", "Nigeria": "NGA", "Niger": "NER", "Libya": "LBY", "Iraq": "IRQ"}
    return {iso3[name] for name in names if name in iso3}


class TestDemoPlansAndCalendar:
    def test_loading_again_adds_no_plan_action_review_meeting_line_or_counterpart(self, demo_built_once):
        before = counts()

        again = build_demo().plans_and_calendar

        assert counts() == before
        assert not [kind for kind, number in again.items() if kind.endswith("created") and number]
        assert demo_built_once.plans_and_calendar.created("plans") == 3
        assert again["plans kept"] == 3 and again["meetings kept"] == before["Meeting"]

    def test_every_plan_action_meeting_line_and_counterpart_says_it_is_demo_content(self):
        for plan in ActionPlan.objects.unrestricted("test"):
            assert plan.title.startswith("[Demo] ") and PLAN_NOTE in plan.objectives
        for action in Action.objects.unrestricted("test"):
            assert action.description.startswith("[Demo] ")
        for event in Meeting.objects.unrestricted("test"):
            assert event.title.startswith("[Demo] ") and MEETING_NOTE in event.outcome_notes
        for line in LineToTake.objects.unrestricted("test"):
            assert line.text.startswith("[Demo] ") and LINE_NOTE in line.text
        assert all(c.authority.startswith("[Demo] ") for c in Counterpart.objects.all())

    def test_the_plans_are_for_priority_countries_of_the_2021_action_plans(self):
        countries = set(ActionPlan.objects.unrestricted("test").values_list("country__iso3", flat=True))
        assert countries == {"MAR", "TUN", "NGA"}
        assert countries <= priority_countries_of_2021()

    def test_meetings_and_lines_are_dated_from_the_day_of_loading(self):
        today = timezone.localdate()
        visit = meeting(BMI_VISIT)
        assert visit.local_start.date() == today + timedelta(days=9) and visit.local_start.hour == 10
        past = Meeting.objects.unrestricted("test").filter(ends_at__lt=timezone.now())
        upcoming = Meeting.objects.unrestricted("test").filter(starts_at__gt=timezone.now())
        assert past.count() == 2 and upcoming.count() == 5
        assert all(event.outcome_notes != MEETING_NOTE for event in past), "past meetings carry their outcome"
        agreed = LineToTake.objects.unrestricted("test").filter(status=LineStatus.AGREED)
        assert {line.is_expired(today) for line in agreed} == {True, False}
        assert LineToTake.objects.unrestricted("test").filter(status=LineStatus.DRAFT).count() == 1
        morocco = plan_of("MAR")
        assert morocco.period_start < today < morocco.period_end

    def test_an_unconfirmed_mission_and_a_meeting_kept_by_its_organiser_alone(self):
        assert [m.title for m in Meeting.objects.unrestricted("test").filter(confirmed=False)] == [
            "[Demo] Technical mission to Abuja on return case management"
        ]
        assert meeting(FRENCH_CONSULTATIONS).sharing_level == "originator"

    def test_moroccos_plan_shows_an_overdue_and_a_stalled_action_to_its_readers(self):
        attention = actions_needing_attention(user("eud.rabat"), country=plan_of("MAR").country)
        today = timezone.localdate()
        assert {action.status for action in attention} == {ActionStatus.ONGOING, ActionStatus.STALLED}
        overdue = next(action for action in attention if action.status == ActionStatus.ONGOING)
        assert overdue.deadline < today and overdue.lead_organisation.acronym == "DG INTPA"

    def test_moroccos_plan_has_a_closed_review_kept_before_the_latest_reports_and_an_open_one(self):
        reviews = PlanReview.objects.unrestricted("test").filter(plan=plan_of("MAR"))
        [closed] = reviews.filter(closed_at__isnull=False)
        [still_open] = reviews.filter(closed_at=None)
        assert closed.snapshot["actions"] and not still_open.snapshot
        stalled = Action.objects.unrestricted("test").get(status=ActionStatus.STALLED)
        kept = next(action for action in closed.snapshot["actions"] if action["id"] == stalled.pk)
        assert kept["status"] == ActionStatus.ONGOING, "the snapshot was taken before the action stalled"
        reintegration = ActionIndicator.objects.unrestricted("test").get(name__startswith="Returnees")
        kept_values = [i["latest_value"] for a in closed.snapshot["actions"] for i in a["indicators"]]
        assert "900.00" in kept_values and reintegration.latest_value == 1450

    def test_progress_is_reported_by_the_lead_organisations_own_editors(self):
        stalled = Action.objects.unrestricted("test").get(status=ActionStatus.STALLED)
        change = Event.objects.get(name="action.status_changed", object_id=stalled.pk)
        assert change.user.username == "es.interior" and change.data["new"] == "stalled"
        created = ObjectChange.objects.get(
            action="create", object_id=plan_of("MAR").pk, content_type__model="actionplan"
        )
        assert created.user.username == "eeas.coordinator"

    def test_every_measured_indicator_has_a_baseline_target_and_latest_value(self):
        indicators = ActionIndicator.objects.unrestricted("test").all()
        assert indicators.count() >= 6
        for indicator in indicators:
            assert indicator.target != indicator.baseline and indicator.latest_value is not None

    def test_the_fiche_is_read_by_those_who_see_its_plan(self):
        fiche = ActionFiche.objects.unrestricted("test").get()
        url = reverse("plans:fiche_detail", args=[fiche.pk])
        assert client_for(user("ma.interior")).get(url).status_code == 200
        assert client_for(user("iom.officer")).get(url).status_code == 404

    def test_the_two_visits_to_the_moroccan_border_directorate_clash_for_their_organisers(self):
        german, spanish = meeting(BMI_VISIT), meeting(SPANISH_MISSION)
        assert german.owner != spanish.owner and german.counterpart == spanish.counterpart
        assert spanish.starts_at - german.ends_at < timedelta(days=window_days())
        for username, mine, theirs in (("de.interior", german, spanish), ("es.interior", spanish, german)):
            assert [(c.other, c.reason) for c in clashes_for(mine, user(username))] == [(theirs, COUNTERPART)]

    def test_the_coordinator_finds_the_clash_on_the_overview(self):
        page = client_for(user("eeas.coordinator")).get(reverse("agenda:clash_overview")).content.decode()
        assert BMI_VISIT in page and SPANISH_MISSION in page

    def test_the_partner_authority_learns_nothing_of_the_eu_visits(self):
        moroccan = user("ma.interior")
        assert not Meeting.objects.visible_to(moroccan).filter(title__in=[BMI_VISIT, SPANISH_MISSION]).exists()
        response = client_for(moroccan).get(reverse("agenda:meeting_detail", args=[meeting(BMI_VISIT).pk]))
        assert response.status_code == 404

    def test_the_partner_authority_reads_its_countrys_plan_and_no_other(self):
        visible = set(ActionPlan.objects.visible_to(user("ma.interior")).values_list("country__iso3", flat=True))
        assert visible == {"MAR"}

    def test_confidential_plans_and_meetings_reach_their_owners_only(self):
        secrets = {
            NIGERIA_DRAFT: (ActionPlan, {"home.desk"}),
            FRENCH_CONSULTATIONS: (Meeting, {"fr.mfa"}),
        }
        for title, (model, owners) in secrets.items():
            readers = {u.username for u in USERS if model.objects.visible_to(user(u.username)).filter(title=title)}
            assert readers == owners, title

    def test_an_outsider_sees_no_demo_plan_meeting_or_line(self):
        for model in (ActionPlan, Meeting, LineToTake):
            assert not model.objects.visible_to(None).exists()
        for url in (
            reverse("plans:plan_detail", args=[plan_of("NGA").pk]),
            reverse("agenda:meeting_detail", args=[meeting(FRENCH_CONSULTATIONS).pk]),
        ):
            for outsider in ("iom.officer", "ma.interior", "it.mfa"):
                assert client_for(user(outsider)).get(url).status_code == 404, (outsider, url)
        listing = client_for(user("iom.officer")).get(reverse("agenda:meeting_list")).content.decode()
        assert FRENCH_CONSULTATIONS not in listing and "[Demo]" not in listing
