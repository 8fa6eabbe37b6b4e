"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text cells.

Nothing here trusts the file. Its size is checked before anything else; an
XLSX archive is inspected from its central directory (sizes, compression
ratio, macro parts, DTDs) before openpyxl unpacks anything, and then read as
values only: formulas are never evaluated, and a formula with no saved result
is flagged rather than run. A CSV file's encoding and delimiter are sniffed.
Every cell comes out as stripped text; ``rows`` gives it a meaning.
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import load_workbook

from partnerhub.sheets.columns import COLUMNS_BY_KEY, REQUIRED_KEYS, normalise_header
from partnerhub.sheets.findings import Finding, SheetRefused, Tier

DATA_SHEET = "Engagements"
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xlam")
OLD_EXCEL_SUFFIXES = (".xls", ".xlt")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITERS = (",", ";", "\t")
# Members smaller than this may compress as well as they like.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1000
# What zipfile and zlib raise on a damaged archive (NotImplementedError: an unknown
# compression method; RuntimeError: an encrypted part).
DAMAGED_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError)
XML_PART_SUFFIXES = (".xml", ".rels", ".vml")
XML_SCAN_CHUNK_BYTES = 64 * 1024
# Spreadsheet parts nest a dozen levels at most (drawings a few more); libxml2's own limit is 256.
MAX_XML_DEPTH = 100
FORMULA_TRIGGERS = ("=", "+", "-", "@")
NUMBER_LIKE = re.compile(r"^[+-]\s*[\d.,'\s]+%?$")

DEFAULT_LIMITS = {
    "SHEET_UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    "SHEET_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,
    "SHEET_MAX_COMPRESSION_RATIO": 100,
    "SHEET_MAX_ROWS": 5000,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULT_LIMITS[name]))


@dataclass
class SheetRow:
    number: int
    cells: dict[str, str]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class SheetContent:
    file_name: str
    rows: list[SheetRow]
    findings: list[Finding] = field(default_factory=list)


def read_sheet(file_name: str, data: bytes) -> SheetContent:
    """Rows of the file, or ``SheetRefused`` with a message a user understands, naming the file."""
    try:
        return _read_sheet(file_name, data)
    except SheetRefused as refusal:
        refusal.file_name = refusal.file_name or file_name
        raise


