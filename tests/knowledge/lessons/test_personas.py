"""Who reads and who changes a lesson: a German ministry editor writes a lesson restricted to France; the
French ministry reads it, IOM gets 404, a viewer of the owner gets 403 on every change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerhub.access.models import Role
from partnerhub.geo.models import Country
from partnerhub.knowledge.lesson_services import add_outcome, update_lesson
from partnerhub.knowledge.models import Lesson, OutcomeFigure
from tests.knowledge.factories import lesson_for, outcome_for
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def for_france(cast):
    return lesson_for(
        cast,
        title="Pre-departure orientation halves drop-outs",
        sharing_level="restricted",
        shared_with_countries=[Country.objects.get(iso3="FRA")],
    )


def test_the_french_ministry_reads_a_lesson_restricted_to_france(cast, for_france):
    page = client_for(cast.french_ministry_editor).get(for_france.get_absolute_url())
    assert page.status_code == 200
    assert "Pre-departure orientation halves drop-outs" in page.content.decode()
    # The French embassy belongs to the French government as well.
    assert client_for(cast.french_embassy_viewer).get(for_france.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", ["iom_officer", "commission_desk_officer", "moroccan_ministry_user", "outsider"])
def test_anyone_outside_the_circle_gets_404(cast, for_france, persona):
    client = client_for(getattr(cast, persona))
    for url in (for_france.get_absolute_url(), f"/knowledge/lessons/{for_france.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Pre-departure" not in response.content.decode()
    assert not Lesson.objects.visible_to(getattr(cast, persona)).filter(pk=for_france.pk).exists()


def test_a_reader_who_may_not_change_it_gets_403_and_the_service_refuses(cast, for_france):
    viewer = make_user("bmi.viewer", cast.german_interior, Role.VIEWER)
    client = client_for(viewer)
    assert client.get(for_france.get_absolute_url()).status_code == 200
    for url in (
        f"/knowledge/lessons/{for_france.pk}/edit/",
        f"/knowledge/lessons/{for_france.pk}/delete/",
        f"/knowledge/lessons/{for_france.pk}/documents/new/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    # The French ministry reads it too, but it is not theirs to change.
    assert client_for(cast.french_ministry_editor).post(f"/knowledge/lessons/{for_france.pk}/edit/").status_code == 403
    with pytest.raises(PermissionDenied):
        update_lesson(for_france, {"impact": "low"}, acting_user=cast.french_ministry_editor)
    assert Lesson.objects.unrestricted("test").get(pk=for_france.pk).impact == "high"


def test_outcome_figures_are_only_for_evaluations_and_pilot_results(cast):
    lesson = lesson_for(cast, kind="lesson")
    with pytest.raises(ValidationError) as refused:
        add_outcome(lesson, {"label": "Returnees employed", "value": "42"}, acting_user=cast.german_ministry_editor)
    assert "evaluations and pilot results only" in str(refused.value.message_dict["lesson"])
    assert not OutcomeFigure.objects.unrestricted("test").filter(lesson=lesson).exists()
    evaluation = lesson_for(cast, kind="evaluation")
    pilot = lesson_for(cast, kind="pilot")
    assert outcome_for(cast, evaluation).value == 42
    assert outcome_for(cast, pilot, value="7.5").value == pytest.approx(7.5)
    # An evaluation with figures cannot quietly become a lesson learnt.
    with pytest.raises(ValidationError) as refused:
        update_lesson(evaluation, {"kind": "lesson"}, acting_user=cast.german_ministry_editor)
    assert "kind" in refused.value.message_dict


def test_the_outcome_form_is_not_offered_on_a_lesson_learnt(cast):
    lesson = lesson_for(cast, kind="lesson")
    client = client_for(cast.german_ministry_editor)
    assert f"/knowledge/lessons/{lesson.pk}/outcomes/new/" not in client.get(lesson.get_absolute_url()).content.decode()
    response = client.post(f"/knowledge/lessons/{lesson.pk}/outcomes/new/", {"label": "x", "value": "1"})
    assert response.status_code == 200
    assert "evaluations and pilot results only" in response.content.decode()
