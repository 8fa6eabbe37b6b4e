"""Clash marks beside meetings in the lists, the month and week, the dashboard and the country
profile: each tells what the meeting's own page tells the same reader, and no more."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.agenda.clashes import ClashMark, clash_marks, clashes_for
from partnerhub.agenda.models import Meeting
from partnerhub.agenda.services import cancel_meeting
from tests.agenda.factories import START, counterpart, meeting
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

VIEWERS = ("german_ministry_editor", "french_ministry_editor", "coordinator", "giz_viewer", "moroccan_ministry_user")


def expected_mark(found: Meeting, viewer) -> ClashMark | None:
    """The mark as the meeting's page would make it, one meeting at a time."""
    told = clashes_for(found, viewer)
    if not told:
        return None
    return ClashMark(sum(1 for clash in told if not clash.is_undisclosed), any(c.is_undisclosed for c in told))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plans=st.lists(
        st.tuples(
            st.sampled_from(["german", "french", "commission"]),
            st.sampled_from(["eu", "originator", "partner"]),
            st.booleans(),  # meets the ministry of the interior
            st.sampled_from([(), ("RETURN-REINTEGRATION",), ("DEV-REMIT",)]),
            st.integers(min_value=0, max_value=40),  # days after START
            st.booleans(),  # cancelled
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_marks_say_what_each_meetings_page_says_to_every_reader(cast, plans):
    Meeting.objects.unrestricted("each example starts from an empty calendar").delete()
    interior = counterpart()
    organisers = {
        "german": (cast.german_interior, cast.german_ministry_editor),
        "french": (cast.french_foreign_affairs, cast.french_ministry_editor),
        "commission": (cast.commission, cast.commission_desk_officer),
    }
    for who, level, meets_interior, themes, days, cancelled in plans:
        owner, author = organisers[who]
        made = meeting(
            owner,
            author,
            sharing_level=level,
            with_counterpart=interior if meets_interior else None,
            themes=themes,
            starts_at=START + timedelta(days=days),
        )
        if cancelled:
            cancel_meeting(made, acting_user=author)
    for name in VIEWERS:
        viewer = getattr(cast, name)
        readable = list(Meeting.objects.visible_to(viewer))
        marks = clash_marks(readable, viewer)
        for found in readable:
            assert marks.get(found.pk) == expected_mark(found, viewer), (name, found.title)


@pytest.fixture
def soon():
    return (timezone.now() + timedelta(days=3)).replace(microsecond=0)


@pytest.fixture
def clashing(cast, soon):
    interior = counterpart()
    mine = meeting(
        cast.german_interior,
        cast.german_ministry_editor,
        title="BMI return talks",
        starts_at=soon,
        with_counterpart=interior,
    )
    meeting(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="MEAE confidential visit",
        starts_at=soon + timedelta(days=2),
        with_counterpart=interior,
        sharing_level="originator",
    )
    calm = meeting(
        cast.commission,
        cast.commission_desk_officer,
        title="Tunisia dialogue",
        starts_at=soon,
        iso3="TUN",
        themes=("DEV-REMIT",),
    )
    return {"mine": mine, "calm": calm}


def add_meetings(cast, soon, count: int) -> None:
    for index in range(count):
        meeting(
            cast.commission,
            cast.commission_desk_officer,
            title=f"Commission visit {index}",
            starts_at=soon + timedelta(days=index),
            iso3="TUN",
            themes=("DEV-REMIT",),
        )


def test_the_organiser_sees_the_mark_of_the_hidden_clash_without_its_details(cast, clashing):
    body = client_for(cast.german_ministry_editor).get("/agenda/").content.decode()
    assert "clash: ask the coordinator" in body
    assert "MEAE confidential visit" not in body
    assert body.count("data-clash") == 1


def test_a_reader_who_is_not_told_sees_no_mark(cast, clashing):
    body = client_for(cast.giz_viewer).get("/agenda/").content.decode()
    assert "BMI return talks" in body and "data-clash" not in body


@pytest.mark.parametrize("path", ["/agenda/", "/agenda/month/", "/agenda/week/"])
def test_the_calendar_views_mark_clashes_in_a_fixed_number_of_queries(
    cast, clashing, soon, path, django_assert_max_num_queries
):
    client = client_for(cast.coordinator)
    local = timezone.localtime(soon)
    year, week, _day = local.isocalendar()
    query = {"month": f"{local:%Y-%m}", "week": f"{year}-W{week}"}
    client.get(path, query)
    add_meetings(cast, soon, 12)
    with django_assert_max_num_queries(17):
        body = client.get(path, query).content.decode()
    assert "data-clash" in body and "Commission visit 0" in body


def test_the_dashboard_lists_the_readers_upcoming_meetings_with_a_clash(cast, clashing, soon):
    organiser = client_for(cast.german_ministry_editor).get("/").content.decode()
    assert "Upcoming meetings with a clash" in organiser
    assert (
        "BMI return talks" in organiser and "MEAE confidential" not in organiser and "Tunisia dialogue" not in organiser
    )
    viewer = client_for(cast.giz_viewer).get("/").content.decode()
    assert "BMI return talks" not in viewer


def test_the_country_profile_shows_upcoming_meetings_with_lines_and_marks(cast, clashing):
    from tests.agenda.factories import line

    line(cast.eu_delegation_morocco, cast.coordinator, agreed_by=cast.coordinator, text="Return with dignity.")
    body = client_for(cast.german_ministry_editor).get("/countries/MAR/").content.decode()
    assert "Upcoming meetings" in body and "BMI return talks" in body
    assert "clash: ask the coordinator" in body and "MEAE confidential" not in body
    assert "Tunisia dialogue" not in body and "Lines to take, version 1" in body


def test_more_meetings_cost_the_dashboard_and_the_profile_no_more_queries(cast, clashing, soon):
    client = client_for(cast.coordinator)

    def queries(path: str) -> int:
        client.get(path)  # the kept figures are computed once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = {path: queries(path) for path in ("/", "/countries/MAR/")}
    for index in range(6):
        meeting(
            cast.french_foreign_affairs,
            cast.french_ministry_editor,
            title=f"MEAE visit {index}",
            starts_at=soon + timedelta(days=index),
            with_counterpart=counterpart(),
        )
    assert {path: queries(path) for path in before} == before
