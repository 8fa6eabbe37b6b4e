"""The lessons API: the list with the page's filters, one lesson, changes through the services; hidden answers
404 whatever the body, a reader who may not change gets 403, a broken rule 422 naming the field; outcome
figures; documents uploaded as multipart, refused with 422 on ``file``, downloaded only by readers."""

import pytest
from django.test import Client

from partnerhub.access.models import ApiToken
from partnerhub.knowledge.models import Attachment, Lesson
from tests.knowledge.documents import docx_bytes, pdf_bytes
from tests.knowledge.factories import lesson_for, outcome_for
from tests.support.clients import error_locations, ids_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR / "attachments"


def test_the_list_is_paginated_and_filtered_as_the_page(cast, token_api, django_assert_max_num_queries):
    morocco = lesson_for(cast, title="Moroccan lesson", countries=("MAR",))
    tunisia = lesson_for(cast, title="Tunisian pilot", kind="pilot", countries=("TUN",), themes=("LEGAL-SKILLS",))
    lesson_for(cast, title="Hidden", sharing_level="originator")
    api = token_api(cast.french_ministry_editor)
    with django_assert_max_num_queries(12):
        response = api.get("/knowledge/lessons", {"page_size": 1})
    assert response.json()["count"] == 2 and response.json()["next"]
    assert ids_of(api.get("/knowledge/lessons", {"country": "TUN"})) == {tunisia.pk}
    assert ids_of(api.get("/knowledge/lessons", {"theme": "LEGAL"})) == {tunisia.pk}
    assert ids_of(api.get("/knowledge/lessons", {"kind": "lesson"})) == {morocco.pk}
    assert ids_of(api.get("/knowledge/lessons", {"text": "Moroccan"})) == {morocco.pk}
    wrong = api.get("/knowledge/lessons", {"country": "XXX"})
    assert wrong.status_code == 422 and error_locations(wrong) == [["query", "country"]]
    item = api.get(f"/knowledge/lessons/{tunisia.pk}").json()
    assert item["countries"] == ["TUN"] and item["themes"] == ["LEGAL-SKILLS"] and item["kind"] == "pilot"
    assert item["owner"] == cast.german_interior.name and item["who_should_act"] == "member_states"


def test_an_editor_records_changes_and_deletes_a_lesson(cast, token_api):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor)
    api = token_api(cast.german_ministry_editor)
    created = api.post(
        "/knowledge/lessons",
        {
            "kind": "evaluation",
            "title": "Mid-term evaluation",
            "dated": "2025-02-03",
            "countries": ["mar", "TUN"],
            "themes": ["RETURN"],
            "engagement_ids": [engagement.pk],
            "impact": "high",
            "who_should_act": "eu_delegations",
            "sharing_level": "restricted",
            "shared_with_countries": ["FRA"],
        },
    )
    assert created.status_code == 201, created.content
    lesson = created.json()
    assert lesson["countries"] == ["MAR", "TUN"] and lesson["engagement_ids"] == [engagement.pk]
    changed = api.patch(f"/knowledge/lessons/{lesson['id']}", {"impact": "low", "what_to_change": "More staff"})
    assert changed.status_code == 200 and changed.json()["impact"] == "low"
    assert changed.json()["title"] == "Mid-term evaluation"
    figure = api.post(f"/knowledge/lessons/{lesson['id']}/outcomes", {"label": "Jobs found", "value": "120"})
    assert figure.status_code == 201 and figure.json()["value"] == "120.00"
    assert api.patch(f"/knowledge/outcomes/{figure.json()['id']}", {"target": "150"}).json()["target"] == "150.00"
    assert len(api.get(f"/knowledge/lessons/{lesson['id']}/outcomes").json()) == 1
    assert api.delete(f"/knowledge/outcomes/{figure.json()['id']}").status_code == 204
    assert api.delete(f"/knowledge/lessons/{lesson['id']}").status_code == 204
    assert not Lesson.objects.unrestricted("test").exists()


