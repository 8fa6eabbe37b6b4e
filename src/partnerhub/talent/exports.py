"""Needs, supply, partnerships (one row per scheme) and pipeline figures as CSV and XLSX, with the
registry's export helpers (formula-safe cells, streaming CSV). Only the rows the reader may see, with the
list page's filters. Headers are field names, as in the API; codes for scripts, names beside them for people.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from partnerhub.registry.exports import XLSX_CONTENT_TYPE, csv_lines, neutralise, printable, xlsx_workbook
from partnerhub.talent.models import (
    PIPELINE_STAGES,
    PipelineFigure,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)

FORMATS = ("csv", "xlsx")
FIGURE_COLUMNS = (
    ("occupation", 11),
    ("occupation_title", 40),
    ("first_year", 10),
    ("last_year", 10),
    ("eqf_level", 9),
    ("languages", 12),
    ("language_level", 14),
    ("source", 40),
    ("source_url", 40),
    ("owner", 40),
    ("sharing_level", 13),
)
NEED_COLUMNS = (
    ("id", 8),
    ("member_state", 13),
    ("member_state_name", 24),
    ("region", 24),
    ("sector", 24),
    ("people_per_year", 15),
    *FIGURE_COLUMNS,
)
SUPPLY_COLUMNS = (
    ("id", 8),
    ("country", 9),
    ("country_name", 24),
    ("yearly_graduates", 16),
    ("available_workers", 17),
    ("training_capacity", 17),
    ("partner_reports_shortage", 24),
    *FIGURE_COLUMNS,
)
PARTNERSHIP_COLUMNS = (
    ("partnership_id", 14),
    ("title", 50),
    ("country", 9),
    ("country_name", 24),
    ("member_states", 24),
    ("status", 12),
    ("started_on", 12),
    ("occupations", 30),
    ("owner", 40),
    ("sharing_level", 13),
    ("scheme_id", 10),
    ("scheme_kind", 12),
    ("scheme_title", 50),
    ("scheme_occupations", 30),
    ("scheme_starts_on", 16),
    ("scheme_ends_on", 16),
)
PIPELINE_COLUMNS = (
    ("partnership_id", 14),
    ("partnership", 50),
    ("country", 9),
    ("scheme_id", 10),
    ("scheme", 50),
    ("scheme_kind", 12),
    ("period", 9),
    ("period_start", 12),
    *((stage, 11) for stage in PIPELINE_STAGES),
)


def _figure_cells(record: TalentNeed | TalentSupply) -> list[Any]:
    return [
        record.occupation.code,
        record.occupation.title,
        record.first_year,
        record.last_year,
        record.eqf_level,
        record.languages,
        record.language_level,
        record.source,
        record.source_url,
        str(record.owner),
        record.sharing_level,
    ]


def need_rows(needs: Iterable[TalentNeed]) -> Iterator[list[Any]]:
    for need in needs:
        state = need.member_state
        yield [need.pk, state.iso3, state.name, need.region, need.sector, need.people_per_year, *_figure_cells(need)]


def supply_rows(supply: Iterable[TalentSupply]) -> Iterator[list[Any]]:
    for record in supply:
        yield [
            record.pk,
            record.country.iso3,
            record.country.name,
            record.yearly_graduates,
            record.available_workers,
            record.training_capacity,
            record.partner_reports_shortage,
            *_figure_cells(record),
        ]


def partnership_rows(partnerships: Iterable[TalentPartnership]) -> Iterator[list[Any]]:
    """One row per scheme; a partnership without a scheme has one row with the scheme's columns empty.
    The schemes are read through the partnerships given (``prefetch_related("schemes__occupations")``)."""
    for partnership in partnerships:
        cells = [
            partnership.pk,
            partnership.title,
            partnership.country.iso3,
            partnership.country.name,
            " ".join(sorted(country.iso3 for country in partnership.member_states.all())),
            partnership.status,
            partnership.started_on,
            " ".join(occupation.code for occupation in partnership.occupations.all()),
            str(partnership.owner),
            partnership.sharing_level,
        ]
        schemes: list[TalentScheme | None] = list(partnership.schemes.all())
        for scheme in schemes or [None]:
            if scheme is None:
                yield cells + [None] * 6
                continue
            occupations = " ".join(occupation.code for occupation in scheme.occupations.all())
            yield cells + [scheme.pk, scheme.kind, scheme.title, occupations, scheme.starts_on, scheme.ends_on]


def pipeline_rows(figures: Iterable[PipelineFigure]) -> Iterator[list[Any]]:
    for figure in figures:
        scheme = figure.scheme
        partnership = scheme.partnership
        yield [
            partnership.pk,
            partnership.title,
            partnership.country.iso3,
            scheme.pk,
            scheme.title,
            scheme.kind,
            figure.period,
            figure.period_start,
            *(getattr(figure, stage) for stage in PIPELINE_STAGES),
        ]


@dataclass(frozen=True)
class Export:
    name: str
    columns: tuple[tuple[str, int], ...]
    rows: Callable[[Any], Iterator[list[Any]]]


NEEDS = Export("talent-needs", NEED_COLUMNS, need_rows)
SUPPLY = Export("talent-supply", SUPPLY_COLUMNS, supply_rows)
PARTNERSHIPS = Export("talent-partnerships", PARTNERSHIP_COLUMNS, partnership_rows)
PIPELINE = Export("talent-pipeline", PIPELINE_COLUMNS, pipeline_rows)


def export_response(export: Export, records: Iterable[Any], file_format: str) -> HttpResponse | StreamingHttpResponse:
    header = [name for name, _width in export.columns]
    rows = ([neutralise(printable(value)) for value in row] for row in export.rows(records))
    name = f"{export.name}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response: HttpResponse | StreamingHttpResponse
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    else:
        workbook = xlsx_workbook(header, rows, columns=export.columns, title=export.name)
        response = HttpResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
