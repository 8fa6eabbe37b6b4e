"""The engagement template: an XLSX workbook with drop-down lists, and its CSV twin.

The workbook has three sheets: "Engagements" (one row per engagement, a
comment on every column header), "How to fill" (the rules and one example per
column) and a hidden "Lists" sheet holding the values of the drop-down lists,
which the data validations reference by defined names. Every text written is
neutralised first, so that no cell can turn into a formula.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Country
from partnerhub.registry.exports import XLSX_CONTENT_TYPE, neutralise, printable
from partnerhub.registry.models import EngagementKind, EngagementStatus, Instrument, Language, ParticipationRole, Theme
from partnerhub.registry.money import known_currencies
from partnerhub.sheets.columns import COLUMN_KEYS, COLUMNS, Column
from partnerhub.sheets.matching import country_label, instrument_label, theme_label
from partnerhub.sheets.reader import DATA_SHEET

LISTS_SHEET = "Lists"
TEMPLATE_ROWS = 1000
FILE_STEM = "partnerhub-engagements-template"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
REQUIRED_FILL = PatternFill("solid", fgColor="F4D9C6")
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "amount": "#,##0.00", "share": "0.##"}
EXAMPLES = {
    "reference": "MA-2024-017",
    "title": "Reintegration of returnees in the Oriental region",
    "description": "Counselling, small grants and job placement for people who came back.",
    "language": "en",
    "kind": "project",
    "status": "implementation",
    "planned_start": "2024-01-01",
    "planned_end": "2026-12-31",
    "actual_start": "2024-03-15",
    "country_1": "Morocco (MAR)",
    "country_1_share": "60",
    "country_2": "Tunisia (TUN)",
    "country_2_share": "40",
    "other_countries": "SEN 50; GMB 50",
    "theme_1": "Sustainable reintegration (RETURN-REINTEGRATION)",
    "instrument": "NDICI-GE",
    "organisation_1": "IOM",
    "organisation_1_role": "implementer",
    "budget_amount": "2500000",
    "budget_currency": "EUR",
    "budget_date": "2024-01-01",
    "commitment_amount": "1 200 000,50",
    "commitment_currency": "EUR",
    "sharing_level": "eu",
    "humanitarian": "no",
    "action_plan_reference": "MAR-AP 2.3",
    "notes": "Second phase under discussion with the Ministry.",
}


def template_lists() -> dict[str, list[str]]:
    currencies = sorted(known_currencies() - {"EUR"})
    return {
        "countries": [country_label(country) for country in Country.objects.order_by("name")],
        "themes": [theme_label(theme) for theme in Theme.objects.all()],
        "instruments": [instrument_label(instrument) for instrument in Instrument.objects.all()],
        "kinds": list(EngagementKind.values),
        "statuses": list(EngagementStatus.values),
        "sharing_levels": list(SharingLevel.values),
        "currencies": ["EUR", *currencies],
        "languages": list(Language.values),
        "roles": list(ParticipationRole.values),
        "yes_no": ["yes", "no"],
    }


def safe(value: str) -> str:
    return neutralise(printable(str(value)))


def template_csv() -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(COLUMN_KEYS)
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    return "\ufeff" + buffer.getvalue()


def template_workbook() -> bytes:
    workbook = Workbook()
    engagements = workbook.worksheets[0]  # a new workbook's only sheet, the active one
    engagements.title = DATA_SHEET
    _write_instructions(workbook.create_sheet(_("How to fill")))
    list_names = _write_lists(workbook, template_lists())
    _write_engagement_sheet(engagements, list_names)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_lists(workbook: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """One column per list, each reachable through a defined name such as ``list_countries``."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    names = {}
    for index, (list_name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=list_name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=safe(value))
        defined = f"list_{list_name}"
        workbook.defined_names[defined] = DefinedName(
            defined, attr_text=f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        )
        names[list_name] = defined
        sheet.column_dimensions[letter].width = 40
    return names


def _write_engagement_sheet(sheet, list_names: dict[str, str]) -> None:
    sheet.freeze_panes = "C2"
    drop_downs = {name: _drop_down(defined) for name, defined in list_names.items()}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.key)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.comment = _header_comment(column)
        sheet.column_dimensions[letter].width = column.width
        _format_cells(sheet, index, column)
        if column.choices:
            drop_downs[column.choices].add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    for validation in drop_downs.values():
        if validation.sqref:
            sheet.add_data_validation(validation)


