"""Documents built to harm or mislead, each refused with a message naming the file, and nothing stored (no
row, no file): a ZIP that is no Office document, one with more parts than any document, an encrypted ZIP or
PDF, a part compressed a thousand times, a missing or broken ``[Content_Types].xml``, an XML part declaring
entities (the "billion laughs"). And the names a browser may send, made safe."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from partnerhub.knowledge import attachments
from partnerhub.knowledge.lesson_services import add_attachment
from partnerhub.knowledge.models import Attachment
from tests.knowledge.documents import pdf_bytes, xlsx_bytes
from tests.knowledge.factories import lesson_for

pytestmark = pytest.mark.django_db

CONTENT_TYPES = "[Content_Types].xml"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b"<Types><Default ContentType='&lol2;'/></Types>"
)


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR / "attachments"


def archive(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


def marked_encrypted(content: bytes) -> bytes:
    """The archive with every part marked encrypted in its central directory (bit 0 of the flags, at byte 8 of
    each entry), as a password-protected ZIP is: Python's zipfile writes no encrypted archive itself."""
    start = zipfile.ZipFile(io.BytesIO(content)).start_dir
    marked = bytearray(content)
    entry = marked.find(b"PK\x01\x02", start)
    while entry != -1:
        marked[entry + 8] |= 0x1
        entry = marked.find(b"PK\x01\x02", entry + 4)
    return bytes(marked)


def workbook_parts() -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes("Cohort")))
    return {name: source.read(name) for name in source.namelist()}


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes("Confidential evaluation"))))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def many_parts() -> bytes:
    parts = workbook_parts()
    parts.update({f"xl/empty{number}.bin": b"" for number in range(attachments.MAX_ARCHIVE_MEMBERS)})
    return archive(parts)


def squeezed() -> bytes:
    """A workbook with one part of two megabytes of zeros: far under the size limit, far over the ratio."""
    return archive({**workbook_parts(), "xl/padding.bin": b"\0" * (2 * 1024 * 1024)})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.docx",
            lambda: archive({"notes.txt": b"Plain notes"}),
            "notes.docx is damaged and cannot be read",
        ),
        (
            "slides.docx",
            lambda: archive({CONTENT_TYPES: b"<Types><Default ContentType='application/zip'/></Types>"}),
            "slides.docx is a ZIP archive, but neither a Word document (.docx) nor an Excel workbook (.xlsx).",
        ),
        ("parts.xlsx", many_parts, "parts; a document has far fewer. It was refused unopened."),
        (
            "locked.xlsx",
            lambda: marked_encrypted(archive(workbook_parts())),
            "locked.xlsx is encrypted: remove its password and attach it again.",
        ),
        ("squeezed.xlsx", squeezed, "squeezed.xlsx is compressed more than 100 times"),
        (
            "broken.xlsx",
            lambda: archive({**workbook_parts(), CONTENT_TYPES: b"<Types><Default"}),
            "broken.xlsx is damaged and cannot be read",
        ),
        (
            "laughs.xlsx",
            lambda: archive({**workbook_parts(), CONTENT_TYPES: BILLION_LAUGHS}),
            "laughs.xlsx declares a document type in its XML, as attacks do; it was refused.",
        ),
        (
            "sheet.xlsx",
            lambda: archive({**workbook_parts(), "xl/worksheets/sheet1.xml": BILLION_LAUGHS}),
            "sheet.xlsx declares a document type in its XML",
        ),
        ("locked.pdf", encrypted_pdf, "locked.pdf is encrypted: remove its password and attach it again."),
    ],
)
def test_hostile_documents_are_refused_and_nothing_is_stored(cast, upload_dir, name, content, message):
    lesson = lesson_for(cast, kind="evaluation")
    with pytest.raises(ValidationError) as refused:
        add_attachment(lesson, name, content(), acting_user=cast.german_ministry_editor)
    [said] = refused.value.message_dict["file"]
    assert message in said
    assert not Attachment.objects.unrestricted("test").exists()
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_an_outsider_attaches_nothing_even_a_good_document(cast, upload_dir):
    lesson = lesson_for(cast, kind="evaluation")
    from django.core.exceptions import PermissionDenied

    for user in (cast.french_ministry_editor, cast.outsider):
        with pytest.raises(PermissionDenied):
            add_attachment(lesson, "report.pdf", pdf_bytes("x"), acting_user=user)
    assert not Attachment.objects.unrestricted("test").exists()
    assert not upload_dir.exists()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\Users\\amina\\report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ('"quoted"\x00.pdf', "quoted.pdf"),
        ("...", "document"),
        ("", "document"),
        ("a" * 300, "a" * 200),
        ("b" * 300 + ".docx", "b" * 195 + ".docx"),
    ],
)
def test_the_names_a_browser_may_send_are_made_safe(sent, kept):
    assert attachments.safe_file_name(sent) == kept


@given(st.text(max_size=400))
def test_a_safe_name_is_never_a_path_nor_longer_than_200_characters(sent):
    name = attachments.safe_file_name(sent)
    assert 0 < len(name) <= 200
    assert "/" not in name and "\\" not in name and '"' not in name
    assert name not in (".", "..")


def test_only_names_the_store_gave_are_paths(upload_dir):
    for forged in ("../../settings.py", "", "0" * 31, "g" * 32):
        with pytest.raises(ValueError):
            attachments.path_of(forged)
