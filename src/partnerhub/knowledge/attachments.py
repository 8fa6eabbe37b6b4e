"""The documents that evidence a lesson: what is accepted, how its text is read, where it is kept.

A document is judged by its content, never by its name: a PDF starts with ``%PDF-``; a Word document
and an Excel workbook are ZIP archives whose ``[Content_Types].xml`` declares a Word document's or a
workbook's main part. The name's extension must then agree with the content. Archives are measured
before anything is unpacked (zip bombs), macro-enabled parts and DTDs are refused, encrypted files
are refused. The text is read with bounds (pages, rows, time) for the search.

Accepted files are kept under ``UPLOAD_DIR/attachments`` (outside the web root) under a random name;
they are only ever sent back as downloads (``lesson_views.attachment_download``).
"""

import io
import re
import secrets
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree

from partnerhub.knowledge.models import AttachmentKind

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# An Office file protected by a password is no ZIP but an OLE compound file holding the encrypted package.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES_PART = "[Content_Types].xml"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORKBOOK_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    AttachmentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {".pdf": AttachmentKind.PDF, ".docx": AttachmentKind.DOCX, ".xlsx": AttachmentKind.XLSX}
MAX_ARCHIVE_MEMBERS = 10_000
# Below this size a part's compression ratio says nothing (a short, repetitive XML part compresses well).
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_PDF_PAGES = 300
MAX_XLSX_ROWS = 20_000
MAX_READING_SECONDS = 20.0
MAX_TEXT_CHARACTERS = 2_000_000
STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
XML_PART_SUFFIXES = (".xml", ".rels")


class AttachmentRefused(Exception):
    """A document that is not accepted, with the reason its uploader reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedDocument:
    """A document that passed every check, with the text read from it."""

    name: str
    kind: str
    content: bytes
    text: str

    @property
    def size(self) -> int:
        return len(self.content)


# -- the checks ---------------------------------------------------------------------------------


def max_bytes() -> int:
    return int(settings.PARTNERHUB_ATTACHMENT_MAX_BYTES)


def check_document(file_name: str, content: bytes) -> CheckedDocument:
    """The document, checked and read; ``AttachmentRefused`` with a clear message otherwise."""
    name = safe_file_name(file_name)
    if not content:
        raise AttachmentRefused(_("%(name)s is empty.") % {"name": name})
    if len(content) > max_bytes():
        raise AttachmentRefused(check_size_message(name, len(content)))
    kind = sniffed_kind(name, content)
    _check_extension(name, kind)
    return CheckedDocument(name=name, kind=kind, content=content, text=_read_text(name, kind, content))


def check_size_message(file_name: str, size: int) -> str:
    return _("%(name)s takes %(size)s; at most %(limit)s is accepted.") % {
        "name": safe_file_name(file_name),
        "size": filesizeformat(size),
        "limit": filesizeformat(max_bytes()),
    }


def sniffed_kind(name: str, content: bytes) -> str:
    """PDF, DOCX or XLSX, read from the content only."""
    if content.startswith(PDF_MAGIC):
        return AttachmentKind.PDF
    if content.startswith(OLE_MAGIC):
        raise AttachmentRefused(
            _(
                "%(name)s is protected by a password or is an old Office format (.doc, .xls): "
                "remove the password, or save it as .docx or .xlsx, and attach it again."
            )
            % {"name": name}
        )
    if content.startswith(ZIP_MAGIC):
        return _office_kind(name, content)
    raise AttachmentRefused(
        _("%(name)s is not a PDF, Word (.docx) or Excel (.xlsx) document; only these are accepted.") % {"name": name}
    )


def _check_extension(name: str, kind: str) -> None:
    named = EXTENSIONS.get(Path(name).suffix.lower())
    if named is None:
        raise AttachmentRefused(
            _("%(name)s should end with .pdf, .docx or .xlsx: it is %(kind)s.")
            % {"name": name, "kind": kind_label(kind)}
        )
    if named != kind:
        raise AttachmentRefused(
            _("%(name)s is %(kind)s, not %(named)s.")
            % {"name": name, "kind": kind_label(kind), "named": kind_label(named)}
        )


def kind_label(kind: str) -> str:
    return {
        AttachmentKind.PDF: _("a PDF file"),
        AttachmentKind.DOCX: _("a Word document"),
        AttachmentKind.XLSX: _("an Excel workbook"),
    }[AttachmentKind(kind)]


def _office_kind(name: str, content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            _check_archive(name, members)
            types = _declared_content_types(name, archive, members)
            _check_xml_parts(name, archive, members)
    except zipfile.BadZipFile as error:
        raise AttachmentRefused(_broken(name)) from error
    if any("macroenabled" in declared.lower() for declared in types):
        raise AttachmentRefused(_macros(name))
    if WORD_MAIN in types:
        return AttachmentKind.DOCX
    if WORKBOOK_MAIN in types:
        return AttachmentKind.XLSX
    raise AttachmentRefused(
        _("%(name)s is a ZIP archive, but neither a Word document (.docx) nor an Excel workbook (.xlsx).")
        % {"name": name}
    )


def _check_archive(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise AttachmentRefused(
            _("%(name)s holds %(count)s parts; a document has far fewer. It was refused unopened.")
            % {"name": name, "count": len(members)}
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise AttachmentRefused(_("%(name)s is encrypted: remove its password and attach it again.") % {"name": name})
    if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
        raise AttachmentRefused(_macros(name))
    unpacked = sum(member.file_size for member in members)
    limit = int(settings.PARTNERHUB_ATTACHMENT_MAX_UNCOMPRESSED_BYTES)
    if unpacked > limit:
        raise AttachmentRefused(
            _(
                "Unpacked, %(name)s would take %(size)s; at most %(limit)s is accepted. It was refused "
                "unopened (this is how “zip bombs” work)."
            )
            % {"name": name, "size": filesizeformat(unpacked), "limit": filesizeformat(limit)}
        )
    ratio = int(settings.PARTNERHUB_ATTACHMENT_MAX_COMPRESSION_RATIO)
    packed = sum(member.compress_size for member in members)
    suspicious = [
        m for m in members if m.file_size >= RATIO_CHECK_FROM_BYTES and m.file_size > ratio * max(m.compress_size, 1)
    ]
    if suspicious or (unpacked >= RATIO_CHECK_FROM_BYTES and unpacked > ratio * max(packed, 1)):
        raise AttachmentRefused(
            _(
                "%(name)s is compressed more than %(ratio)s times, as “zip bombs” are; a real document is "
                "not. It was refused unopened."
            )
            % {"name": name, "ratio": ratio}
        )


def _declared_content_types(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    if CONTENT_TYPES_PART not in {member.filename for member in members}:
        raise AttachmentRefused(_broken(name))
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(_xml_part(name, archive, CONTENT_TYPES_PART), parser)
    except etree.XMLSyntaxError as error:
        raise AttachmentRefused(_broken(name)) from error
    return {
        str(element.get("ContentType", "")) for element in root if str(element.tag).endswith(("Override", "Default"))
    }


def _check_xml_parts(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Office parts never declare a DTD: one that does is an attack on the XML parser (entity expansion)."""
    for member in members:
        if member.filename.lower().endswith(XML_PART_SUFFIXES):
            _xml_part(name, archive, member.filename)


