"""Fuzzing the spreadsheet reader with mutated generated workbooks and CSV files: each mutated
file is either read into rows or refused with ``SheetRefused``; any other exception is a bug.
Mutations hit the raw bytes (the zip archive, the CSV text) and, for workbooks, the XML of
the sheet inside an intact archive, which reaches openpyxl. Time-bounded: tests/support/fuzzing.py."""

import io
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from partnerhub.sheets.findings import SheetRefused
from partnerhub.sheets.reader import read_sheet
from tests.sheets.builders import csv_bytes, engagement_row, rewritten_xlsx, xlsx_bytes
from tests.support.fuzzing import fuzz_settings, keep_fuzzing, mutate, mutations_of

ROWS = [
    engagement_row("BMI-1"),
    engagement_row("BMI-2", title="Réintégration à Tétouan", commitment_amount="-12.5", planned_start="31/12/2024"),
    engagement_row("BMI-3", title='=HYPERLINK("http://attacker.example")', humanitarian="yes"),
]
SHEET_PART = "xl/worksheets/sheet1.xml"
SEEDS = {
    "engagements.xlsx": xlsx_bytes(ROWS),
    "engagements.csv": csv_bytes(ROWS),
    "semicolons.csv": csv_bytes(ROWS, delimiter=";", encoding="cp1252"),
    "utf16.csv": csv_bytes(ROWS, encoding="utf-16"),
}
SHEET_XML = zipfile.ZipFile(io.BytesIO(SEEDS["engagements.xlsx"])).read(SHEET_PART)


def read_or_refused_cleanly(file_name: str, data: bytes) -> None:
    try:
        content = read_sheet(file_name, data)
    except SheetRefused as refusal:
        assert refusal.reason and refusal.message.startswith(f"“{file_name}”: ")
        return
    assert all(isinstance(value, str) for row in content.rows for value in row.cells.values())


@fuzz_settings
@given(data=st.data())
def mutated_file(data):
    name = data.draw(st.sampled_from(sorted(SEEDS)), label="seed file")
    original = SEEDS[name]
    read_or_refused_cleanly(name, mutate(original, data.draw(mutations_of(len(original)), label="mutations")))


@fuzz_settings
@given(mutations=mutations_of(len(SHEET_XML)))
def mutated_sheet_in_an_intact_workbook(mutations):
    workbook = rewritten_xlsx(SEEDS["engagements.xlsx"], replace={SHEET_PART: mutate(SHEET_XML, mutations)})
    read_or_refused_cleanly("engagements.xlsx", workbook)


def test_the_seed_files_are_read_unmutated():
    assert {name: len(read_sheet(name, data).rows) for name, data in SEEDS.items()} == dict.fromkeys(SEEDS, 3)


def test_a_mutated_spreadsheet_is_read_or_refused_cleanly():
    assert keep_fuzzing(mutated_file) >= 1


def test_a_workbook_with_a_mutated_sheet_is_read_or_refused_cleanly():
    assert keep_fuzzing(mutated_sheet_in_an_intact_workbook) >= 1
