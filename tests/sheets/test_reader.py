"""Reading uploaded files: encodings, delimiters, formulas, and hostile spreadsheets."""

import codecs
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from partnerhub.sheets import reader
from partnerhub.sheets.findings import SheetRefused
from partnerhub.sheets.reader import read_sheet
from tests.sheets.builders import csv_bytes, csv_text, engagement_row, rewritten_xlsx, xlsx_bytes

SHEET_PART = "xl/worksheets/sheet1.xml"


def refusal(file_name: str, data: bytes) -> str:
    with pytest.raises(SheetRefused) as refused:
        read_sheet(file_name, data)
    return refused.value.message


def only_row(content):
    assert len(content.rows) == 1
    return content.rows[0]


# -- CSV encodings and delimiters ---------------------------------------------

UNICODE_TEXT = "reference,title,kind,country_1\nR1,Title,project,Côte d’Ivoire\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(codecs.BOM_UTF8 + UNICODE_TEXT.encode(), id="utf-8 with BOM"),
        pytest.param(UNICODE_TEXT.encode(), id="utf-8 without BOM"),
        pytest.param(UNICODE_TEXT.encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(codecs.BOM_UTF16_BE + UNICODE_TEXT.encode("utf-16-be"), id="utf-16 big-endian with BOM"),
    ],
)
def test_csv_in_unicode_encodings_reads_without_warning(data):
    content = read_sheet("engagements.csv", data)
    assert only_row(content).cells["country_1"] == "Côte d’Ivoire"
    assert content.findings == []


def test_csv_in_windows_1252_is_read_with_a_warning_naming_the_encoding():
    data = csv_bytes([engagement_row(title="Réintégration – phase 2")], encoding="cp1252")
    content = read_sheet("engagements.csv", data)
    assert only_row(content).cells["title"] == "Réintégration – phase 2"
    assert len(content.findings) == 1
    assert "Windows-1252" in content.findings[0].reason
    assert content.findings[0].tier == "warning"


def test_csv_with_bytes_windows_1252_lacks_falls_back_to_latin_1():
    data = csv_text([engagement_row(title="Caf\u00e9")]).encode("latin-1").replace(b"Caf\xe9", b"Caf\xe9\x81")
    content = read_sheet("engagements.csv", data)
    assert only_row(content).cells["title"] == "Café\x81"
    assert "Latin-1" in content.findings[0].reason


def test_csv_in_utf_16_without_byte_order_mark_is_refused():
    data = csv_text([engagement_row()]).encode("utf-16-le")
    assert "UTF-16" in refusal("engagements.csv", data)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_sniffed_from_the_header(delimiter):
    row = engagement_row(description="Counselling, grants; jobs")
    content = read_sheet("engagements.csv", csv_bytes([row], delimiter=delimiter))
    cells = only_row(content).cells
    assert cells["description"] == "Counselling, grants; jobs"
    assert cells["country_1_share"] == "60"


def test_csv_sep_line_written_by_excel_states_the_delimiter():
    text = "sep=;\r\n" + csv_text([engagement_row("R1", description="a, b")], delimiter=";")
    content = read_sheet("engagements.csv", text.encode())
    assert only_row(content).cells["description"] == "a, b"
    assert only_row(content).number == 2


def test_csv_with_old_mac_line_endings_is_read():
    text = csv_text([engagement_row("R1"), engagement_row("R2")], delimiter=";").replace("\r\n", "\r")
    content = read_sheet("engagements.csv", text.encode())
    assert [row.cells["reference"] for row in content.rows] == ["R1", "R2"]


def test_csv_cells_starting_like_formulas_are_kept_as_text_with_a_warning():
    row = engagement_row(
        title='=HYPERLINK("http://evil.example","click")',
        notes="@SUM(A1:A9)",
        description="- first point",
        commitment_amount="-5",
    )
    content = read_sheet("engagements.csv", csv_bytes([row]))
    sheet_row = only_row(content)
    assert sheet_row.cells["title"] == '=HYPERLINK("http://evil.example","click")'
    warned = {finding.column for finding in sheet_row.findings}
    assert warned == {"title", "notes"}
    assert all("kept as plain text" in finding.reason for finding in sheet_row.findings)


def test_leading_quote_that_exports_add_before_formula_text_is_removed():
    content = read_sheet("engagements.csv", csv_bytes([engagement_row(title="'=1+1 is two")]))
    assert only_row(content).cells["title"] == "=1+1 is two"


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_number():
    text = csv_text([engagement_row("R1"), {}, engagement_row("R3")])
    content = read_sheet("engagements.csv", text.encode())
    assert [row.number for row in content.rows] == [2, 4]


