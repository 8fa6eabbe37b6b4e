"""Documents attached to lessons: accepted by their content with their text read for the search; refused with
a clear message, and nothing stored (no row, no file), when the type is wrong, the file too large, the
extension misleading, the workbook macro-enabled, the archive a zip bomb or broken. Downloads only to readers."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerhub.knowledge import attachments
from partnerhub.knowledge.lesson_services import add_attachment, remove_attachment
from partnerhub.knowledge.models import Attachment
from tests.knowledge.documents import (
    HTML,
    PNG,
    docx_bytes,
    pdf_bytes,
    with_content_type,
    xlsx_bytes,
    zip_bomb,
)
from tests.knowledge.factories import lesson_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

WORKBOOK_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR / "attachments"


@pytest.fixture
def lesson(cast):
    return lesson_for(cast, kind="evaluation")


def attach(cast, lesson, name, content):
    return add_attachment(lesson, name, content, acting_user=cast.german_ministry_editor)


def stored_files(directory) -> list:
    return sorted(directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "kind", "expected_text"),
    [
        ("evaluation.pdf", pdf_bytes("Returnees found work within six months"), "pdf", "within six months"),
        (
            "findings.docx",
            docx_bytes("Counselling before departure worked", table_text="Referral delays in Tangier"),
            "docx",
            "Referral delays in Tangier",
        ),
        ("figures.xlsx", xlsx_bytes("Cohort", "Employment rate in Oujda"), "xlsx", "Employment rate in Oujda"),
    ],
)
def test_real_documents_are_accepted_and_their_text_read(cast, lesson, upload_dir, name, content, kind, expected_text):
    document = attach(cast, lesson, name, content)
    assert document.content_kind == kind
    assert expected_text in document.extracted_text
    assert document.size == len(content)
    import hashlib

    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.stored_name != name and len(document.stored_name) == 32
    [path] = stored_files(upload_dir)
    assert path.name == document.stored_name and path.read_bytes() == content


def test_a_docx_paragraph_is_read_too(cast, lesson):
    document = attach(cast, lesson, "note.docx", docx_bytes("Counselling before departure worked"))
    assert "Counselling before departure worked" in document.extracted_text


def macro_workbook() -> bytes:
    return with_content_type(
        xlsx_bytes("macro"), WORKBOOK_MAIN, MACRO_WORKBOOK_MAIN, extra={"xl/vbaProject.bin": b"\0" * 64}
    )


def macro_type_only() -> bytes:
    return with_content_type(xlsx_bytes("macro"), WORKBOOK_MAIN, MACRO_WORKBOOK_MAIN)


def broken_zip() -> bytes:
    return xlsx_bytes("cut short")[:400]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", lambda: PNG, "photo.png is not a PDF, Word (.docx) or Excel (.xlsx) document"),
        ("page.html", lambda: HTML, "page.html is not a PDF, Word (.docx) or Excel (.xlsx) document"),
        ("page.pdf", lambda: HTML, "page.pdf is not a PDF, Word (.docx) or Excel (.xlsx) document"),
        ("report.docx", lambda: pdf_bytes("x"), "report.docx is a PDF file, not a Word document"),
        ("report.xlsx", lambda: pdf_bytes("x"), "report.xlsx is a PDF file, not an Excel workbook"),
        ("minutes.pdf", lambda: docx_bytes("x"), "minutes.pdf is a Word document, not a PDF file"),
        ("figures.docx", lambda: xlsx_bytes("x"), "figures.docx is an Excel workbook, not a Word document"),
        ("report.txt", lambda: pdf_bytes("x"), "report.txt should end with .pdf, .docx or .xlsx"),
        ("budget.xlsx", macro_workbook, "budget.xlsx contains macros"),
        ("budget.xlsm", macro_type_only, "budget.xlsm contains macros"),
        ("bomb.xlsx", lambda: zip_bomb(xlsx_bytes("x")), "bomb.xlsx"),
        ("broken.xlsx", broken_zip, "broken.xlsx is damaged and cannot be read"),
        ("empty.pdf", lambda: b"", "empty.pdf is empty"),
        ("broken.pdf", lambda: b"%PDF-1.4\nnot really a PDF", "broken.pdf is damaged and cannot be read"),
        ("locked.docx", lambda: attachments.OLE_MAGIC + b"\0" * 512, "locked.docx is protected by a password"),
    ],
)
def test_refused_documents_leave_nothing_behind(cast, lesson, upload_dir, name, content, message):
    with pytest.raises(ValidationError) as refused:
        attach(cast, lesson, name, content())
    [said] = refused.value.message_dict["file"]
    assert message in said
    assert not Attachment.objects.unrestricted("test").exists()
    assert stored_files(upload_dir) == []


def test_the_zip_bomb_is_refused_unopened_by_size_or_ratio(cast, lesson):
    with pytest.raises(ValidationError) as refused:
        attach(cast, lesson, "bomb.xlsx", zip_bomb(xlsx_bytes("x")))
    assert "zip bombs" in refused.value.message_dict["file"][0]


def test_an_oversize_document_is_refused_by_the_setting(cast, lesson, settings, upload_dir):
    settings.PARTNERHUB_ATTACHMENT_MAX_BYTES = 1000
    content = pdf_bytes("x" * 2000)
    with pytest.raises(ValidationError) as refused:
        attach(cast, lesson, "long.pdf", content)
    assert "long.pdf takes" in refused.value.message_dict["file"][0]
    assert "at most 1000" in refused.value.message_dict["file"][0]
    # The page refuses it before reading it, with the same message.
    response = client_for(cast.german_ministry_editor).post(
        f"/knowledge/lessons/{lesson.pk}/documents/new/", {"file": SimpleUploadedFile("long.pdf", content)}
    )
    assert response.status_code == 200 and "long.pdf takes" in response.content.decode()
    assert not Attachment.objects.unrestricted("test").exists() and stored_files(upload_dir) == []


def test_the_file_is_removed_when_the_database_write_fails(cast, lesson, upload_dir, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("partnerhub.knowledge.lesson_services.record_change", failing)
    with pytest.raises(RuntimeError):
        attach(cast, lesson, "evaluation.pdf", pdf_bytes("x"))
    assert stored_files(upload_dir) == []
    assert not Attachment.objects.unrestricted("test").exists()


def test_the_upload_page_attaches_and_the_reader_downloads_with_safe_headers(cast, lesson):
    content = pdf_bytes("Final evaluation")
    editor = client_for(cast.german_ministry_editor)
    response = editor.post(
        f"/knowledge/lessons/{lesson.pk}/documents/new/",
        {"file": SimpleUploadedFile('../../etc/Final "report".pdf', content, content_type="text/html")},
    )
    assert response.status_code == 302
    document = Attachment.objects.unrestricted("test").get()
    assert document.original_name == "Final report.pdf"
    page = client_for(cast.french_ministry_editor).get(lesson.get_absolute_url()).content.decode()
    assert f"/knowledge/documents/{document.pk}/" in page

    download = client_for(cast.french_ministry_editor).get(f"/knowledge/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Final report.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_outsider_gets_404_for_the_download(cast):
    hidden = lesson_for(cast, kind="pilot", sharing_level="originator")
    document = attach(cast, hidden, "secret.docx", docx_bytes("Confidential pilot"))
    for outsider in (cast.french_ministry_editor, cast.iom_officer, cast.outsider):
        response = client_for(outsider).get(f"/knowledge/documents/{document.pk}/")
        assert response.status_code == 404
        assert b"Confidential pilot" not in response.content


def test_removing_a_document_removes_its_file_and_keeps_the_history(cast, lesson, upload_dir):
    document = attach(cast, lesson, "evaluation.pdf", pdf_bytes("x"))
    remove_attachment(document, acting_user=cast.german_ministry_editor)
    assert stored_files(upload_dir) == []
    from partnerhub.core.history import history_of

    assert [change.action for change in history_of(document)] == ["delete", "create"]
    assert "extracted_text" not in history_of(document)[0].changes


def test_a_misleading_docx_named_pdf_is_refused_on_the_page_with_the_message(cast, lesson, upload_dir):
    response = client_for(cast.german_ministry_editor).post(
        f"/knowledge/lessons/{lesson.pk}/documents/new/",
        {"file": SimpleUploadedFile("minutes.pdf", docx_bytes("x"), content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert "minutes.pdf is a Word document, not a PDF file" in response.content.decode()
    assert stored_files(upload_dir) == []
