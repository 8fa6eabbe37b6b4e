"""Spreadsheets built in the tests: XLSX and CSV files with the template's columns."""

import csv
import io
import zipfile

from openpyxl import Workbook

from partnerhub.sheets.columns import COLUMN_KEYS

HEADER = [
    "reference",
    "title",
    "description",
    "kind",
    "status",
    "planned_start",
    "planned_end",
    "country_1",
    "country_1_share",
    "country_2",
    "country_2_share",
    "theme_1",
    "instrument",
    "organisation_1",
    "organisation_1_role",
    "commitment_amount",
    "commitment_currency",
    "commitment_date",
    "sharing_level",
    "humanitarian",
    "action_plan_reference",
    "notes",
]


def engagement_row(reference: str = "BMI-001", **cells) -> dict:
    """A complete, clean row; keyword arguments replace or add cells."""
    row = {
        "reference": reference,
        "title": f"Reintegration counselling {reference}",
        "description": "Counselling and small grants for people who came back.",
        "kind": "project",
        "status": "implementation",
        "planned_start": "2024-01-01",
        "planned_end": "2026-12-31",
        "country_1": "Morocco (MAR)",
        "country_1_share": "60",
        "country_2": "TUN",
        "country_2_share": "40",
        "theme_1": "RETURN-REINTEGRATION",
        "instrument": "NDICI-GE",
        "organisation_1": "IOM",
        "organisation_1_role": "implementer",
        "commitment_amount": "1500000",
        "commitment_currency": "EUR",
        "commitment_date": "2024-02-01",
        "sharing_level": "eu",
        "humanitarian": "no",
        "action_plan_reference": "MAR-AP 2.3",
        "notes": "Imported from the ministry's tracker.",
    }
    row.update(cells)
    return row


def header_for(rows: list[dict]) -> list[str]:
    extra = [key for row in rows for key in row if key not in HEADER]
    return [*HEADER, *dict.fromkeys(extra)]


def xlsx_bytes(rows: list[dict], header: list[str] | None = None, sheet_title: str = "Engagements") -> bytes:
    header = header or header_for(rows)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(key) for key in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[dict], header: list[str] | None = None, delimiter: str = ",") -> str:
    header = header or header_for(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in header])
    return buffer.getvalue()


def csv_bytes(
    rows: list[dict], header: list[str] | None = None, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    return csv_text(rows, header, delimiter).encode(encoding)


def rewritten_xlsx(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same workbook with some parts replaced or added (for hostile files)."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


ALL_COLUMNS = list(COLUMN_KEYS)
