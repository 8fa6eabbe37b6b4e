"""Two rules of changing a meeting: links to engagements the editor may not see stay as they were,
and a cancelled meeting takes outcome notes and may be reinstated, but is not re-planned while cancelled."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from partnerhub.access.models import Membership, Role
from partnerhub.agenda.models import Meeting
from partnerhub.agenda.services import (
    cancel_meeting,
    issue_feed_token,
    reinstate_meeting,
    related_ids,
    update_meeting,
)
from partnerhub.core.models import Event
from tests.agenda.factories import START, meeting
from tests.support.clients import client_for, error_locations
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


def stored(record: Meeting) -> Meeting:
    return Meeting.objects.unrestricted("the test reads what was stored").get(pk=record.pk)


@pytest.fixture
def linked(cast):
    """A BMI meeting linked to a BMI engagement and to a GIZ engagement only GIZ may read, linked by a
    BMI editor who also works for GIZ; the other BMI editor does not see the GIZ one."""
    seconded = make_user("bmi.seconded.to.giz", cast.german_interior, Role.EDITOR)
    Membership.objects.create(user=seconded, organisation=cast.giz, role=Role.VIEWER)
    giz_editor = make_user("giz.editor", cast.giz, Role.EDITOR)
    giz_only = cast.engagement(cast.giz, giz_editor, sharing_level="originator", title="GIZ confidential study")
    own = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="BMI return project")
    other = cast.engagement(cast.commission, cast.commission_desk_officer, title="Commission border project")
    recorded = meeting(cast.german_interior, seconded, engagements=[giz_only, own])
    return {"meeting": recorded, "giz_only": giz_only, "own": own, "other": other}


def test_replacing_the_links_in_the_service_keeps_the_hidden_one(cast, linked):
    update_meeting(linked["meeting"], {"engagements": [linked["other"]]}, acting_user=cast.german_ministry_editor)
    assert related_ids(linked["meeting"], "engagements") == sorted([linked["giz_only"].pk, linked["other"].pk])


def test_emptying_the_links_over_the_api_keeps_the_hidden_one(cast, linked, token_api):
    api = token_api(cast.german_ministry_editor)
    response = api.patch(f"/agenda/meetings/{linked['meeting'].pk}", {"engagement_ids": []})
    assert response.status_code == 200, response.content
    assert related_ids(linked["meeting"], "engagements") == [linked["giz_only"].pk]


def test_the_form_neither_shows_nor_removes_the_hidden_link(cast, linked):
    client = client_for(cast.german_ministry_editor)
    page = client.get(f"/agenda/meetings/{linked['meeting'].pk}/edit/").content.decode()
    assert "GIZ confidential study" not in page and "BMI return project" in page
    form = client.get(f"/agenda/meetings/{linked['meeting'].pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data |= {
        "starts_at": form.initial["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        "ends_at": form.initial["ends_at"].strftime("%Y-%m-%dT%H:%M"),
        "country": linked["meeting"].country_id,
        "themes": [theme.pk for theme in form.initial["themes"]],
        "engagements": [linked["other"].pk],
        "sharing_level": "eu",
    }
    data = {name: value for name, value in data.items() if name not in ("participants", "shared_with_organisations")}
    response = client.post(f"/agenda/meetings/{linked['meeting'].pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert related_ids(linked["meeting"], "engagements") == sorted([linked["giz_only"].pk, linked["other"].pk])
    assert stored(linked["meeting"]).sequence == 0, "the same local time is no change of date"


def test_the_meeting_page_tells_of_the_hidden_link_without_naming_it(cast, linked):
    page = client_for(cast.german_ministry_editor).get(f"/agenda/meetings/{linked['meeting'].pk}/").content.decode()
    assert "BMI return project" in page and "+ engagements you may not see" in page
    assert "GIZ confidential study" not in page


# -- cancelled meetings ---------------------------------------------------------------------------


@pytest.fixture
def cancelled(cast):
    recorded = meeting(cast.german_interior, cast.german_ministry_editor, title="BMI mission", place="Rabat")
    return cancel_meeting(recorded, acting_user=cast.german_ministry_editor)


def test_a_cancelled_meeting_takes_outcome_notes_and_a_new_sharing_level(cast, cancelled):
    changed = update_meeting(
        cancelled,
        {"outcome_notes": "Postponed by the ministry.", "sharing_level": "restricted"},
        acting_user=cast.german_ministry_editor,
    )
    assert (changed.outcome_notes, changed.sharing_level, changed.cancelled) == (
        "Postponed by the ministry.",
        "restricted",
        True,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_at": START + timedelta(days=7), "ends_at": START + timedelta(days=7, hours=2)},
        {"place": "Casablanca"},
        {"confirmed": True},
        {"themes": []},
    ],
)
def test_a_cancelled_meeting_is_not_re_planned(cast, cancelled, fields):
    with pytest.raises(ValidationError) as refused:
        update_meeting(cancelled, fields, acting_user=cast.german_ministry_editor)
    assert set(refused.value.message_dict) <= set(fields) and refused.value.message_dict
    assert (stored(cancelled).place, stored(cancelled).starts_at) == ("Rabat", START)


def test_sending_the_unchanged_plans_with_new_notes_is_no_re_planning(cast, cancelled):
    same = {"place": "Rabat", "starts_at": START.astimezone(cancelled.zone), "outcome_notes": "Called off."}
    assert update_meeting(cancelled, same, acting_user=cast.german_ministry_editor).outcome_notes == "Called off."


def test_the_organiser_reinstates_it_and_may_then_re_plan_it(cast, cancelled):
    reinstated = reinstate_meeting(cancelled, acting_user=cast.german_ministry_editor)
    assert (reinstated.cancelled, reinstated.sequence) == (False, 2)
    assert Event.objects.filter(object_id=cancelled.pk, name="event.reinstated").count() == 1
    moved = update_meeting(reinstated, {"place": "Casablanca"}, acting_user=cast.german_ministry_editor)
    assert moved.place == "Casablanca"
    assert reinstate_meeting(moved, acting_user=cast.german_ministry_editor).sequence == moved.sequence


def test_the_api_refuses_re_planning_naming_the_field_and_reinstates(cast, cancelled, token_api):
    api = token_api(cast.german_ministry_editor)
    refused = api.patch(f"/agenda/meetings/{cancelled.pk}", {"place": "Casablanca"})
    assert refused.status_code == 422 and ["body", "place"] in error_locations(refused), refused.content
    notes = api.patch(f"/agenda/meetings/{cancelled.pk}", {"outcome_notes": "Called off."})
    assert notes.status_code == 200 and notes.json()["cancelled"] is True
    assert token_api(cast.french_ministry_editor).post(f"/agenda/meetings/{cancelled.pk}/reinstate").status_code == 403
    reinstated = api.post(f"/agenda/meetings/{cancelled.pk}/reinstate")
    assert (reinstated.status_code, reinstated.json()["cancelled"]) == (200, False)
    assert api.patch(f"/agenda/meetings/{cancelled.pk}", {"place": "Casablanca"}).status_code == 200


def test_the_form_of_a_cancelled_meeting_keeps_the_plans_and_saves_the_notes(cast, cancelled):
    client = client_for(cast.german_ministry_editor)
    form = client.get(f"/agenda/meetings/{cancelled.pk}/edit/").context["form"]
    assert form.fields["place"].disabled and not form.fields["outcome_notes"].disabled
    response = client.post(
        f"/agenda/meetings/{cancelled.pk}/edit/",
        {"place": "Casablanca", "outcome_notes": "Called off by the ministry.", "sharing_level": "eu"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert (stored(cancelled).place, stored(cancelled).outcome_notes) == ("Rabat", "Called off by the ministry.")


def test_the_page_offers_reinstating_to_the_organiser_and_the_feed_keeps_it_cancelled(cast, cancelled):
    client = client_for(cast.german_ministry_editor)
    page = client.get(f"/agenda/meetings/{cancelled.pk}/").content.decode()
    assert f"/agenda/meetings/{cancelled.pk}/reinstate/" in page
    assert client_for(cast.giz_viewer).post(f"/agenda/meetings/{cancelled.pk}/reinstate/").status_code == 403
    assert client.post(f"/agenda/meetings/{cancelled.pk}/reinstate/").status_code == 302
    assert stored(cancelled).cancelled is False


def test_the_feed_shows_it_cancelled_then_back_with_a_new_sequence(cast, cancelled):
    _token, raw = issue_feed_token(acting_user=cast.german_ministry_editor)

    def entry():
        body = client_for(None).get(f"/agenda/feed/{raw}.ics").content
        [event] = [e for e in Calendar.from_ical(body).walk("VEVENT") if str(e["UID"]) == cancelled.uid]
        return str(event["STATUS"]), int(event["SEQUENCE"])

    assert entry() == ("CANCELLED", 1)
    reinstate_meeting(cancelled, acting_user=cast.german_ministry_editor)
    assert entry() == ("TENTATIVE", 2)
