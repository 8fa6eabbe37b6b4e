"""The personal iCalendar feed: the meetings its owner may read, as calendars expect them.

Each meeting keeps its UID across changes; SEQUENCE counts its changes of date or place, so that
calendars replace it; unconfirmed meetings are TENTATIVE and cancelled ones CANCELLED.
"""

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from partnerhub.agenda.models import Meeting

PRODUCT = "-//Partnership Hub//Agenda//EN"


def meeting_entry(meeting: Meeting) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", meeting.uid)
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", meeting.local_start)
    entry.add("dtend", meeting.local_end)
    entry.add("summary", meeting.title)
    entry.add("sequence", meeting.sequence)
    entry.add("last-modified", meeting.last_modified)
    entry.add("status", _status(meeting))
    if meeting.place:
        entry.add("location", meeting.place)
    entry.add("categories", [meeting.get_kind_display()])
    entry.add("description", f"{meeting.owner.name} — {meeting.country.localized_name}")
    return entry


def calendar_of(meetings: Iterable[Meeting], name: str) -> bytes:
    feed = Calendar()
    feed.add("prodid", PRODUCT)
    feed.add("version", "2.0")
    feed.add("x-wr-calname", name)
    for meeting in meetings:
        feed.add_component(meeting_entry(meeting))
    feed.add_missing_timezones()
    return bytes(feed.to_ical())


def _status(meeting: Meeting) -> str:
    if meeting.cancelled:
        return "CANCELLED"
    return "TENTATIVE" if meeting.is_tentative else "CONFIRMED"
