"""Clash alerts: two organisations meeting the same counterpart, or the same partner country on a
shared theme, within ``PARTNERHUB_CLASH_WINDOW_DAYS`` of each other.

The comparison runs over every meeting, hidden or not, so that confidential meetings count; what a
viewer learns of the other meeting is decided here, per viewer: its title, organiser and date only
when they may read it (``visible_to``); otherwise, and only for the meeting's organisers and the
coordinators, a notice that another actor meets the same counterpart within the window, with
nothing of the other meeting, and the coordinator as the one to ask.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from partnerhub.agenda.models import Meeting
from partnerhub.agenda.services import is_coordinator
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit_for

COUNTERPART = "counterpart"
THEME = "theme"


@dataclass(frozen=True)
class Clash:
    """One clash as a viewer may learn it: ``other`` is None when the viewer may not read it."""

    reason: str
    other: Meeting | None
    window_days: int

    @property
    def is_undisclosed(self) -> bool:
        return self.other is None


def window_days() -> int:
    return int(settings.PARTNERHUB_CLASH_WINDOW_DAYS)


def clashing_meetings(meeting: Meeting) -> list[tuple[Meeting, str]]:
    """Every other organiser's meeting clashing with ``meeting``, with the reason: for the viewer to filter."""
    window = timedelta(days=window_days())
    candidates = (
        Meeting.objects.unrestricted("clashes compare with every meeting; clashes_for decides what a viewer learns")
        .filter(cancelled=False, starts_at__lte=meeting.ends_at + window, ends_at__gte=meeting.starts_at - window)
        .exclude(pk=meeting.pk)
        .exclude(owner_id=meeting.owner_id)
    )
    same_counterpart = Q(counterpart_id=meeting.counterpart_id) if meeting.counterpart_id else Q(pk__in=[])
    theme_ids = list(meeting.themes.values_list("pk", flat=True))
    same_theme = Q(country_id=meeting.country_id, themes__in=theme_ids) if theme_ids else Q(pk__in=[])
    found: dict[int, tuple[Meeting, str]] = {}
    for other in candidates.filter(same_counterpart | same_theme).select_related("owner").distinct():
        reason = COUNTERPART if meeting.counterpart_id and other.counterpart_id == meeting.counterpart_id else THEME
        found[other.pk] = (other, reason)
    return sorted(found.values(), key=lambda pair: (pair[0].starts_at, pair[0].pk))


def clashes_for(meeting: Meeting, viewer: AnyUser | None) -> list[Clash]:
    """The clashes of ``meeting`` that ``viewer`` (who reads the meeting) may learn of."""
    if meeting.cancelled:
        return []
    clashing = clashing_meetings(meeting)
    readable = set(
        Meeting.objects.visible_to(viewer)
        .filter(pk__in=[other.pk for other, _ in clashing])
        .values_list("pk", flat=True)
    )
    may_be_told = is_coordinator(viewer) or can_edit_for(viewer, meeting.owner_id)
    days = window_days()
    shown = [Clash(reason, other, days) for other, reason in clashing if other.pk in readable]
    undisclosed = dict.fromkeys(reason for other, reason in clashing if other.pk not in readable)
    if may_be_told:
        # One notice per reason, whatever the number of hidden meetings: nothing of them is told.
        shown += [Clash(reason, None, days) for reason in undisclosed]
    return shown


@dataclass(frozen=True)
class ClashPair:
    """Two meetings of different organisations that clash: ``first`` starts no later than ``second``."""

    first: Meeting
    second: Meeting
    reason: str


def clash_reason(one: Meeting, other: Meeting, themes: dict[int, set[int]]) -> str | None:
    """Why ``one`` and ``other`` clash, the window aside, or None: ``themes`` maps a meeting to its theme ids."""
    if one.counterpart_id is not None and one.counterpart_id == other.counterpart_id:
        return COUNTERPART
    if one.country_id == other.country_id and themes[one.pk] & themes[other.pk]:
        return THEME
    return None


