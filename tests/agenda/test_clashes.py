"""Clash alerts on constructed calendars: inside and outside the window, across time zones and
midnight, and with confidential meetings that count without being told."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.agenda.clashes import COUNTERPART, THEME, clashes_for
from tests.agenda.factories import START, counterpart, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def interior(cast):
    return counterpart()


def german(cast, **fields):
    return meeting(cast.german_interior, cast.german_ministry_editor, **fields)


def french(cast, **fields):
    return meeting(cast.french_foreign_affairs, cast.french_ministry_editor, title="MEAE mission", **fields)


def test_two_organisations_meeting_the_same_counterpart_inside_the_window_clash(cast, interior):
    mine = german(cast, with_counterpart=interior, themes=())
    theirs = french(cast, with_counterpart=interior, themes=(), starts_at=START + timedelta(days=13))
    [clash] = clashes_for(mine, cast.german_ministry_editor)
    assert clash.reason == COUNTERPART and clash.other == theirs
    [back] = clashes_for(theirs, cast.french_ministry_editor)
    assert back.other == mine


def test_outside_the_window_or_the_same_organisation_no_clash(cast, interior):
    mine = german(cast, with_counterpart=interior, themes=())
    french(cast, with_counterpart=interior, themes=(), starts_at=START + timedelta(days=14, hours=3))
    german(cast, with_counterpart=interior, themes=(), starts_at=START + timedelta(days=1))
    assert clashes_for(mine, cast.german_ministry_editor) == []


def test_the_window_comes_from_the_settings(cast, interior, settings):
    settings.PARTNERHUB_CLASH_WINDOW_DAYS = 3
    mine = german(cast, with_counterpart=interior, themes=())
    french(cast, with_counterpart=interior, themes=(), starts_at=START + timedelta(days=5))
    assert clashes_for(mine, cast.german_ministry_editor) == []
    settings.PARTNERHUB_CLASH_WINDOW_DAYS = 7
    assert len(clashes_for(mine, cast.german_ministry_editor)) == 1


def test_same_country_on_a_shared_theme_clashes_without_a_counterpart(cast):
    mine = german(cast)
    french(cast, starts_at=START + timedelta(days=2))
    french(cast, starts_at=START + timedelta(days=2), iso3="TUN")
    french(cast, starts_at=START + timedelta(days=2), themes=("DEV-REMIT",))
    [clash] = clashes_for(mine, cast.german_ministry_editor)
    assert clash.reason == THEME


def test_time_zones_across_midnight_measure_the_real_interval(cast, interior, settings):
    """With a one-day window, what counts is the time between the meetings, not their local dates."""
    settings.PARTNERHUB_CLASH_WINDOW_DAYS = 1
    lima, tokyo = ZoneInfo("America/Lima"), ZoneInfo("Asia/Tokyo")
    # Local dates two days apart, 22 hours apart in fact: a clash.
    evening = german(
        cast, with_counterpart=interior, themes=(), starts_at=datetime(2027, 6, 1, 20, tzinfo=lima), hours=0
    )
    morning = french(
        cast, with_counterpart=interior, themes=(), starts_at=datetime(2027, 6, 3, 8, tzinfo=tokyo), hours=0
    )
    assert [c.other for c in clashes_for(evening, cast.german_ministry_editor)] == [morning]
    # The same local date, 37 hours apart in fact: no clash.
    late = german(
        cast, with_counterpart=interior, themes=(), starts_at=datetime(2027, 9, 1, 23, 30, tzinfo=lima), hours=0
    )
    french(cast, with_counterpart=interior, themes=(), starts_at=datetime(2027, 9, 1, 0, 30, tzinfo=tokyo), hours=0)
    assert clashes_for(late, cast.german_ministry_editor) == []


def test_a_confidential_meeting_counts_without_telling_the_other_organiser_anything(cast, interior):
    mine = german(cast, with_counterpart=interior, themes=())
    french(cast, with_counterpart=interior, themes=(), sharing_level="originator", starts_at=START + timedelta(days=1))
    [notice] = clashes_for(mine, cast.german_ministry_editor)
    assert notice.is_undisclosed and notice.reason == COUNTERPART


def test_readers_who_do_not_organise_are_not_told_of_hidden_meetings(cast, interior):
    mine = german(cast, with_counterpart=interior, themes=())
    french(cast, with_counterpart=interior, themes=(), sharing_level="originator", starts_at=START + timedelta(days=1))
    assert clashes_for(mine, cast.giz_viewer) == []
    assert clashes_for(mine, cast.commission_desk_officer) == []


def test_coordinators_see_both_meetings(cast, interior):
    mine = german(cast, with_counterpart=interior, themes=())
    theirs = french(cast, with_counterpart=interior, themes=(), starts_at=START + timedelta(days=1))
    assert [c.other for c in clashes_for(mine, cast.coordinator)] == [theirs]
    assert [c.other for c in clashes_for(theirs, cast.coordinator)] == [mine]


def test_a_cancelled_meeting_clashes_with_nothing(cast, interior):
    from partnerhub.agenda.services import cancel_meeting

    mine = german(cast, with_counterpart=interior, themes=())
    theirs = french(cast, with_counterpart=interior, themes=(), starts_at=START + timedelta(days=1))
    cancel_meeting(theirs, acting_user=cast.french_ministry_editor)
    assert clashes_for(mine, cast.german_ministry_editor) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    gap_hours=st.integers(min_value=-24 * 30, max_value=24 * 30),
    zone=st.sampled_from(["Asia/Tokyo", "America/Lima", "UTC"]),
)
def test_a_clash_is_exactly_a_gap_within_the_window(cast, gap_hours, zone):
    """Two one-hour meetings clash when the later starts at most 14 days after the earlier ends."""
    from partnerhub.agenda.models import Meeting

    Meeting.objects.unrestricted("test").delete()
    interior = counterpart()
    mine = german(cast, with_counterpart=interior, themes=(), hours=1)
    start = (START + timedelta(hours=gap_hours)).astimezone(ZoneInfo(zone))
    french(cast, with_counterpart=interior, themes=(), starts_at=start, hours=1, time_zone=zone)
    gap = abs(gap_hours) - 1
    expected = gap <= 14 * 24
    assert bool(clashes_for(mine, cast.german_ministry_editor)) == expected
    assert start.astimezone(UTC) == START + timedelta(hours=gap_hours)
