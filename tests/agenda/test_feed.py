"""The personal iCalendar feed holds exactly what its owner may read, and a revoked address opens nothing."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from partnerhub.agenda.models import Meeting
from partnerhub.agenda.services import issue_feed_token, revoke_feed_tokens, update_meeting
from tests.agenda.factories import START, meeting
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(cast):
    return [
        meeting(cast.german_interior, cast.german_ministry_editor, title="BMI mission", confirmed=True),
        meeting(cast.commission, cast.commission_desk_officer, title="EU visit", kind="visit"),
        meeting(
            cast.french_foreign_affairs, cast.french_ministry_editor, title="MEAE secret", sharing_level="originator"
        ),
    ]


def read_feed(client, raw: str):
    response = client.get(f"/agenda/feed/{raw}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def entries(feed) -> dict[str, object]:
    return {str(event["UID"]): event for event in feed.walk("VEVENT")}


def test_the_feed_holds_exactly_the_meetings_its_owner_may_read(cast, meetings):
    _token, raw = issue_feed_token(acting_user=cast.german_ministry_editor)
    feed = read_feed(client_for(None), raw)
    visible = Meeting.objects.visible_to(cast.german_ministry_editor)
    assert set(entries(feed)) == {m.uid for m in visible}
    assert {str(e["SUMMARY"]) for e in entries(feed).values()} == {"BMI mission", "EU visit"}


def test_entries_carry_uid_sequence_last_modified_and_status(cast, meetings):
    mission, visit, _secret = meetings
    moved = update_meeting(
        visit,
        {"starts_at": START + timedelta(days=1), "ends_at": START + timedelta(days=1, hours=2)},
        acting_user=cast.commission_desk_officer,
    )
    _token, raw = issue_feed_token(acting_user=cast.commission_desk_officer)
    found = entries(read_feed(client_for(None), raw))
    assert str(found[mission.uid]["STATUS"]) == "CONFIRMED"
    assert str(found[moved.uid]["STATUS"]) == "TENTATIVE"
    assert int(found[moved.uid]["SEQUENCE"]) == 1 and int(found[mission.uid]["SEQUENCE"]) == 0
    assert found[moved.uid].decoded("DTSTART") == moved.starts_at
    assert found[moved.uid].decoded("LAST-MODIFIED") is not None


def test_a_revoked_or_replaced_address_answers_404(cast, meetings):
    _token, first = issue_feed_token(acting_user=cast.german_ministry_editor)
    _token, second = issue_feed_token(acting_user=cast.german_ministry_editor)
    anonymous = client_for(None)
    assert anonymous.get(f"/agenda/feed/{first}.ics").status_code == 404
    assert anonymous.get(f"/agenda/feed/{second}.ics").status_code == 200
    revoke_feed_tokens(acting_user=cast.german_ministry_editor)
    assert anonymous.get(f"/agenda/feed/{second}.ics").status_code == 404
    assert anonymous.get("/agenda/feed/not-a-token.ics").status_code == 404


def test_the_feed_page_creates_shows_once_and_revokes(cast):
    client = client_for(cast.german_ministry_editor)
    assert "You have no feed address." in client.get("/agenda/feed/").content.decode()
    created = client.post("/agenda/feed/", {"action": "issue"}).content.decode()
    assert "/agenda/feed/" in created and ".ics" in created
    client.post("/agenda/feed/", {"action": "revoke"})
    assert "You have no feed address." in client.get("/agenda/feed/").content.decode()
