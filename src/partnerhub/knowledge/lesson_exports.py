"""Lessons as CSV and XLSX, with the registry's export helpers (formula-safe cells, streaming CSV): only the
lessons the reader may see, with the list page's filters, and of each only the engagements the reader may see.
Headers are field names, as in the API."""

from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from partnerhub.core.types import AnyUser
from partnerhub.knowledge.lesson_queries import visible_engagement_ids
from partnerhub.knowledge.models import Lesson
from partnerhub.registry.exports import XLSX_CONTENT_TYPE, csv_lines, neutralise, printable, xlsx_workbook

FORMATS = ("csv", "xlsx")
NAME = "lessons"
COLUMNS = (
    ("id", 8),
    ("kind", 12),
    ("title", 50),
    ("dated", 12),
    ("countries", 18),
    ("themes", 30),
    ("instruments", 30),
    ("engagement_ids", 16),
    ("tried", 50),
    ("worked", 50),
    ("did_not_work", 50),
    ("conditions", 50),
    ("recommendations", 50),
    ("impact", 9),
    ("what_to_change", 50),
    ("who_should_act", 22),
    ("owner", 40),
    ("sharing_level", 13),
)
CHUNK = 500


def lesson_rows(lessons: list[Lesson], user: AnyUser) -> Iterator[list[object]]:
    for start in range(0, len(lessons), CHUNK):
        chunk = lessons[start : start + CHUNK]
        engagements = visible_engagement_ids(chunk, user)
        for lesson in chunk:
            yield [
                lesson.pk,
                lesson.kind,
                lesson.title,
                lesson.dated,
                " ".join(sorted(country.iso3 for country in lesson.countries.all())),
                " ".join(sorted(theme.code for theme in lesson.themes.all())),
                " ".join(sorted(instrument.code for instrument in lesson.instruments.all())),
                " ".join(str(pk) for pk in engagements[lesson.pk]),
                lesson.tried,
                lesson.worked,
                lesson.did_not_work,
                lesson.conditions,
                lesson.recommendations,
                lesson.impact,
                lesson.what_to_change,
                lesson.who_should_act,
                lesson.owner.name,
                lesson.sharing_level,
            ]


def export_response(lessons: list[Lesson], user: AnyUser, file_format: str) -> HttpResponse | StreamingHttpResponse:
    header = [name for name, _width in COLUMNS]
    rows = ([neutralise(printable(value)) for value in row] for row in lesson_rows(lessons, user))
    name = f"{NAME}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response: HttpResponse | StreamingHttpResponse
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    else:
        workbook = xlsx_workbook(header, rows, columns=COLUMNS, title=NAME)
        response = HttpResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
