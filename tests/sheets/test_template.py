"""The template: drop-down lists, help, a CSV twin, and a round trip through the import."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement
from partnerhub.sheets import template
from partnerhub.sheets.columns import COLUMN_KEYS, COLUMNS
from partnerhub.sheets.services import import_sheet
from partnerhub.sheets.template import template_csv, template_workbook

pytestmark = pytest.mark.django_db

LIST_COLUMNS = {"countries", "themes", "instruments", "kinds", "statuses", "sharing_levels", "currencies"}


def workbook():
    return load_workbook(io.BytesIO(template_workbook()))


def list_values(book, list_name: str) -> list[str]:
    sheet_name, cells = book.defined_names[f"list_{list_name}"].attr_text.split("!")
    first, last = cells.replace("$", "").split(":")
    return [row[0].value for row in book[sheet_name][first:last]]


def test_template_has_the_engagement_sheet_instructions_and_hidden_lists():
    book = workbook()
    assert book.sheetnames == ["Engagements", "How to fill", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    header = [cell.value for cell in book["Engagements"][1]]
    assert header == list(COLUMN_KEYS)
    instructions = [row[0] for row in book["How to fill"].iter_rows(values_only=True)]
    assert set(COLUMN_KEYS) <= set(instructions)


def test_every_header_cell_carries_its_help_as_a_comment():
    sheet = workbook()["Engagements"]
    for index, column in enumerate(COLUMNS, start=1):
        comment = sheet.cell(row=1, column=index).comment
        assert comment is not None and str(column.help) in comment.text
    assert sheet["A1"].comment.text.startswith("Required.")


def test_drop_down_lists_reference_the_hidden_lists_sheet():
    book = workbook()
    sheet = book["Engagements"]
    validations = {validation.formula1: str(validation.sqref) for validation in sheet.data_validations.dataValidation}
    for index, column in enumerate(COLUMNS, start=1):
        if column.choices:
            letter = get_column_letter(index)
            assert f"{letter}2:{letter}1001" in validations[f"list_{column.choices}"].split()
    assert LIST_COLUMNS <= {column.choices for column in COLUMNS}
    assert len(list_values(book, "countries")) == Country.objects.count()
    assert "Morocco (MAR)" in list_values(book, "countries")
    assert "Sustainable reintegration (RETURN-REINTEGRATION)" in list_values(book, "themes")
    assert list_values(book, "currencies")[0] == "EUR"
    assert list_values(book, "sharing_levels") == ["public", "partner", "eu", "restricted", "originator"]


def test_template_neutralises_values_a_spreadsheet_would_run(monkeypatch):
    lists = template.template_lists()
    lists["countries"].append('=HYPERLINK("http://evil.example")')
    monkeypatch.setattr(template, "template_lists", lambda: lists)
    book = workbook()
    cell = book["Lists"].cell(row=len(lists["countries"]) + 1, column=1)
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example")'


def test_csv_template_has_the_same_columns():
    text = template_csv()
    assert text.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == list(COLUMN_KEYS)


def test_filled_in_template_imports_as_expected(cast):
    book = workbook()
    values = {name: list_values(book, name) for name in ("countries", "themes", "instruments")}
    pick = {
        name: next(value for value in values[name] if code in value)
        for name, code in (("countries", "(MAR)"), ("themes", "(LEGAL-LABOUR)"), ("instruments", "(AMIF)"))
    }
    rows = [
        {
            "reference": "0042",
            "title": "Talent Partnership with Morocco",
            "kind": "programme",
            "status": "pipeline",
            "language": "en",
            "planned_start": date(2025, 1, 1),
            "planned_end": date(2027, 6, 30),
            "country_1": pick["countries"],
            "theme_1": pick["themes"],
            "theme_1_share": 100,
            "instrument": pick["instruments"],
            "organisation_1": "GIZ",
            "organisation_1_role": "implementer",
            "budget_amount": 3200000,
            "budget_currency": "EUR",
            "sharing_level": "partner",
            "humanitarian": "no",
        },
        {
            "reference": "0043",
            "title": "Readmission dialogue",
            "kind": "dialogue",
            "sharing_level": "originator",
            "country_1": "TUN",
            "theme_1": "RETURN-READMISSION",
        },
    ]
    sheet = book["Engagements"]
    for row_number, row in enumerate(rows, start=2):
        for index, key in enumerate(COLUMN_KEYS, start=1):
            if key in row:
                sheet.cell(row=row_number, column=index, value=row[key])
    buffer = io.BytesIO()
    book.save(buffer)

    summary = import_sheet(
        "filled.xlsx", buffer.getvalue(), cast.german_interior, acting_user=cast.german_ministry_editor, confirm=True
    )

    assert summary.counts["created"] == 2
    assert [f for f in summary.findings() if f.tier != "warning"] == []
    talent = Engagement.objects.unrestricted("test").get(external_reference="0042")
    assert (talent.kind, talent.sharing_level, talent.instrument.code) == ("programme", "partner", "AMIF")
    assert (talent.planned_start, talent.planned_end) == (date(2025, 1, 1), date(2027, 6, 30))
    assert [(s.country.iso3, s.share) for s in talent.country_shares.all()] == [("MAR", None)]
    assert [(s.theme.code, s.share) for s in talent.theme_shares.all()] == [("LEGAL-LABOUR", Decimal("100"))]
    assert [(p.organisation, p.role) for p in talent.participations.all()] == [(cast.giz, "implementer")]
    [budget] = talent.money_lines.all()
    assert (budget.kind, budget.amount, budget.value_date) == ("budget", Decimal("3200000"), date(2025, 1, 1))
    dialogue = Engagement.objects.unrestricted("test").get(external_reference="0043")
    assert (dialogue.kind, dialogue.status, dialogue.language) == ("dialogue", "pipeline", "en")


def test_filled_in_csv_template_imports_as_expected(cast):
    buffer = io.StringIO(template_csv())
    buffer.seek(0, io.SEEK_END)
    row = dict.fromkeys(COLUMN_KEYS, "")
    row.update(
        reference="CSV-1",
        title="Diaspora investment fund",
        kind="project",
        country_1="Sénégal",
        theme_1="Diaspora engagement",
        sharing_level="eu",
        commitment_amount="250 000,00",
        commitment_currency="EUR",
        commitment_date="01/09/2024",
    )
    csv.writer(buffer).writerow(row.values())
    summary = import_sheet(
        "filled.csv",
        buffer.getvalue().encode(),
        cast.german_interior,
        acting_user=cast.german_ministry_editor,
        confirm=True,
    )
    assert summary.counts["created"] == 1
    engagement = Engagement.objects.unrestricted("test").get(external_reference="CSV-1")
    assert [s.country.iso3 for s in engagement.country_shares.all()] == ["SEN"]
    assert [s.theme.code for s in engagement.theme_shares.all()] == ["DEV-DIASPORA"]
    assert engagement.money_lines.get().amount == Decimal("250000.00")
