"""The agenda over the API: what a caller reads and what they record."""

import pytest

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