def test_broken_rules_answer_422_naming_the_field(cast, token_api):
    api = token_api(cast.german_ministry_editor)
    response = api.post("/knowledge/lessons", {"title": "x", "dated": "2025-01-01", "countries": ["ZZZ"]})
    assert response.status_code == 422 and error_locations(response) == [["body", "countries"]]
    response = api.post("/knowledge/lessons", {"title": "x", "dated": "2025-01-01", "impact": "huge"})
    assert response.status_code == 422 and ["body", "impact"] in error_locations(response)
    response = api.post(
        "/knowledge/lessons",
        {"title": "x", "dated": "2025-01-01", "sharing_level": "restricted", "shared_with_countries": ["MAR"]},
    )
    assert response.status_code == 422 and error_locations(response) == [["body", "shared_with_countries"]]
    lesson = lesson_for(cast)
    refused = api.post(f"/knowledge/lessons/{lesson.pk}/outcomes", {"label": "Jobs", "value": "3"})
    assert refused.status_code == 422 and error_locations(refused) == [["body", "lesson"]]
    assert api.patch(f"/knowledge/lessons/{lesson.pk}", raw="{not json").status_code == 400


def test_hidden_answers_404_and_a_reader_who_may_not_change_403(cast, token_api):
    hidden = lesson_for(cast, sharing_level="originator")
    shared = lesson_for(cast, sharing_level="eu")
    french = token_api(cast.french_ministry_editor)
    assert french.get(f"/knowledge/lessons/{hidden.pk}").status_code == 404
    assert french.patch(f"/knowledge/lessons/{hidden.pk}", {"impact": 3}).status_code == 404
    assert french.delete(f"/knowledge/lessons/{hidden.pk}").status_code == 404
    assert french.get(f"/knowledge/lessons/{shared.pk}").status_code == 200
    assert french.patch(f"/knowledge/lessons/{shared.pk}", {"impact": "low"}).status_code == 403
    assert french.delete(f"/knowledge/lessons/{shared.pk}").status_code == 403
    assert (
        french.post(
            "/knowledge/lessons", {"title": "x", "dated": "2025-01-01", "owner_id": cast.german_interior.pk}
        ).status_code
        == 403
    )
    assert token_api(cast.iom_officer).get(f"/knowledge/lessons/{hidden.pk}").status_code == 404


def upload(user, lesson_id: int, name: str, content: bytes):
    _token, raw = ApiToken.issue(user, "tests")
    from django.core.files.uploadedfile import SimpleUploadedFile

    return Client().post(
        f"/api/knowledge/lessons/{lesson_id}/attachments",
        {"file": SimpleUploadedFile(name, content)},
        headers={"Authorization": f"Bearer {raw}"},
    )


def test_documents_are_uploaded_listed_downloaded_and_removed(cast, token_api, upload_dir):
    lesson = lesson_for(cast, kind="pilot")
    content = docx_bytes("Pilot in Kairouan")
    response = upload(cast.german_ministry_editor, lesson.pk, "pilot.docx", content)
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["content_kind"] == "docx" and document["file_name"] == "pilot.docx"
    reader = token_api(cast.french_ministry_editor)
    assert [d["id"] for d in reader.get(f"/knowledge/lessons/{lesson.pk}/attachments").json()] == [document["id"]]
    download = reader.get(f"/knowledge/attachments/{document['id']}/download")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert reader.delete(f"/knowledge/attachments/{document['id']}").status_code == 403
    editor = token_api(cast.german_ministry_editor)
    assert editor.delete(f"/knowledge/attachments/{document['id']}").status_code == 204
    assert list(upload_dir.iterdir()) == []


def test_a_refused_document_answers_422_on_file_and_nothing_is_stored(cast, upload_dir):
    lesson = lesson_for(cast)
    response = upload(cast.german_ministry_editor, lesson.pk, "report.docx", pdf_bytes("x"))
    assert response.status_code == 422
    assert error_locations(response) == [["body", "file"]]
    assert "report.docx is a PDF file, not a Word document" in response.json()["detail"][0]["msg"]
    assert not Attachment.objects.unrestricted("test").exists()
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_uploads_and_downloads_of_hidden_lessons_answer_404(cast, token_api):
    hidden = lesson_for(cast, sharing_level="originator")
    outcome_for_hidden = lesson_for(cast, kind="evaluation", sharing_level="originator")
    figure = outcome_for(cast, outcome_for_hidden)
    assert upload(cast.iom_officer, hidden.pk, "a.pdf", pdf_bytes("x")).status_code == 404
    api = token_api(cast.iom_officer)
    assert api.get(f"/knowledge/outcomes/{figure.pk}").status_code == 404
    assert api.get(f"/knowledge/lessons/{hidden.pk}/attachments").status_code == 404
