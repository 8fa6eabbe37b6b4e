"""Lessons in the one search: found by the words of their attached documents as soon as a document is
attached, no longer once it is removed, and only by readers who may read the lesson — also after the
index is rebuilt from the records."""

import pytest

from partnerhub.knowledge.lesson_services import add_attachment, remove_attachment
from partnerhub.search.indexer import rebuild
from partnerhub.search.services import SearchRequest, search
from tests.knowledge.documents import docx_bytes, pdf_bytes
from tests.knowledge.factories import lesson_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


def titles_found(user, text: str, kinds=()) -> list[str]:
    return [hit.title for hit in search(user, SearchRequest(text=text, kinds=kinds)).hits]


def test_a_lesson_is_found_by_the_words_of_its_pdf_until_the_document_is_removed(cast):
    lesson = lesson_for(cast, title="Shelter capacity in Oujda", sharing_level="restricted")
    lesson.shared_with_organisations.add(cast.french_foreign_affairs)
    assert titles_found(cast.french_ministry_editor, "quarantine") == []
    document = add_attachment(
        lesson,
        "evaluation.pdf",
        pdf_bytes("Quarantine rooms were set up within a week"),
        acting_user=cast.german_ministry_editor,
    )
    assert titles_found(cast.french_ministry_editor, "quarantine", kinds=("lesson",)) == ["Shelter capacity in Oujda"]
    assert titles_found(cast.iom_officer, "quarantine") == []
    assert titles_found(cast.outsider, "quarantine") == []
    remove_attachment(document, acting_user=cast.german_ministry_editor)
    assert titles_found(cast.french_ministry_editor, "quarantine") == []


def test_the_rebuilt_index_reads_the_documents_text_too(cast):
    lesson = lesson_for(cast, title="Border crossing data")
    add_attachment(
        lesson,
        "findings.docx",
        docx_bytes("Les rapatriements ont été suivis", table_text="Crossings counted by hand"),
        acting_user=cast.german_ministry_editor,
    )
    rebuild()
    # French stems: "rapatrié" finds "rapatriements"; the table's text is read as well.
    assert titles_found(cast.commission_desk_officer, "rapatrié") == ["Border crossing data"]
    assert titles_found(cast.commission_desk_officer, "counted") == ["Border crossing data"]
