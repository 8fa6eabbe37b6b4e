"""Key-facts exports as CSV and XLSX: an indicator's figures with the page's filters, and the list
of indicators. Dates are ISO, codes stand beside names, every figure names its source and status."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.facts.models import Freshness, Indicator, Observation
from partnerhub.registry.exports import XLSX_CONTENT_TYPE, csv_lines, neutralise, printable, xlsx_workbook

OBSERVATION_HEADER = [
    "indicator_code",
    "indicator",
    "country_iso3",
    "country",
    "destination_iso3",
    "destination",
    "period",
    "period_start",
    "value",
    "unit",
    "status",
    "source_publisher",
    "source_dataset",
    "source_release_date",
    "method_note",
    "agreed_at",
]
INDICATOR_HEADER = [
    "code",
    "name",
    "unit",
    "pair",
    "source_publisher",
    "source_dataset",
    "source_release_date",
    "freshness",
    "countries_with_figures",
    "definition",
]
WIDTH = 18


def observation_rows(figures: QuerySet[Observation]) -> Iterator[list[Any]]:
    for figure in figures.select_related("indicator", "country", "destination", "source").iterator(chunk_size=2000):
        destination = figure.destination
        yield _cells(
            figure.indicator.code,
            figure.indicator.name,
            figure.country.iso3,
            figure.country.name,
            destination.iso3 if destination else "",
            destination.name if destination else "",
            figure.period,
            figure.period_start.isoformat(),
            _plain(figure.value),
            figure.unit,
            figure.status,
            figure.source.publisher,
            figure.source.dataset,
            _iso(figure.source.release_date),
            figure.method_note,
            figure.agreed_at.isoformat() if figure.agreed_at else "",
        )


def indicator_rows(indicators: Iterable[Indicator], countries: dict[int, int], today: date) -> Iterator[list[Any]]:
    for indicator in indicators:
        source = indicator.default_source
        yield _cells(
            indicator.code,
            indicator.name,
            indicator.unit,
            "yes" if indicator.pair else "no",
            source.publisher if source else "",
            source.dataset if source else "",
            _iso(source.release_date) if source else "",
            source.freshness(today) if source else Freshness.UNKNOWN,
            countries.get(indicator.pk, 0),
            indicator.definition,
        )


def _plain(value: Decimal) -> Decimal:
    """1000 rather than 1000.000000 or 1E+3."""
    return Decimal(f"{value.normalize():f}")


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _cells(*values: Any) -> list[Any]:
    # A figure as a number; text as text a spreadsheet will not run.
    return [neutralise(printable(value)) if isinstance(value, str) else value for value in values]


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(header: list[str], rows: Iterable[list[Any]], stem: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    return response


def xlsx_response(header: list[str], rows: Iterable[list[Any]], stem: str) -> HttpResponse:
    columns = [(name, WIDTH) for name in header]
    workbook = xlsx_workbook(header, rows, columns=columns, title=_("Key facts"))
    response = HttpResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response


Exporter = Callable[[list[str], Iterable[list[Any]], str], HttpResponse | StreamingHttpResponse]
EXPORT_FORMATS: dict[str, Exporter] = {"csv": csv_response, "xlsx": xlsx_response}