def test_extra_cells_beyond_the_header_are_reported():
    text = "reference,title,kind\nR1,Title,project,surplus\n"
    row = only_row(read_sheet("engagements.csv", text.encode()))
    assert "more cells than the header" in row.findings[0].reason


def test_unknown_columns_are_ignored_with_a_warning_and_headers_are_forgiving():
    text = "Reference,Title,KIND,Planned start,colour\nR1,Title,project,2024-01-01,blue\n"
    content = read_sheet("engagements.csv", text.encode())
    assert only_row(content).cells == {
        "reference": "R1",
        "title": "Title",
        "kind": "project",
        "planned_start": "2024-01-01",
    }
    assert [(f.row, f.column) for f in content.findings] == [(1, "colour")]


def test_file_without_the_required_columns_is_refused_naming_them():
    message = refusal("engagements.csv", b"name,amount\nA,1\n")
    assert "reference, title, kind" in message


def test_too_many_rows_are_refused(settings):
    settings.SHEET_MAX_ROWS = 2
    data = csv_bytes([engagement_row(f"R{n}") for n in range(3)])
    assert "up to 2 are accepted" in refusal("engagements.csv", data)


# -- XLSX ----------------------------------------------------------------------


def test_xlsx_cells_are_read_as_text_dates_numbers_and_percentages():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Engagements"
    sheet.append(["reference", "title", "kind", "planned_start", "country_1_share", "budget_amount", "humanitarian"])
    sheet.append([42, "Title", "project", date(2024, 3, 1), 0.6, 1500000.5, True])
    sheet["E2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = only_row(read_sheet("engagements.xlsx", buffer.getvalue())).cells
    assert cells == {
        "reference": "42",
        "title": "Title",
        "kind": "project",
        "planned_start": "2024-03-01",
        "country_1_share": "60",
        "budget_amount": "1500000.5",
        "humanitarian": "yes",
    }


def test_xlsx_formula_without_a_saved_result_is_flagged_and_never_run():
    data = xlsx_bytes([engagement_row(title='=CONCAT("a","b")')])
    row = only_row(read_sheet("engagements.xlsx", data))
    assert "title" not in row.cells
    [finding] = row.findings
    assert (finding.row, finding.column, finding.tier) == (2, "title", "error")
    assert "no saved result" in finding.reason and 'CONCAT("a","b")' in finding.reason


def test_xlsx_formula_with_a_saved_result_uses_the_result_with_a_warning():
    data = xlsx_bytes([engagement_row(title='=CONCAT("a","b")')])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET_PART).decode()
    cell = sheet[sheet.index('<c r="B2"') :]
    cell = cell[: cell.index("</c>") + 4]
    saved = '<c r="B2" t="str"><f>CONCAT("a","b")</f><v>Saved title</v></c>'
    data = rewritten_xlsx(data, replace={SHEET_PART: sheet.replace(cell, saved).encode()})
    row = only_row(read_sheet("engagements.xlsx", data))
    assert row.cells["title"] == "Saved title"
    assert row.findings[0].tier == "warning"
    assert "formulas are never run" in row.findings[0].reason


