"""Engagement exports as CSV and XLSX: one row per visible, filtered engagement.

The caller passes a queryset already limited by ``visible_to`` and the
filters. Rows are read in chunks and written as they come; every cell that a
spreadsheet could run as a formula is neutralised first.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from partnerhub.registry.models import Engagement, EngagementQuerySet, MoneyKind

# Turns a path into an absolute URL (``request.build_absolute_uri``).
AbsoluteUrl = Callable[[str], str]

# Rows fetched per database round trip; prefetching runs once per chunk.
CHUNK_SIZE = 2000
CENT = Decimal("0.01")
# A cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, column width in the XLSX sheet). Headers are field names, as in the
# API, so that scripts read the file the same way in every interface language;
# codes stay for scripts, and the names beside them (in the reader's language,
# like dates kept in ISO 8601) are for people.
COLUMNS = (
    ("id", 8),
    ("title", 60),
    ("kind", 14),
    ("status", 16),
    ("owner", 40),
    ("countries", 28),
    ("country_names", 36),
    ("themes", 40),
    ("theme_names", 50),
    ("instrument", 16),
    ("start", 12),
    ("end", 12),
    ("budget_eur", 16),
    ("commitments_eur", 18),
    ("disbursements_eur", 18),
    ("sharing_level", 14),
    ("provenance", 14),
    ("iati_identifier", 30),
    ("migration_relevant", 12),
    ("relevance_reasons", 50),
    ("url", 45),
)
HEADER = [name for name, _width in COLUMNS]
MONEY_TOTALS = ("budget_eur", "commitments_eur", "disbursements_eur")


def with_money_totals(engagements: EngagementQuerySet) -> EngagementQuerySet:
    """Budget, commitments and disbursements side by side, each summed on its own."""

    def total(kind: str) -> Sum:
        return Sum("money_lines__amount_eur", filter=Q(money_lines__kind=kind))

    return engagements.with_list_relations().annotate(
        budget_eur=total(MoneyKind.BUDGET),
        commitments_eur=total(MoneyKind.COMMITMENT),
        disbursements_eur=total(MoneyKind.DISBURSEMENT),
    )


def engagement_rows(engagements: EngagementQuerySet, absolute_url: AbsoluteUrl) -> Iterator[list[Any]]:
    for engagement in with_money_totals(engagements).iterator(chunk_size=CHUNK_SIZE):
        yield [neutralise(printable(value)) for value in engagement_row(engagement, absolute_url)]


def engagement_row(engagement: Engagement, absolute_url: AbsoluteUrl) -> list[Any]:
    return [
        engagement.pk,
        engagement.title,
        engagement.kind,
        engagement.status,
        str(engagement.owner),
        joined_shares((s.country.iso3, s.share) for s in engagement.country_shares.all()),
        joined_shares((s.country.localized_name, s.share) for s in engagement.country_shares.all()),
        joined_shares((s.theme.code, s.share) for s in engagement.theme_shares.all()),
        joined_shares((s.theme.localized_name, s.share) for s in engagement.theme_shares.all()),
        engagement.instrument.code if engagement.instrument else "",
        engagement.start_date,
        engagement.end_date,
        # Annotated by with_money_totals, so unknown to the model's type.
        *(cents(getattr(engagement, total)) for total in MONEY_TOTALS),
        engagement.sharing_level,
        engagement.provenance,
        engagement.iati_identifier or "",
        _("yes") if engagement.migration_relevant else _("no"),
        "; ".join(engagement.relevance_explanations()),
        absolute_url(engagement.get_absolute_url()),
    ]


def cents(amount: Decimal | None) -> Decimal | None:
    """Sums to the cent on every database (SQLite drops trailing zeros)."""
    return None if amount is None else Decimal(amount).quantize(CENT)


def joined_shares(pairs: Iterable[tuple[str, Decimal | None]]) -> str:
    """``MAR 60%; TUN 40%``, or ``MAR; TUN`` when not split."""
    return "; ".join(code if share is None else f"{code} {share.normalize():f}%" for code, share in pairs)


def printable(value: Any) -> Any:
    """Control characters mean nothing in a cell, and the XLSX format cannot hold them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is kept as text by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def export_filename(extension: str) -> str:
    return f"engagements-{timezone.localdate():%Y-%m-%d}.{extension}"


# -- CSV -------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands the line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in row])


def csv_response(engagements: EngagementQuerySet, request: HttpRequest) -> StreamingHttpResponse:
    rows = engagement_rows(engagements, request.build_absolute_uri)
    response = StreamingHttpResponse(csv_lines(HEADER, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    return response


# -- XLSX ------------------------------------------------------------------


def xlsx_workbook(
    header: list[str],
    rows: Iterable[list[Any]],
    *,
    columns: Iterable[tuple[str, int]] = COLUMNS,
    title: str | None = None,
) -> bytes:
    """One sheet, its header in bold and frozen; ``columns`` give the widths (other exports reuse it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title or _("Engagements"))
    sheet.freeze_panes = "A2"
    for index, (_name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(engagements: EngagementQuerySet, request: HttpRequest) -> HttpResponse:
    rows = engagement_rows(engagements, request.build_absolute_uri)
    response = HttpResponse(xlsx_workbook(HEADER, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename("xlsx")}"'
    return response


ExportView = Callable[[EngagementQuerySet, HttpRequest], HttpResponse | StreamingHttpResponse]
EXPORT_FORMATS: dict[str, ExportView] = {"csv": csv_response, "xlsx": xlsx_response}


def export_response(
    file_format: str, engagements: EngagementQuerySet, request: HttpRequest
) -> HttpResponse | StreamingHttpResponse:
    return EXPORT_FORMATS[file_format](engagements, request)
