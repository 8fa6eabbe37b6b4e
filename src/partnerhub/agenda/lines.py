"""Which lines to take are current beside a meeting: the latest agreed version the reader may see for
the meeting's country, on one of its themes if there is one, else for the country as a whole."""

from collections.abc import Iterable

from partnerhub.agenda.models import LineStatus, LineToTake, Meeting
from partnerhub.core.types import AnyUser

LineKey = tuple[int, int | None]


def current_lines(user: AnyUser | None, country_ids: Iterable[int]) -> dict[LineKey, LineToTake]:
    """The latest agreed version per (country, theme or None) among those ``user`` may read; one query."""
    agreed = (
        LineToTake.objects.visible_to(user)
        .filter(status=LineStatus.AGREED, country_id__in=set(country_ids))
        .order_by("-version", "-pk")
    )
    current: dict[LineKey, LineToTake] = {}
    for line in agreed:
        current.setdefault((line.country_id, line.theme_id), line)
    return current


def line_for(meeting: Meeting, current: dict[LineKey, LineToTake]) -> LineToTake | None:
    """Needs the meeting's themes prefetched (or costs one query)."""
    for theme in meeting.themes.all():
        if (meeting.country_id, theme.pk) in current:
            return current[(meeting.country_id, theme.pk)]
    return current.get((meeting.country_id, None))
