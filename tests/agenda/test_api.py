"""The agenda over the API: what a caller reads and what they record."""

import pytest

from partnerhub.agenda.models import Meeting
from partnerhub.core.history import history_of
from partnerhub.core.models import Event
from tests.agenda.factories import counterpart, meeting
from tests.support.clients import error_locations, ids_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(cast):
    return {
        "german": meeting(cast.german_interior, cast.german_ministry_editor, title="BMI mission"),
        "secret": meeting(
            cast.french_foreign_affairs, cast.french_ministry_editor, title="MEAE secret", sharing_level="originator"
        ),
    }


def test_the_list_and_one_meeting_answer_what_the_caller_may_read(cast, meetings, token_api):
    api = token_api(cast.german_ministry_editor)
    assert ids_of(api.get("/agenda/meetings", {"upcoming": "false"})) == {meetings["german"].pk}
    assert api.get(f"/agenda/meetings/{meetings['secret'].pk}").status_code == 404
    body = api.get(f"/agenda/meetings/{meetings['german'].pk}").json()
    assert body["uid"] == meetings["german"].uid and body["country"] == "MAR"
    assert api.get("/agenda/meetings", {"country": "TUN", "upcoming": "false"}).json()["count"] == 0
    assert api.get("/agenda/meetings", {"theme": "nope"}).status_code == 422


def test_an_editor_records_a_meeting_and_a_viewer_may_not(cast, token_api):
    body = {
        "kind": "negotiation",
        "title": "Readmission round",
        "starts_at": "2027-05-04T09:00:00+01:00",
        "ends_at": "2027-05-04T17:00:00+01:00",
        "time_zone": "Africa/Casablanca",
        "country": "mar",
        "counterpart_id": counterpart().pk,
        "themes": ["RETURN-REINTEGRATION"],
    }
    created = token_api(cast.german_ministry_editor).post("/agenda/meetings", body)
    assert created.status_code == 201, created.content
    assert created.json()["organiser_id"] == cast.german_interior.pk
    assert token_api(cast.giz_viewer).post("/agenda/meetings", body).status_code == 403
    naive = token_api(cast.german_ministry_editor).post("/agenda/meetings", {**body, "starts_at": "2027-05-04T09:00"})
    assert naive.status_code == 422
    backwards = token_api(cast.german_ministry_editor).post(
        "/agenda/meetings", {**body, "ends_at": "2027-05-03T09:00:00+01:00"}
    )
    assert backwards.status_code == 422 and ["body", "ends_at"] in error_locations(backwards)


def stored(record) -> Meeting:
    return Meeting.objects.unrestricted("test").get(pk=record.pk)


def test_an_editor_changes_only_the_fields_sent_with_the_history(cast, meetings, token_api):
    german = meetings["german"]
    response = token_api(cast.german_ministry_editor).patch(
        f"/agenda/meetings/{german.pk}",
        {"title": "BMI mission, second round", "starts_at": "2027-03-01T10:00:00+00:00", "themes": []},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["themes"], body["sequence"]) == ("BMI mission, second round", [], 1)
    assert (body["kind"], body["country"], body["time_zone"]) == ("mission", "MAR", "Africa/Casablanca")
    assert history_of(stored(german)).count() == 2
    assert Event.objects.filter(object_id=german.pk, name="event.updated").exists()


def test_an_editor_sets_and_removes_the_counterpart(cast, meetings, token_api):
    api, german = token_api(cast.german_ministry_editor), meetings["german"]
    ministry = counterpart()
    assert api.patch(f"/agenda/meetings/{german.pk}", {"counterpart_id": ministry.pk}).json()["counterpart"]["id"] == (
        ministry.pk
    )
    assert api.patch(f"/agenda/meetings/{german.pk}", {"counterpart_id": None}).json()["counterpart"] is None


def test_an_editor_cancels_a_meeting_once(cast, meetings, token_api):
    api, german = token_api(cast.german_ministry_editor), meetings["german"]
    response = api.post(f"/agenda/meetings/{german.pk}/cancel")
    assert response.status_code == 200, response.content
    assert (response.json()["cancelled"], response.json()["sequence"]) == (True, 1)
    again = api.post(f"/agenda/meetings/{german.pk}/cancel")
    assert (again.status_code, again.json()["sequence"]) == (200, 1)
    assert Event.objects.filter(object_id=german.pk, name="event.cancelled").count() == 1


@pytest.mark.parametrize("persona", ["french_ministry_editor", "giz_viewer", "commission_desk_officer"])
def test_others_may_read_a_meeting_but_not_change_or_cancel_it(cast, meetings, token_api, persona):
    api, german = token_api(getattr(cast, persona)), meetings["german"]
    assert api.get(f"/agenda/meetings/{german.pk}").status_code == 200
    assert api.patch(f"/agenda/meetings/{german.pk}", {"title": "Taken over"}).status_code == 403
    assert api.patch(f"/agenda/meetings/{german.pk}", {"title": ""}).status_code == 403
    assert api.post(f"/agenda/meetings/{german.pk}/cancel").status_code == 403
    assert (stored(german).title, stored(german).cancelled) == ("BMI mission", False)


def test_a_hidden_meeting_answers_404_whatever_the_body_holds(cast, meetings, token_api):
    api, secret = token_api(cast.german_ministry_editor), meetings["secret"]
    missing = api.patch("/agenda/meetings/987654", {"title": "x"}).json()
    for body in ({"title": "x"}, {"colour": "red"}):
        response = api.patch(f"/agenda/meetings/{secret.pk}", body)
        assert response.status_code == 404 and response.json() == missing
    assert api.patch(f"/agenda/meetings/{secret.pk}", raw="{not json").status_code == 404
    assert api.post(f"/agenda/meetings/{secret.pk}/cancel").status_code == 404
    assert (stored(secret).title, stored(secret).cancelled) == ("MEAE secret", False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"kind": "picnic"}, "kind"),
        ({"starts_at": "2027-03-01T10:00"}, "starts_at"),
        ({"ends_at": "2027-02-01T10:00:00+00:00"}, "ends_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"country": "ZZZ"}, "country"),
        ({"country": "TUN"}, "counterpart_id"),
        ({"counterpart_id": 987654}, "counterpart_id"),
        ({"themes": ["NOPE"]}, "themes"),
        ({"engagement_ids": [987654]}, "engagement_ids"),
        ({"sharing_level": "everyone"}, "sharing_level"),
        ({"owner_id": 1}, "owner_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_wrong_change_answers_422_naming_the_field(cast, meetings, token_api, body, field):
    german = meetings["german"]
    if field == "counterpart_id" and "country" in body:
        token_api(cast.german_ministry_editor).patch(
            f"/agenda/meetings/{german.pk}", {"counterpart_id": counterpart().pk}
        )
    response = token_api(cast.german_ministry_editor).patch(f"/agenda/meetings/{german.pk}", body)
    assert response.status_code == 422 and ["body", field] in error_locations(response), response.content
    assert (stored(german).title, stored(german).country.iso3) == ("BMI mission", "MAR")


def test_a_change_that_is_not_json_answers_400(cast, meetings, token_api):
    response = token_api(cast.german_ministry_editor).patch(f"/agenda/meetings/{meetings['german'].pk}", raw="{x")
    assert response.status_code == 400


def test_changing_needs_a_log_in_or_a_token(meetings, anonymous_api):
    assert anonymous_api.patch(f"/agenda/meetings/{meetings['german'].pk}", {"title": "x"}).status_code == 401
    assert anonymous_api.post(f"/agenda/meetings/{meetings['german'].pk}/cancel").status_code == 401