def test_xlsx_reads_the_engagements_sheet_even_when_it_is_not_first():
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["nothing", "here"])
    sheet = workbook.create_sheet("Engagements")
    sheet.append(["reference", "title", "kind"])
    sheet.append(["R1", "Title", "project"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert only_row(read_sheet("engagements.xlsx", buffer.getvalue())).cells["reference"] == "R1"


# -- hostile and wrong files --------------------------------------------------------


@pytest.fixture
def unopened(monkeypatch):
    """Fails the test if openpyxl is asked to open the workbook."""

    def refuse_to_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that should have been refused first")

    monkeypatch.setattr(reader, "load_workbook", refuse_to_open)


def test_macro_enabled_extension_is_refused(unopened):
    assert "macros" in refusal("engagements.xlsm", xlsx_bytes([engagement_row()]))


def test_workbook_carrying_a_vba_project_is_refused_before_opening(unopened):
    data = rewritten_xlsx(xlsx_bytes([engagement_row()]), add={"xl/vbaProject.bin": b"\x00" * 64})
    assert "macros" in refusal("engagements.xlsx", data)


def test_workbook_declaring_the_macro_content_type_is_refused_before_opening(unopened):
    data = xlsx_bytes([engagement_row()])
    types = (
        zipfile.ZipFile(io.BytesIO(data))
        .read("[Content_Types].xml")
        .replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    )
    data = rewritten_xlsx(data, replace={"[Content_Types].xml": types})
    assert "macros" in refusal("engagements.xlsx", data)


def test_zip_bomb_over_the_unpacked_size_limit_is_refused_before_opening(settings, unopened):
    settings.SHEET_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    settings.SHEET_MAX_COMPRESSION_RATIO = 10_000
    data = rewritten_xlsx(xlsx_bytes([engagement_row()]), add={"xl/media/filler.xml": b" " * (3 * 1024 * 1024)})
    assert len(data) < 100_000
    message = refusal("engagements.xlsx", data)
    assert "Unpacked, the workbook would take 3.0" in message and "zip bombs" in message


def test_zip_bomb_with_an_absurd_compression_ratio_is_refused_before_opening(unopened):
    data = rewritten_xlsx(xlsx_bytes([engagement_row()]), replace={SHEET_PART: b"<a>" + b"0" * 4_000_000 + b"</a>"})
    message = refusal("engagements.xlsx", data)
    assert "compressed more than 100 times" in message


def test_workbook_declaring_xml_entities_is_refused_before_opening(unopened):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<worksheet>&lol2;</worksheet>"
    )
    data = rewritten_xlsx(xlsx_bytes([engagement_row()]), replace={SHEET_PART: laughs})
    assert "XML entities" in refusal("engagements.xlsx", data)


def test_oversized_file_is_refused_with_both_sizes(settings):
    settings.SHEET_UPLOAD_MAX_BYTES = 1024
    message = refusal("engagements.csv", csv_bytes([engagement_row(f"R{n}") for n in range(20)]))
    assert "files up to 1.0\xa0KB are accepted" in message


@pytest.mark.parametrize(
    ("file_name", "data", "expected"),
    [
        ("engagements.pdf", b"%PDF-1.7", "neither an Excel workbook"),
        ("engagements.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel format"),
        ("engagements.xlsx", b"reference,title,kind\n", "not a valid Excel workbook"),
        ("engagements.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "password-protected"),
        ("engagements.csv", b"PK\x03\x04rest", "is an Excel workbook, not a CSV file"),
        ("engagements.csv", b"", "The file is empty"),
    ],
)
def test_wrong_file_types_are_refused_with_a_clear_message(file_name, data, expected):
    assert expected in refusal(file_name, data)


def test_damaged_workbook_is_refused_without_a_crash():
    data = rewritten_xlsx(xlsx_bytes([engagement_row()]), replace={"xl/workbook.xml": b"<not-a-workbook/>"})
    assert "could not be read" in refusal("engagements.xlsx", data)


def hidden_doctype_workbook() -> bytes:
    """A valid workbook whose sheet part hides a DOCTYPE behind a comment and more than 4 KB of
    whitespace, and uses the entity it declares in a title."""
    workbook = xlsx_bytes([engagement_row(title="TITLE-PLACEHOLDER")])
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read(SHEET_PART)
    hostile = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported -->'
        + b" " * 8192
        + b'<!DOCTYPE worksheet [<!ENTITY secret "EXPANDED-ENTITY">]>'
        + sheet.replace(b"TITLE-PLACEHOLDER", b"&secret;")
    )
    return rewritten_xlsx(workbook, replace={SHEET_PART: hostile})


def test_doctype_hidden_behind_a_comment_and_whitespace_is_refused_naming_file_and_part(unopened):
    message = refusal("engagements.xlsx", hidden_doctype_workbook())
    assert "XML entities" in message
    assert "engagements.xlsx" in message
    assert SHEET_PART in message


@pytest.mark.django_db
def test_workbook_with_a_hidden_doctype_writes_nothing(cast):
    from partnerhub.core.models import Event, ObjectChange
    from partnerhub.registry.models import Engagement
    from partnerhub.sheets.services import import_sheet

    before = (Engagement.objects.unrestricted("test").count(), ObjectChange.objects.count(), Event.objects.count())
    with pytest.raises(SheetRefused):
        import_sheet(
            "engagements.xlsx",
            hidden_doctype_workbook(),
            cast.german_interior,
            acting_user=cast.german_ministry_editor,
            confirm=True,
        )
    assert (
        Engagement.objects.unrestricted("test").count(),
        ObjectChange.objects.count(),
        Event.objects.count(),
    ) == before
    assert not Engagement.objects.unrestricted("test").filter(title__contains="EXPANDED-ENTITY").exists()


@pytest.mark.parametrize(
    "part", ["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]
)
def test_doctype_in_any_part_is_refused_wherever_it_stands(unopened, part):
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([engagement_row()]))).read(part)
    declaration_end = original.index(b"?>") + 2 if original.startswith(b"<?xml") else 0
    hostile = (
        original[:declaration_end]
        + b"<!--"
        + b"x" * 5000
        + b"-->\n"
        + b"\t" * 5000
        + b'<!DOCTYPE r SYSTEM "http://attacker.invalid/x.dtd">'
        + original[declaration_end:]
    )
    data = rewritten_xlsx(xlsx_bytes([engagement_row()]), replace={part: hostile})
    assert part in refusal("engagements.xlsx", data)
