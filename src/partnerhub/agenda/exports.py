"""The meeting list as CSV and XLSX: the rows of the list page (its filters, the meetings the reader
may see, from today on), all pages at once. Written with the engagement exports' code, so cells a
spreadsheet would run as formulas are neutralised the same way.

Times are ISO 8601 with their offset, in the meeting's own time zone (named beside them), so that a
script reads the instant and a person the local time.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.agenda.models import Meeting
from partnerhub.registry.exports import CHUNK_SIZE, XLSX_CONTENT_TYPE, csv_lines, neutralise, printable, xlsx_workbook

# (header, column width in the XLSX sheet): field names as in the API, the same in every language.
COLUMNS = (
    ("id", 8),
    ("uid", 28),
    ("title", 50),
    ("kind", 14),
    ("status", 12),
    ("starts_at", 26),
    ("ends_at", 26),
    ("time_zone", 22),
    ("place", 30),
    ("country", 9),
    ("country_name", 24),
    ("counterpart", 45),
    ("organiser", 40),
    ("participants", 45),
    ("themes", 35),
    ("outcome_notes", 50),
    ("sharing_level", 14),
    ("last_modified", 26),
    ("url", 45),
)
HEADER = [name for name, _width in COLUMNS]


def status_of(meeting: Meeting) -> str:
    """As the iCalendar feed says it: cancelled, else confirmed or tentative."""
    if meeting.cancelled:
        return "cancelled"
    return "confirmed" if meeting.confirmed else "tentative"


def meeting_row(meeting: Meeting, request: HttpRequest) -> list[Any]:
    return [
        meeting.pk,
        meeting.uid,
        meeting.title,
        meeting.kind,
        status_of(meeting),
        meeting.local_start.isoformat(),
        meeting.local_end.isoformat(),
        meeting.time_zone,
        meeting.place,
        meeting.country.iso3,
        meeting.country.localized_name,
        str(meeting.counterpart or ""),
        meeting.owner.name,
        "; ".join(sorted(organisation.name for organisation in meeting.participants.all())),
        "; ".join(sorted(theme.code for theme in meeting.themes.all())),
        meeting.outcome_notes,
        meeting.sharing_level,
        timezone.localtime(meeting.last_modified).isoformat(timespec="seconds"),
        request.build_absolute_uri(meeting.get_absolute_url()),
    ]


def meeting_rows(meetings: QuerySet[Meeting], request: HttpRequest) -> Iterator[list[Any]]:
    related = meetings.select_related("owner", "country", "counterpart").prefetch_related("participants", "themes")
    for meeting in related.iterator(chunk_size=CHUNK_SIZE):
        yield [neutralise(printable(value)) for value in meeting_row(meeting, request)]


def export_filename(extension: str) -> str:
    return f"meetings-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(meetings: QuerySet[Meeting], request: HttpRequest) -> StreamingHttpResponse:
    lines = csv_lines(HEADER, meeting_rows(meetings, request))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    return response


def xlsx_response(meetings: QuerySet[Meeting], request: HttpRequest) -> HttpResponse:
    content = xlsx_workbook(HEADER, meeting_rows(meetings, request), columns=COLUMNS, title=_("Meetings"))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename("xlsx")}"'
    return response


ExportView = Callable[[QuerySet[Meeting], HttpRequest], HttpResponse | StreamingHttpResponse]
EXPORT_FORMATS: dict[str, ExportView] = {"csv": csv_response, "xlsx": xlsx_response}
