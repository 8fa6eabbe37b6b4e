"""The demo's lessons: labelled as demo content, built once however often the demo loads, an evaluation and a
pilot with outcome figures, and a Word document generated at load time whose text the search can read."""

import pytest

from partnerhub.knowledge.models import Attachment, Lesson, OutcomeFigure
from partnerhub.web.demo import build_demo
from partnerhub.web.demo.lessons import ILLUSTRATIVE, LESSONS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR / "attachments"


def test_the_demo_lessons_are_labelled_built_once_and_evidenced(upload_dir):
    build_demo()
    build_demo()
    every_lesson = Lesson.objects.unrestricted("test").all()
    assert all(lesson.is_demo and lesson.title.startswith("[Demo] ") for lesson in every_lesson)
    # The crises' demo adds the lessons learnt in its closed crisis (tests/knowledge/crises/test_crisis_demo.py).
    lessons = every_lesson.filter(crisis__isnull=True)
    assert lessons.count() == len(LESSONS)
    assert all(ILLUSTRATIVE in lesson.conditions for lesson in lessons)
    assert {lesson.kind for lesson in lessons} == {"lesson", "evaluation", "pilot"}
    countries = {c.iso3 for lesson in lessons for c in lesson.countries.all()}
    assert {"MAR", "TUN", "NER"} <= countries
    figures = OutcomeFigure.objects.unrestricted("test").select_related("lesson")
    assert {figure.lesson.kind for figure in figures} == {"evaluation", "pilot"}
    assert all("Invented" in figure.note for figure in figures)
    [document] = Attachment.objects.unrestricted("test").all()
    assert document.content_kind == "docx" and "mobile information points" in document.extracted_text
    assert [path.name for path in upload_dir.iterdir()] == [document.stored_name]