def _read_sheet(file_name: str, data: bytes) -> SheetContent:
    check_size(len(data))
    if not data:
        raise SheetRefused(_("The file is empty."))
    suffix = Path(file_name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise SheetRefused(_macro_message())
    if suffix in OLD_EXCEL_SUFFIXES:
        raise SheetRefused(
            _(
                "Files in the old Excel format (.xls) are not accepted: save the workbook "
                "as .xlsx or as CSV UTF-8, then upload it again."
            )
        )
    if suffix == ".xlsx":
        return read_xlsx(file_name, data)
    if suffix in CSV_SUFFIXES:
        return read_csv(file_name, data)
    raise SheetRefused(
        _("This file is neither an Excel workbook (.xlsx) nor a CSV file (.csv). Start from the template.")
    )


def check_size(size: int) -> None:
    largest = limit("SHEET_UPLOAD_MAX_BYTES")
    if size > largest:
        raise SheetRefused(
            _("The file is %(size)s; files up to %(limit)s are accepted. Split it into several files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(largest)}
        )


def _macro_message() -> str:
    return _(
        "Workbooks with macros are refused: macros could run on the computers of everyone who "
        "opens the data. Save the workbook as .xlsx (Excel Workbook) without macros."
    )


# -- headers, shared by both formats -----------------------------------------


def map_header(headers: list[str]) -> tuple[dict[int, str], list[Finding]]:
    """Column positions by template key; unknown and repeated columns are ignored with a warning."""
    positions: dict[int, str] = {}
    findings = []
    for index, raw in enumerate(headers):
        key = normalise_header(raw)
        if not key:
            continue
        if key not in COLUMNS_BY_KEY:
            findings.append(
                Finding(
                    Tier.WARNING,
                    _("This column is not part of the template; it was ignored."),
                    row=1,
                    column=str(raw).strip(),
                )
            )
        elif key in positions.values():
            findings.append(
                Finding(Tier.WARNING, _("This column appears twice; only the first was read."), row=1, column=key)
            )
        else:
            positions[index] = key
    missing = [key for key in REQUIRED_KEYS if key not in positions.values()]
    if missing:
        raise SheetRefused(
            _("The first row must hold the column names of the template; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    return positions, findings


def neutral_text(value: str) -> str:
    """Undo the leading quote that exports put before formula-like text."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def formula_like_finding(value: str, row: int, column: str) -> Finding | None:
    """Text that a spreadsheet would run is kept as text, and the user is told."""
    if not value.startswith(FORMULA_TRIGGERS) or COLUMNS_BY_KEY[column].kind != "text":
        return None
    if value[:1] in "+-" and (NUMBER_LIKE.match(value) or value[1:2].isspace()):
        return None
    return Finding(
        Tier.WARNING,
        _("Starts with “%(sign)s”: kept as plain text; formulas are never run.") % {"sign": value[0]},
        row=row,
        column=column,
    )


# -- CSV ---------------------------------------------------------------------


def read_csv(file_name: str, data: bytes) -> SheetContent:
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        raise SheetRefused(
            _("This file is an Excel workbook, not a CSV file: give it the .xlsx extension, or save it as CSV UTF-8.")
        )
    text, findings = decode_csv(data)
    delimiter, text = _stated_delimiter(text)
    delimiter = delimiter or sniff_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SheetRefused(_("The file could not be read as CSV: %(error)s.") % {"error": error}) from error
    if not records:
        raise SheetRefused(_("The file is empty."))
    if len(records[0]) < 2:
        raise SheetRefused(
            _(
                "The first row holds a single column: the columns must be separated by commas, "
                "semicolons or tabs, as in the template."
            )
        )
    positions, header_findings = map_header(records[0])
    width = len(records[0])
    rows = [
        _csv_row(number, record, positions, width)
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    _check_row_count(len(rows))
    return SheetContent(file_name, rows, findings + header_findings)


def decode_csv(data: bytes) -> tuple[str, list[Finding]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 or Latin-1 with a warning."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8) :], "utf-8"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16"), []
    if b"\x00" in data:
        raise SheetRefused(
            _(
                "The file holds binary data, or UTF-16 text without a byte-order mark. "
                "Save it as CSV UTF-8 and upload it again."
            )
        )
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    for encoding, name in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1 (ISO 8859-1)")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warning = Finding(
            Tier.WARNING,
            _(
                "The file is not in UTF-8; it was read as %(encoding)s. Check accented letters in the preview, "
                "or save the file as CSV UTF-8 to be sure."
            )
            % {"encoding": name},
        )
        return text, [warning]
    raise SheetRefused(_("The encoding of the file could not be recognised."))  # latin-1 decodes any bytes


def _decode(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise SheetRefused(
            _("The file says it is %(encoding)s but is not: save it again as CSV UTF-8.")
            % {"encoding": encoding.upper()}
        ) from error
    if "\x00" in text:
        raise SheetRefused(_("The file holds binary data: save it as CSV UTF-8 and upload it again."))
    return text


def _stated_delimiter(text: str) -> tuple[str, str]:
    """Excel may open a CSV file with a ``sep=;`` line, which it does not show as a row."""
    first, _newline, rest = text.lstrip("\ufeff").partition("\n")
    if first.startswith("sep=") and len(first.rstrip("\r")) == 5:
        return first[4], rest
    return "", text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most template columns."""
    first_line = next(iter(text.lstrip("\ufeff").splitlines()), "")

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            return 0, 0
        return sum(normalise_header(cell) in COLUMNS_BY_KEY for cell in cells), len(cells)

    return max(DELIMITERS, key=score)


def _csv_row(number: int, record: list[str], positions: dict[int, str], width: int) -> SheetRow:
    row = SheetRow(number, {})
    for index, key in positions.items():
        if index < len(record):
            _keep(row, key, neutral_text(record[index]))
    if any(cell.strip() for cell in record[width:]):
        row.findings.append(
            Finding(
                Tier.WARNING,
                _("The row has more cells than the header has columns; the extra cells were ignored."),
                row=number,
            )
        )
    return row


def _keep(row: SheetRow, key: str, value: str) -> None:
    if not value:
        return
    row.cells[key] = value
    finding = formula_like_finding(value, row.number, key)
    if finding is not None:
        row.findings.append(finding)


def _check_row_count(count: int) -> None:
    largest = limit("SHEET_MAX_ROWS")
    if count > largest:
        raise SheetRefused(
            _("The file has %(count)s rows; up to %(limit)s are accepted at once. Split it into several files.")
            % {"count": count, "limit": largest}
        )


# -- XLSX --------------------------------------------------------------------


def read_xlsx(file_name: str, data: bytes) -> SheetContent:
    inspect_archive(data)
    try:
        return _read_workbook(file_name, data)
    except SheetRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SheetRefused(
            _("The workbook could not be read (%(error)s). Open it in Excel, save it as .xlsx and upload it again.")
            % {"error": type(error).__name__}
        ) from error


def inspect_archive(data: bytes) -> None:
    """Refuse zip bombs, macros and DTDs from the central directory, before unpacking."""
    if data.startswith(OLE_MAGIC):
        raise SheetRefused(
            _(
                "This is an old-format (.xls) or password-protected workbook. Save it as .xlsx "
                "without a password and upload it again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED_ARCHIVE_ERRORS as error:
        raise SheetRefused(
            _("This file is not a valid Excel workbook (.xlsx). If it is a CSV file, give it the .csv extension.")
        ) from error
    try:
        with archive:
            _inspect_members(archive)
    except DAMAGED_ARCHIVE_ERRORS as error:
        raise SheetRefused(
            _(
                "The workbook is damaged: its parts cannot be unpacked (%(error)s). Open it in Excel, "
                "save it as .xlsx and upload it again."
            )
            % {"error": type(error).__name__}
        ) from error


def _inspect_members(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    _check_archive_sizes(members)
    names = [member.filename for member in members]
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise SheetRefused(_macro_message())
    if "[Content_Types].xml" not in names:
        raise SheetRefused(_("This file is not a valid Excel workbook (.xlsx): it lacks its table of content types."))
    if b"macroenabled" in archive.read("[Content_Types].xml").lower():
        raise SheetRefused(_macro_message())
    _refuse_document_type_definitions(archive, members)


def _check_archive_sizes(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise SheetRefused(
            _("The workbook holds %(count)s parts; a spreadsheet has far fewer. It was refused unopened.")
            % {"count": len(members)}
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit("SHEET_MAX_UNCOMPRESSED_BYTES"):
        raise SheetRefused(
            _(
                "Unpacked, the workbook would take %(size)s; at most %(limit)s is accepted. It was "
                "refused unopened (this is how “zip bombs” work)."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit("SHEET_MAX_UNCOMPRESSED_BYTES"))}
        )
    packed = sum(member.compress_size for member in members)
    ratio = limit("SHEET_MAX_COMPRESSION_RATIO")
    suspicious = [
        m for m in members if m.file_size >= RATIO_CHECK_FROM_BYTES and m.file_size > ratio * max(m.compress_size, 1)
    ]
    if suspicious or (unpacked >= RATIO_CHECK_FROM_BYTES and unpacked > ratio * max(packed, 1)):
        raise SheetRefused(
            _(
                "The workbook is compressed more than %(ratio)s times, as “zip bombs” are; "
                "a real spreadsheet is not. It was refused unopened."
            )
            % {"ratio": ratio}
        )


def _refuse_document_type_definitions(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Spreadsheet parts never declare a DTD; one that does is an attack on the XML parser.

    Each XML part is parsed whole, as a stream and without building a tree, by
    a parser that loads no DTD and expands no entity; a DOCTYPE anywhere, or
    a part that is not well-formed XML, refuses the file before openpyxl runs.
    """
    for member in members:
        if member.filename.lower().endswith(XML_PART_SUFFIXES):
            _scan_xml_part(archive, member)


class _DoctypeFound(Exception):
    pass


class _TooDeep(Exception):
    pass


class _DoctypeRefusingTarget:
    """A parser target that keeps nothing, stops at the first DOCTYPE, and at nesting
    deeper than any spreadsheet part needs (openpyxl's own parser would follow it)."""

    def __init__(self) -> None:
        self.depth = 0

    def doctype(self, name, public_id, system_url) -> None:
        raise _DoctypeFound

    def start(self, tag, attributes) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _TooDeep

    def end(self, tag) -> None:
        self.depth -= 1

    def data(self, text) -> None:
        pass

    def close(self) -> None:
        return None


def _scan_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    # Excel's legacy VML drawings are not always well-formed; only their DOCTYPE matters.
    # types-lxml requires every method of its target protocol; lxml calls only those the target has.
    parser = etree.XMLParser(  # type: ignore[call-overload]
        target=_DoctypeRefusingTarget(),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=member.filename.lower().endswith(".vml"),
    )
    try:
        with archive.open(member) as part:
            while chunk := part.read(XML_SCAN_CHUNK_BYTES):
                parser.feed(chunk)
        parser.close()
    except _DoctypeFound as found:
        raise SheetRefused(
            _(
                "The part %(part)s declares a DTD or XML entities, which a "
                "spreadsheet never does. The workbook was refused unopened."
            )
            % {"part": member.filename}
        ) from found
    except _TooDeep as too_deep:
        raise SheetRefused(
            _(
                "The part %(part)s nests its elements more than %(depth)s levels deep, which a "
                "spreadsheet never does. The workbook was refused unopened."
            )
            % {"part": member.filename, "depth": MAX_XML_DEPTH}
        ) from too_deep
    except etree.XMLSyntaxError as error:
        raise SheetRefused(
            _(
                "The part %(part)s is not well-formed XML (line %(line)s). Open the "
                "workbook in Excel, save it as .xlsx and upload it again."
            )
            % {"part": member.filename, "line": error.lineno}
        ) from error


def _read_workbook(file_name: str, data: bytes) -> SheetContent:
    # Two passes over the same sheet: saved results, and the formulas behind them.
    values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        values, formulas = _data_sheet(values_book), _data_sheet(formulas_book)
        rows = zip(values.iter_rows(min_row=1), formulas.iter_rows(min_row=1), strict=False)
        header_cells, _formula_header = next(rows, ((), ()))
        positions, findings = map_header([_header_text(cell.value) for cell in header_cells])
        sheet_rows = []
        for number, (value_cells, formula_cells) in enumerate(rows, start=2):
            row = _xlsx_row(number, value_cells, formula_cells, positions)
            if row.cells or row.findings:
                sheet_rows.append(row)
                _check_row_count(len(sheet_rows))
        return SheetContent(file_name, sheet_rows, findings)
    finally:
        values_book.close()
        formulas_book.close()


def _data_sheet(book):
    sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
    # Some programs write a wrong size into the file; read what is there instead.
    sheet.reset_dimensions()
    return sheet


def _header_text(value) -> str:
    return "" if value is None else str(value)


def _xlsx_row(number: int, value_cells, formula_cells, positions: dict[int, str]) -> SheetRow:
    row = SheetRow(number, {})
    for index, (cell, formula_cell) in enumerate(zip(value_cells, formula_cells, strict=False)):
        key = positions.get(index)
        if key is None:
            continue
        if formula_cell.data_type == "f":
            _read_formula_cell(row, key, cell, formula_cell)
        elif cell.data_type == "e":
            row.findings.append(
                Finding(
                    Tier.ERROR,
                    _("The cell holds the error %(error)s; it was read as empty.") % {"error": cell.value},
                    row=number,
                    column=key,
                )
            )
        else:
            _keep(row, key, cell_text(cell.value, getattr(cell, "number_format", None)))
    return row


def _read_formula_cell(row: SheetRow, key: str, cell, formula_cell) -> None:
    formula = str(formula_cell.value)[:60]
    if cell.value is None or cell.data_type == "e":
        row.findings.append(
            Finding(
                Tier.ERROR,
                _(
                    "The cell holds a formula (%(formula)s) with no saved result. Formulas are never run, so the cell "
                    "was read as empty: type the value itself."
                )
                % {"formula": formula},
                row=row.number,
                column=key,
            )
        )
        return
    value = cell_text(cell.value, getattr(cell, "number_format", None))
    row.findings.append(
        Finding(
            Tier.WARNING,
            _(
                "The cell holds a formula (%(formula)s); formulas are never run, so its saved result “%(value)s” was "
                "used."
            )
            % {"formula": formula, "value": value},
            row=row.number,
            column=key,
        )
    )
    if value:
        row.cells[key] = value


def cell_text(value, number_format: str | None) -> str:
    """A cell's value as the text the analysis reads."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number_text(value, number_format)
    return neutral_text(str(value))


def _number_text(value: float | int, number_format: str | None) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number_format and "%" in number_format:
        number *= 100  # a cell formatted as a percentage holds 0.6 for 60 %
    return format(number.normalize(), "f")