def clash_pairs(meetings: list[Meeting], themes: dict[int, set[int]]) -> list[ClashPair]:
    """Every clashing pair among ``meetings`` (already read, with their theme ids), soonest first.

    The same rule as ``clashing_meetings``, computed in memory: cancelled meetings and meetings of the
    same organiser never clash; two meetings clash when one starts within the window of the other.
    """
    window = timedelta(days=window_days())
    ordered = sorted((m for m in meetings if not m.cancelled), key=lambda m: (m.starts_at, m.pk))
    pairs: list[ClashPair] = []
    for index, one in enumerate(ordered):
        for other in ordered[index + 1 :]:
            # Sorted by start: once one starts beyond the window, every later one does too.
            if other.starts_at > one.ends_at + window:
                break
            if other.owner_id == one.owner_id:
                continue
            reason = clash_reason(one, other, themes)
            if reason is not None:
                pairs.append(ClashPair(one, other, reason))
    return pairs


def theme_ids(meeting_ids: Iterable[int]) -> dict[int, set[int]]:
    """The theme ids of each meeting, in one query on the link table."""
    themes: dict[int, set[int]] = {pk: set() for pk in meeting_ids}
    links = Meeting.themes.through.objects.filter(meeting_id__in=list(themes)).values_list("meeting_id", "theme_id")
    for meeting_id, theme in links:
        themes[meeting_id].add(theme)
    return themes


@dataclass(frozen=True)
class ClashMark:
    """What a list tells beside a meeting of its clashes, as ``clashes_for`` tells them on its page:
    how many clashing meetings the viewer reads, and whether a notice of an undisclosed one is due."""

    shown: int
    undisclosed: bool


def clash_marks(meetings: Sequence[Meeting], viewer: AnyUser | None) -> dict[int, ClashMark]:
    """The marks of the meetings that clash, by id, for meetings ``viewer`` reads: four queries
    whatever their number (the meetings around them, their themes, what the viewer reads, whether
    they coordinate)."""
    current = [meeting for meeting in meetings if not meeting.cancelled]
    if not current:
        return {}
    around = _meetings_around(current)
    readable = set(
        Meeting.objects.visible_to(viewer).filter(pk__in=[m.pk for m in around]).values_list("pk", flat=True)
    )
    wanted = {meeting.pk: meeting for meeting in current}
    shown: dict[int, int] = dict.fromkeys(wanted, 0)
    hidden: set[int] = set()
    for pair in clash_pairs(around, theme_ids(m.pk for m in around)):
        for one, other in ((pair.first, pair.second), (pair.second, pair.first)):
            if one.pk in wanted and other.pk in readable:
                shown[one.pk] += 1
            elif one.pk in wanted:
                hidden.add(one.pk)
    coordinator = bool(hidden) and is_coordinator(viewer)
    marks = {}
    for pk, meeting in wanted.items():
        told = pk in hidden and (coordinator or can_edit_for(viewer, meeting.owner_id))
        if shown[pk] or told:
            marks[pk] = ClashMark(shown[pk], told)
    return marks


def _meetings_around(meetings: list[Meeting]) -> list[Meeting]:
    """Every meeting, hidden or not, that comes within the window of one of ``meetings``: all a clash
    of theirs can be with."""
    window = timedelta(days=window_days())
    return list(
        Meeting.objects.unrestricted("clashes compare with every meeting; the marks tell only what the viewer may know")
        .filter(
            cancelled=False,
            starts_at__lte=max(meeting.ends_at for meeting in meetings) + window,
            ends_at__gte=min(meeting.starts_at for meeting in meetings) - window,
        )
        .only("pk", "owner_id", "country_id", "counterpart_id", "starts_at", "ends_at", "cancelled")
    )


def mark_clashes(meetings: Sequence[Meeting], viewer: AnyUser | None) -> None:
    """Sets ``clash`` (a ``ClashMark`` or None) on each meeting, for the templates."""
    marks = clash_marks(meetings, viewer)
    for meeting in meetings:
        meeting.clash = marks.get(meeting.pk)  # type: ignore[attr-defined]
