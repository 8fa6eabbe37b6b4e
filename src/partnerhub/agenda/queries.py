"""What other pages read of the calendar: a country's upcoming meetings with their current lines to
take, and the reader's upcoming meetings that clash; each with its clash mark as the reader may know it."""

from datetime import timedelta

from django.utils import timezone

from partnerhub.agenda.clashes import mark_clashes
from partnerhub.agenda.lines import current_lines, line_for
from partnerhub.agenda.models import Meeting
from partnerhub.core.types import AnyUser


def _upcoming(user: AnyUser | None):
    return (
        Meeting.objects.visible_to(user)
        .filter(ends_at__gte=timezone.now())
        .select_related("owner", "country", "counterpart")
        .prefetch_related("themes")
        .order_by("starts_at", "pk")
    )


def _with_lines_and_marks(meetings: list[Meeting], user: AnyUser | None) -> list[Meeting]:
    """Sets ``line`` (the current agreed lines to take, or None) and ``clash`` on each meeting."""
    if not meetings:
        return meetings
    current = current_lines(user, {meeting.country_id for meeting in meetings})
    for meeting in meetings:
        meeting.line = line_for(meeting, current)  # type: ignore[attr-defined]
    mark_clashes(meetings, user)
    return meetings


def upcoming_meetings(user: AnyUser | None, *, country, limit: int = 5) -> list[Meeting]:
    """The next meetings with ``country`` that ``user`` may read, cancelled ones included (marked)."""
    return _with_lines_and_marks(list(_upcoming(user).filter(country=country)[:limit]), user)


def upcoming_meetings_with_clashes(user: AnyUser | None, *, days: int = 90, limit: int = 8) -> list[Meeting]:
    """The meetings ``user`` may read in the next ``days`` days that clash with another as ``user``
    may know it (``agenda.clashes.clash_marks``), soonest first."""
    horizon = timezone.now() + timedelta(days=days)
    meetings = list(_upcoming(user).filter(cancelled=False, starts_at__lte=horizon))
    mark_clashes(meetings, user)
    clashing = [meeting for meeting in meetings if meeting.clash][:limit]  # type: ignore[attr-defined]
    return _with_lines_and_marks(clashing, user)
