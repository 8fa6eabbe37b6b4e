"""The rules of the lesson pages seen from each reader: the German ministry's editor changes its lesson, its
figures and documents; the French ministry's editor reads them but changes nothing (403); IOM and an outsider
do not find a lesson kept to its ministry (404) and change nothing by posting. Bad input is said next to its
field and nothing is written."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerhub.core.history import history_of
from partnerhub.knowledge.lesson_services import add_attachment
from partnerhub.knowledge.models import Attachment, Lesson, OutcomeFigure
from tests.knowledge.documents import pdf_bytes
from tests.knowledge.factories import lesson_for, outcome_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR / "attachments"


def stored_files(directory) -> list:
    return sorted(directory.iterdir()) if directory.exists() else []


def lesson_form(lesson: Lesson, **changes) -> dict:
    """What the edit form posts back for ``lesson``, with ``changes``."""
    return {
        "kind": lesson.kind,
        "title": lesson.title,
        "dated": lesson.dated.isoformat(),
        "countries": list(lesson.countries.values_list("pk", flat=True)),
        "impact": lesson.impact,
        "who_should_act": lesson.who_should_act,
        "sharing_level": lesson.sharing_level,
        "tried": lesson.tried,
        "version": lesson.version,
        **changes,
    }


def unchanged(lesson: Lesson) -> bool:
    again = Lesson.objects.unrestricted("test").get(pk=lesson.pk)
    return (again.title, again.kind, again.updated_at) == (lesson.title, lesson.kind, lesson.updated_at)


def test_the_editor_corrects_a_lesson_through_its_edit_page(cast):
    lesson = lesson_for(cast, title="Counselling before return")
    editor = client_for(cast.german_ministry_editor)
    page = editor.get(reverse("knowledge:lesson_update", args=[lesson.pk]))
    assert page.status_code == 200 and "Counselling before return" in page.content.decode()
    answer = editor.post(
        reverse("knowledge:lesson_update", args=[lesson.pk]),
        lesson_form(lesson, title="Counselling three months before return"),
    )
    assert answer.status_code == 302 and answer["Location"] == lesson.get_absolute_url()
    assert Lesson.objects.unrestricted("test").get(pk=lesson.pk).title == "Counselling three months before return"
    assert [change.action for change in history_of(lesson)] == ["update", "create"]


def test_an_edit_without_a_title_is_refused_next_to_the_field(cast):
    lesson = lesson_for(cast)
    answer = client_for(cast.german_ministry_editor).post(
        reverse("knowledge:lesson_update", args=[lesson.pk]), lesson_form(lesson, title="")
    )
    assert answer.status_code == 200
    assert "This field is required." in answer.content.decode()
    assert unchanged(lesson)


def test_an_evaluation_with_figures_does_not_become_a_lesson_learnt_and_the_page_says_why(cast):
    evaluation = lesson_for(cast, kind="evaluation")
    outcome_for(cast, evaluation)
    answer = client_for(cast.german_ministry_editor).post(
        reverse("knowledge:lesson_update", args=[evaluation.pk]), lesson_form(evaluation, kind="lesson")
    )
    assert answer.status_code == 200
    assert "This record has outcome figures: remove them before making it a lesson learnt." in answer.content.decode()
    assert unchanged(evaluation)


def test_a_reader_of_another_ministry_may_read_but_changes_nothing(cast, upload_dir):
    evaluation = lesson_for(cast, kind="evaluation")
    figure = outcome_for(cast, evaluation)
    document = add_attachment(evaluation, "report.pdf", pdf_bytes("x"), acting_user=cast.german_ministry_editor)
    reader = client_for(cast.french_ministry_editor)
    assert reader.get(evaluation.get_absolute_url()).status_code == 200
    posts = {
        reverse("knowledge:lesson_update", args=[evaluation.pk]): lesson_form(evaluation, title="Taken over"),
        reverse("knowledge:lesson_delete", args=[evaluation.pk]): {},
        reverse("knowledge:outcome_create", args=[evaluation.pk]): {"label": "Forged", "value": "1"},
        reverse("knowledge:outcome_update", args=[figure.pk]): {"label": "Forged", "value": "1"},
        reverse("knowledge:outcome_delete", args=[figure.pk]): {},
        reverse("knowledge:attachment_create", args=[evaluation.pk]): {
            "file": SimpleUploadedFile("other.pdf", pdf_bytes("other"))
        },
        reverse("knowledge:attachment_delete", args=[document.pk]): {},
    }
    for address, data in posts.items():
        assert reader.get(address).status_code == 403, address
        assert reader.post(address, data).status_code == 403, address
    assert unchanged(evaluation)
    assert list(OutcomeFigure.objects.unrestricted("test").values_list("label", flat=True)) == [figure.label]
    assert list(Attachment.objects.unrestricted("test").values_list("pk", flat=True)) == [document.pk]
    assert [path.name for path in stored_files(upload_dir)] == [document.stored_name]


def test_an_outsider_does_not_find_a_lesson_kept_to_its_ministry_and_changes_nothing(cast, upload_dir):
    hidden = lesson_for(cast, kind="pilot", title="Internal pilot review", sharing_level="originator")
    figure = outcome_for(cast, hidden)
    document = add_attachment(hidden, "review.pdf", pdf_bytes("x"), acting_user=cast.german_ministry_editor)
    addresses = [
        reverse("knowledge:lesson_detail", args=[hidden.pk]),
        reverse("knowledge:lesson_update", args=[hidden.pk]),
        reverse("knowledge:lesson_delete", args=[hidden.pk]),
        reverse("knowledge:outcome_create", args=[hidden.pk]),
        reverse("knowledge:outcome_update", args=[figure.pk]),
        reverse("knowledge:outcome_delete", args=[figure.pk]),
        reverse("knowledge:attachment_create", args=[hidden.pk]),
        reverse("knowledge:attachment_download", args=[document.pk]),
        reverse("knowledge:attachment_delete", args=[document.pk]),
    ]
    for outsider in (cast.french_ministry_editor, cast.iom_officer, cast.outsider):
        client = client_for(outsider)
        for address in addresses:
            answer = client.get(address)
            assert answer.status_code == 404, (outsider, address)
            assert b"Internal pilot review" not in answer.content
            assert client.post(address, {"title": "x", "label": "x", "value": "1"}).status_code in (404, 405)
    assert unchanged(hidden)
    assert OutcomeFigure.objects.unrestricted("test").count() == 1
    assert [path.name for path in stored_files(upload_dir)] == [document.stored_name]


def test_a_bad_figure_is_refused_on_the_page_and_nothing_stored(cast):
    evaluation = lesson_for(cast, kind="evaluation")
    editor = client_for(cast.german_ministry_editor)
    answer = editor.post(
        reverse("knowledge:outcome_create", args=[evaluation.pk]), {"label": "Returnees in work", "value": "1e400"}
    )
    assert answer.status_code == 200
    assert list(answer.context["form"].errors) == ["value"]
    assert "digits" in answer.content.decode()
    assert not OutcomeFigure.objects.unrestricted("test").exists()


def test_a_lesson_learnt_takes_no_outcome_figures_and_the_page_says_so(cast):
    lesson = lesson_for(cast, kind="lesson")
    answer = client_for(cast.german_ministry_editor).post(
        reverse("knowledge:outcome_create", args=[lesson.pk]), {"label": "Returnees in work", "value": "12"}
    )
    assert answer.status_code == 200
    assert "Outcome figures are recorded for evaluations and pilot results only" in answer.content.decode()
    assert not OutcomeFigure.objects.unrestricted("test").exists()


def test_the_editor_removes_a_document_from_its_confirmation_page(cast, upload_dir):
    evaluation = lesson_for(cast, kind="evaluation")
    editor = client_for(cast.german_ministry_editor)
    assert editor.get(reverse("knowledge:attachment_create", args=[evaluation.pk])).status_code == 200
    document = add_attachment(evaluation, "report.pdf", pdf_bytes("x"), acting_user=cast.german_ministry_editor)
    confirmation = editor.get(reverse("knowledge:attachment_delete", args=[document.pk]))
    assert "Remove the document “report.pdf” from the lesson?" in confirmation.content.decode()
    answer = editor.post(reverse("knowledge:attachment_delete", args=[document.pk]))
    assert answer.status_code == 302 and answer["Location"] == evaluation.get_absolute_url()
    assert not Attachment.objects.unrestricted("test").exists()
    assert stored_files(upload_dir) == []


def test_a_document_whose_file_went_missing_answers_404_with_the_reason(cast, upload_dir):
    evaluation = lesson_for(cast, kind="evaluation")
    document = add_attachment(evaluation, "report.pdf", pdf_bytes("x"), acting_user=cast.german_ministry_editor)
    (upload_dir / document.stored_name).unlink()
    answer = client_for(cast.french_ministry_editor).get(reverse("knowledge:attachment_download", args=[document.pk]))
    assert answer.status_code == 404


def test_an_unknown_export_format_is_not_found(cast):
    lesson_for(cast)
    assert client_for(cast.french_ministry_editor).get("/knowledge/lessons.exe").status_code == 404


def test_a_crisis_the_editor_may_not_see_cannot_be_linked(cast):
    from tests.knowledge.crisis_factories import hidden_crisis

    secret = hidden_crisis(cast, secret="Unannounced flood response")
    answer = client_for(cast.german_ministry_editor).post(
        "/knowledge/lessons/new/",
        {
            "owner": cast.german_interior.pk,
            "kind": "lesson",
            "title": "Linked to a hidden crisis",
            "dated": date(2025, 5, 2).isoformat(),
            "impact": "medium",
            "sharing_level": "eu",
            "crisis": secret.pk,
        },
    )
    assert answer.status_code == 200
    assert "Unannounced flood response" not in answer.content.decode()
    assert not Lesson.objects.unrestricted("test").filter(title="Linked to a hidden crisis").exists()
