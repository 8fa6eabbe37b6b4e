"""The month and week grids of the calendar pages, and the reading of ``?month=`` and ``?week=``.

Days are the viewer's days (the site's time zone): a meeting shows on every day it spans there.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dates import WEEKDAYS

from partnerhub.agenda.models import Meeting


@dataclass
class Day:
    day: date
    in_month: bool = True
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def weekday_name(self) -> str:
        return str(WEEKDAYS[self.day.weekday()])

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


def read_month(value: str | None) -> date:
    """``2026-12`` as its first day; anything else as the current month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


def read_week(value: str | None) -> date:
    """``2026-W49`` as its Monday; anything else as the current week's."""
    try:
        year, week = (value or "").split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        today = timezone.localdate()
        return today - timedelta(days=today.weekday())


def span(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the end of ``last``, in the site's time zone."""
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)),
    )


def month_weeks(first: date, meetings: list[Meeting]) -> list[list[Day]]:
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    days = {day: Day(day, in_month=day.month == first.month) for week in weeks for day in week}
    _place(days, meetings)
    return [[days[day] for day in week] for week in weeks]


def week_days(monday: date, meetings: list[Meeting]) -> list[Day]:
    days = {monday + timedelta(days=offset): Day(monday + timedelta(days=offset)) for offset in range(7)}
    _place(days, meetings)
    return list(days.values())


def month_range(first: date) -> tuple[date, date]:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    return weeks[0][0], max(last, weeks[-1][-1])


def neighbour_months(first: date) -> tuple[str, str]:
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return f"{previous:%Y-%m}", f"{following:%Y-%m}"


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _place(days: dict[date, Day], meetings: list[Meeting]) -> None:
    for meeting in meetings:
        day = timezone.localtime(meeting.starts_at).date()
        last = timezone.localtime(meeting.ends_at).date()
        while day <= last:
            if day in days:
                days[day].meetings.append(meeting)
            day += timedelta(days=1)
