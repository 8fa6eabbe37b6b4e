"""The demo's crises and focal points: labelled, built once, and the open crisis's page shows a lesson
from the closed one."""

import pytest

from partnerhub.knowledge.models import Crisis, FocalPoint, Lesson
from partnerhub.web.demo import build_demo
from partnerhub.web.demo.content import DEMO_EMAIL_DOMAIN
from partnerhub.web.demo.crises import CLOSED_CRISIS, OPEN_CRISIS
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def every(model):
    return (
        model.objects.unrestricted("the test reads the demo")
        if hasattr(model.objects, "unrestricted")
        else model.objects
    )


@pytest.mark.usefixtures("demo_built_once")
class TestDemoCrises:
    def test_one_open_and_one_closed_crisis_with_lessons_and_focal_points_all_labelled(self, demo_built_once):
        tally = demo_built_once.crises
        assert (tally.created("crises"), tally.created("lessons")) == (2, 2)
        open_crisis, closed = every(Crisis).get(title=OPEN_CRISIS), every(Crisis).get(title=CLOSED_CRISIS)
        assert open_crisis.is_open and not closed.is_open and open_crisis.is_demo and closed.is_demo
        assert all(lesson.title.startswith("[Demo] ") and lesson.is_demo for lesson in every(Lesson))
        people = list(FocalPoint.objects.all())
        assert len(people) == tally.created("focal points") >= 3
        assert all(p.name.startswith("[Demo] ") and p.email.endswith(DEMO_EMAIL_DOMAIN) for p in people)

    def test_the_open_crisis_page_shows_the_lessons_of_the_closed_one(self):
        from django.contrib.auth import get_user_model

        crisis = every(Crisis).get(title=OPEN_CRISIS)
        reader = get_user_model().objects.get(username="fr.mfa")
        page = client_for(reader).get(crisis.get_absolute_url()).content.decode()
        assert page.count("data-lesson=") == 2 and "[Demo] Claire Exemple" in page

    def test_loading_again_creates_nothing(self):
        again = build_demo().crises
        assert again.created("crises") == again.created("lessons") == again.created("focal points") == 0
