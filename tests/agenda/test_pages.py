"""The agenda's pages as their users meet them: the list, month and week, a meeting with its clash
notices, the forms, the counterparts."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from partnerhub.agenda.models import Counterpart, Meeting
from tests.agenda.factories import counterpart, meeting
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon():
    return (timezone.now() + timedelta(days=3)).replace(microsecond=0)


@pytest.fixture
def calendar(cast, soon):
    interior = counterpart()
    mine = meeting(
        cast.german_interior,
        cast.german_ministry_editor,
        title="BMI return talks",
        starts_at=soon,
        with_counterpart=interior,
    )
    hidden = meeting(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="MEAE confidential visit",
        starts_at=soon + timedelta(days=2),
        with_counterpart=interior,
        sharing_level="originator",
    )
    tunisia = meeting(
        cast.commission,
        cast.commission_desk_officer,
        title="Tunisia dialogue",
        starts_at=soon,
        iso3="TUN",
        kind="dialogue",
        themes=("DEV-REMIT",),
    )
    return {"mine": mine, "hidden": hidden, "tunisia": tunisia}


def test_the_list_shows_the_upcoming_meetings_a_reader_may_see_with_few_queries(
    cast, calendar, django_assert_max_num_queries
):
    client = client_for(cast.german_ministry_editor)
    # The clash marks take four: the meetings around, their themes, what the reader reads, whether they coordinate.
    with django_assert_max_num_queries(16):
        body = client.get("/agenda/").content.decode()
    assert "BMI return talks" in body and "Tunisia dialogue" in body
    assert "MEAE confidential visit" not in body


def test_the_filters_narrow_by_country_theme_organisation_and_kind(cast, calendar):
    client = client_for(cast.coordinator)
    assert "BMI return talks" not in client.get("/agenda/", {"country": "TUN"}).content.decode()
    assert "Tunisia dialogue" in client.get("/agenda/", {"theme": "DEV-REMIT"}).content.decode()
    by_owner = client.get("/agenda/", {"organisation": cast.german_interior.pk}).content.decode()
    assert "BMI return talks" in by_owner and "Tunisia dialogue" not in by_owner
    assert "BMI return talks" not in client.get("/agenda/", {"kind": "dialogue"}).content.decode()
    assert client.get("/agenda/", {"country": "XXX", "theme": "nope"}).status_code == 200


def test_month_and_week_place_meetings_on_their_days(cast, calendar, soon):
    client = client_for(cast.german_ministry_editor)
    local = timezone.localtime(soon)
    month = client.get("/agenda/month/", {"month": f"{local:%Y-%m}"}).content.decode()
    assert "BMI return talks" in month and "MEAE confidential visit" not in month
    year, week, _day = local.isocalendar()
    assert "BMI return talks" in client.get("/agenda/week/", {"week": f"{year}-W{week}"}).content.decode()
    for junk in ({"month": "2026-13"}, {"week": "soon"}, {"month": "x-y"}):
        assert client.get("/agenda/month/", junk).status_code == 200
        assert client.get("/agenda/week/", junk).status_code == 200


def test_the_organiser_is_told_of_a_hidden_clash_without_its_details(cast, calendar):
    body = client_for(cast.german_ministry_editor).get(f"/agenda/meetings/{calendar['mine'].pk}/").content.decode()
    assert "Another actor meets this counterpart within 14 days" in body
    assert "MEAE" not in body and "Ministry for Europe" not in body


def test_the_coordinator_sees_both_sides_of_a_visible_clash(cast, calendar, soon):
    visible = meeting(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="MEAE open visit",
        starts_at=soon + timedelta(days=1),
        with_counterpart=counterpart(),
    )
    body = client_for(cast.coordinator).get(f"/agenda/meetings/{calendar['mine'].pk}/").content.decode()
    assert "MEAE open visit" in body
    assert f"/agenda/meetings/{visible.pk}/" in body


def test_a_hidden_meeting_is_404_and_a_viewer_may_not_change_one(cast, calendar):
    hidden = calendar["hidden"]
    assert client_for(cast.german_ministry_editor).get(f"/agenda/meetings/{hidden.pk}/").status_code == 404
    viewer = client_for(cast.giz_viewer)
    assert viewer.get(f"/agenda/meetings/{calendar['mine'].pk}/edit/").status_code == 403
    assert viewer.post(f"/agenda/meetings/{calendar['mine'].pk}/cancel/").status_code == 403


def test_an_editor_records_a_meeting_typed_in_the_places_local_time(cast):
    client = client_for(cast.german_ministry_editor)
    assert client.get("/agenda/meetings/new/").status_code == 200
    response = client.post(
        "/agenda/meetings/new/",
        {
            "owner": cast.german_interior.pk,
            "kind": "visit",
            "title": "Visit to Rabat",
            "starts_at": "2027-06-01T10:00",
            "ends_at": "2027-06-01T12:00",
            "time_zone": "Asia/Tokyo",
            "country": cast.moroccan_interior.country_id,
            "sharing_level": "eu",
        },
    )
    assert response.status_code == 302, response.content.decode()
    recorded = Meeting.objects.unrestricted("test").get(title="Visit to Rabat")
    assert recorded.local_start.hour == 10 and recorded.starts_at.utcoffset() is not None
    assert recorded.starts_at.astimezone(UTC).hour == 1


def test_a_reader_without_an_editing_role_may_not_record(cast):
    assert client_for(cast.giz_viewer).get("/agenda/meetings/new/").status_code == 403


def test_coordinators_keep_counterparts_others_read_them(cast):
    coordinator = client_for(cast.coordinator)
    response = coordinator.post(
        "/agenda/counterparts/", {"country": cast.moroccan_interior.country_id, "authority": "Ministry of Justice"}
    )
    assert response.status_code == 302
    kept = Counterpart.objects.get(authority="Ministry of Justice")
    editor = client_for(cast.german_ministry_editor)
    assert "Ministry of Justice" in editor.get("/agenda/counterparts/").content.decode()
    assert editor.post("/agenda/counterparts/", {"authority": "x"}).status_code == 403
    assert editor.get(f"/agenda/counterparts/{kept.pk}/edit/").status_code == 403
    changed = coordinator.post(
        f"/agenda/counterparts/{kept.pk}/edit/",
        {"country": kept.country_id, "authority": "Ministry of Justice", "office": "Cooperation"},
    )
    assert changed.status_code == 302
    kept.refresh_from_db()
    assert kept.office == "Cooperation"


def test_the_organiser_edits_a_meeting_with_linked_engagements_and_moves_it(cast, soon):
    linked = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="BMI project")
    recorded = meeting(cast.german_interior, cast.german_ministry_editor, starts_at=soon, engagements=[linked])
    client = client_for(cast.german_ministry_editor)
    form = client.get(f"/agenda/meetings/{recorded.pk}/edit/")
    assert form.status_code == 200 and "BMI project" in form.content.decode()
    response = client.post(
        f"/agenda/meetings/{recorded.pk}/edit/",
        {
            "kind": "mission",
            "title": "Moved mission",
            "starts_at": "2027-07-01T09:00",
            "ends_at": "2027-07-01T11:00",
            "time_zone": "Africa/Casablanca",
            "country": recorded.country_id,
            "engagements": [linked.pk],
            "sharing_level": "eu",
        },
    )
    assert response.status_code == 302, response.content.decode()
    moved = Meeting.objects.unrestricted("test").get(pk=recorded.pk)
    assert moved.title == "Moved mission" and moved.sequence == 1
    assert "BMI project" in client.get(f"/agenda/meetings/{recorded.pk}/").content.decode()


def test_linked_engagements_a_reader_may_not_see_show_only_as_undisclosed(cast, soon):
    own = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, title="BMI negotiating line", sharing_level="originator"
    )
    recorded = meeting(cast.german_interior, cast.german_ministry_editor, starts_at=soon, engagements=[own])
    organiser = client_for(cast.german_ministry_editor).get(f"/agenda/meetings/{recorded.pk}/").content.decode()
    assert "BMI negotiating line" in organiser and "engagements you may not see" not in organiser
    coordinator = client_for(cast.coordinator).get(f"/agenda/meetings/{recorded.pk}/").content.decode()
    assert "BMI negotiating line" not in coordinator and "engagements you may not see" in coordinator