def _xml_part(name: str, archive: zipfile.ZipFile, part: str) -> bytes:
    data = archive.read(part)
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise AttachmentRefused(
            _("%(name)s declares a document type in its XML, as attacks do; it was refused.") % {"name": name}
        )
    return data


def _broken(name: str) -> str:
    return _("%(name)s is damaged and cannot be read: open it, save it again and attach the new copy.") % {"name": name}


def _macros(name: str) -> str:
    return _(
        "%(name)s contains macros (a macro-enabled document or workbook); macros are never accepted. "
        "Save it without macros (.docx or .xlsx) and attach it again."
    ) % {"name": name}


# -- the text, for the search -----------------------------------------------------------------------


def _read_text(name: str, kind: str, content: bytes) -> str:
    readers = {AttachmentKind.PDF: _pdf_text, AttachmentKind.DOCX: _docx_text, AttachmentKind.XLSX: _xlsx_text}
    try:
        pieces = list(_bounded(readers[AttachmentKind(kind)](name, content)))
    except AttachmentRefused:
        raise
    except Exception as error:  # noqa: BLE001 — a parser's every failure on a hostile file means "damaged"
        raise AttachmentRefused(_broken(name)) from error
    text = "\n".join(piece.strip() for piece in pieces if piece and piece.strip())
    return text[:MAX_TEXT_CHARACTERS]


def _bounded(pieces: Iterator[str]) -> Iterator[str]:
    """Stops reading once the time is spent or enough text was read: the document is still accepted."""
    started, characters = time.monotonic(), 0
    for piece in pieces:
        yield piece
        characters += len(piece)
        if characters >= MAX_TEXT_CHARACTERS or time.monotonic() - started > MAX_READING_SECONDS:
            return


def _pdf_text(name: str, content: bytes) -> Iterator[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted:
        raise AttachmentRefused(_("%(name)s is encrypted: remove its password and attach it again.") % {"name": name})
    for index, page in enumerate(reader.pages):
        if index >= MAX_PDF_PAGES:
            return
        yield page.extract_text() or ""


def _docx_text(name: str, content: bytes) -> Iterator[str]:
    import docx

    document = docx.Document(io.BytesIO(content))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " | ".join(cell.text for cell in row.cells)


def _xlsx_text(name: str, content: bytes) -> Iterator[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        rows = 0
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                rows += 1
                if rows > MAX_XLSX_ROWS:
                    return
                values = [str(value) for value in row if value is not None and str(value).strip()]
                if values:
                    yield " ".join(values)
    finally:
        workbook.close()


# -- names and storage ----------------------------------------------------------------------------


def safe_file_name(file_name: str) -> str:
    """The last part of the name sent, without control characters or quotes, at most 200 characters."""
    base = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        char
        for char in unicodedata.normalize("NFC", base)
        if unicodedata.category(char)[0] != "C" and char not in "\"'"
    ).strip(" .")
    if not cleaned:
        return "document"
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(suffix) <= 10:
        return f"{stem[: 200 - len(suffix) - 1]}.{suffix}"
    return cleaned[:200]


def attachment_dir() -> Path:
    return Path(settings.UPLOAD_DIR) / "attachments"


def path_of(stored_name: str) -> Path:
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored attachment name: {stored_name!r}")
    return attachment_dir() / stored_name


def store(content: bytes) -> str:
    """Writes the file under a new random name (readable by the server's user only) and returns the name."""
    directory = attachment_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = path_of(stored_name)
    partial = path.with_suffix(".part")
    partial.write_bytes(content)
    partial.chmod(0o600)
    partial.replace(path)
    return stored_name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
