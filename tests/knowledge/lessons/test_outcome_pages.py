"""An evaluation's outcome figures on their pages: recorded, corrected and deleted by the lesson's editors,
not found by an outsider; a lesson deleted from its confirmation page."""

import pytest
from django.urls import reverse

from partnerhub.knowledge.models import Lesson, OutcomeFigure
from tests.knowledge.factories import lesson_for, outcome_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def figures_of(lesson) -> list[tuple[str, str]]:
    return [(figure.label, str(figure.value)) for figure in lesson.outcomes.order_by("pk")]


def test_the_editor_records_corrects_and_deletes_an_outcome_figure(cast):
    evaluation = lesson_for(cast, kind="evaluation")
    editor = client_for(cast.german_ministry_editor)
    assert editor.get(reverse("knowledge:outcome_create", args=[evaluation.pk])).status_code == 200
    answer = editor.post(
        reverse("knowledge:outcome_create", args=[evaluation.pk]),
        {"label": "Returnees in work after a year", "value": "37", "unit": "%"},
    )
    assert answer.status_code == 302
    assert figures_of(evaluation) == [("Returnees in work after a year", "37.00")]
    figure = evaluation.outcomes.get()
    assert editor.get(reverse("knowledge:outcome_update", args=[figure.pk])).status_code == 200
    editor.post(
        reverse("knowledge:outcome_update", args=[figure.pk]), {"label": figure.label, "value": "39", "unit": "%"}
    )
    assert figures_of(evaluation) == [("Returnees in work after a year", "39.00")]
    assert editor.get(reverse("knowledge:outcome_delete", args=[figure.pk])).status_code == 200
    assert editor.post(reverse("knowledge:outcome_delete", args=[figure.pk])).status_code == 302
    assert figures_of(evaluation) == []


def test_an_outsider_does_not_find_the_figures_of_a_lesson_kept_by_its_ministry(cast):
    evaluation = lesson_for(cast, kind="evaluation")
    figure = outcome_for(cast, evaluation)
    outsider = client_for(cast.iom_officer)
    evaluation.sharing_level = "originator"
    evaluation.save()
    for name in ("knowledge:outcome_update", "knowledge:outcome_delete"):
        assert outsider.get(reverse(name, args=[figure.pk])).status_code == 404
    assert (
        outsider.post(
            reverse("knowledge:outcome_create", args=[evaluation.pk]), {"label": "x", "value": "1"}
        ).status_code
        == 404
    )
    assert OutcomeFigure.objects.unrestricted("test").filter(pk=figure.pk).exists()
    assert Lesson.objects.unrestricted("test").filter(pk=evaluation.pk).exists()


def test_the_editor_deletes_a_lesson_from_its_confirmation_page(cast):
    lesson = lesson_for(cast)
    editor = client_for(cast.german_ministry_editor)
    assert editor.get(reverse("knowledge:lesson_delete", args=[lesson.pk])).status_code == 200
    assert editor.post(reverse("knowledge:lesson_delete", args=[lesson.pk])).status_code == 302
    assert not Lesson.objects.unrestricted("test").filter(pk=lesson.pk).exists()