def _header_comment(column: Column) -> Comment:
    text = str(column.help)
    if column.required:
        text = _("Required.") + " " + text
    comment = Comment(safe(text), "Partnership Hub")
    comment.width, comment.height = 320, 140
    return comment


def _format_cells(sheet, index: int, column: Column) -> None:
    """Dates, amounts and shares get a number format; the reference is text, so "0042" stays "0042"."""
    number_format = "@" if column.key == "reference" else NUMBER_FORMATS.get(column.kind)
    if number_format is None:
        return
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet.cell(row=row, column=index).number_format = number_format


def _drop_down(defined_name: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=defined_name,
        allow_blank=True,
        showErrorMessage=True,
        # A warning, not a stop: a code or a name typed by hand is recognised as well.
        errorStyle="warning",
        errorTitle=_("Not in the list")[:32],
        error=_("This value is not in the list. The import also recognises codes and names; keep it if you are sure.")[
            :255
        ],
    )


def _write_instructions(sheet) -> None:
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 90
    sheet.column_dimensions["D"].width = 45
    sheet.cell(row=1, column=1, value=safe(_("How to fill in this template"))).font = Font(bold=True, size=14)
    row = 3
    for paragraph in _rules():
        cell = sheet.cell(row=row, column=1, value=safe(paragraph))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 32
        row += 1
    row += 1
    for index, heading in enumerate((_("Column"), _("Required"), _("What to write"), _("Example")), start=1):
        sheet.cell(row=row, column=index, value=safe(heading)).font = Font(bold=True)
    for column in COLUMNS:
        row += 1
        values = (column.key, _("yes") if column.required else "", str(column.help), EXAMPLES.get(column.key, ""))
        for index, value in enumerate(values, start=1):
            sheet.cell(row=row, column=index, value=safe(value)).alignment = Alignment(wrap_text=True, vertical="top")


def _rules() -> list[str]:
    return [
        _(
            "Write one engagement per row on the sheet “Engagements”, from row 2 on. Keep the first row as it is: "
            "the import reads the column names, not their position. The CSV template has the same columns."
        ),
        _(
            "Give each engagement your own reference. Importing a file again updates the engagements with the "
            "same reference instead of adding them twice; an unchanged row changes nothing."
        ),
        _(
            "Lists (country, theme, instrument, kind, status, sharing level, currency, language, role): choose a "
            "value in the drop-down list, or type the code (MAR, RETURN-REINTEGRATION, NDICI-GE) or the name. "
            "Excel warns about a value that is not in the list but lets you keep it."
        ),
        _(
            "Several countries: one per column (country_1 to country_5), with its share in % in the column beside "
            "it. More countries go into other_countries as codes with shares: MAR 60; TUN 40. Give a share for "
            "every country or for none; shares add up to 100. Themes work the same way (theme_1 to theme_3)."
        ),
        _(
            "Organisations taking part: one per column (organisation_1 to organisation_4), by name, acronym, IATI "
            "identifier or a known alias, with its role beside it. Your own organisation owns the engagements and "
            "need not be listed."
        ),
        _(
            "Money: one amount each for budget, commitment and disbursement, with its currency and value date. "
            "Write numbers without a currency sign (2500000, 2 500 000 or 2.500.000,00)."
        ),
        _(
            "Dates: YYYY-MM-DD or DD/MM/YYYY, or a date cell. Formulas are never run: type values. Workbooks with "
            "macros are refused: save as .xlsx (Excel Workbook) or CSV UTF-8."
        ),
        _(
            "Before anything is written you see every finding: critical (the row is not imported), error (the row "
            "is imported with that field left empty and flagged) or warning. Then you confirm."
        ),
    ]


def template_response_parts(file_format: str) -> tuple[bytes | str, str, str]:
    """Content, content type and file name of the template in ``xlsx`` or ``csv``."""
    if file_format == "xlsx":
        return template_workbook(), XLSX_CONTENT_TYPE, f"{FILE_STEM}.xlsx"
    return template_csv(), "text/csv; charset=utf-8", f"{FILE_STEM}.csv"
