"""Two people report on the same action at once: the second save is refused (409), nothing is overwritten."""

import pytest
from django.urls import reverse

from partnerhub.access.models import Role
from partnerhub.plans.models import Action
from tests.plans.factories import action_for, plan_for
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(cast):
    return action_for(cast, plan_for(cast), lead=cast.french_foreign_affairs)


@pytest.fixture
def french_colleague(cast):
    user = make_user("claire.martin", cast.french_foreign_affairs, Role.EDITOR)
    user.first_name, user.last_name = "Claire", "Martin"
    user.save()
    return user


def stored(action) -> Action:
    return Action.objects.unrestricted("test").get(pk=action.pk)


def progress(version, **fields) -> dict:
    return {"status": "ongoing", "rag_comment": "", "version": version, **fields}


def test_the_second_report_on_the_same_version_is_refused_and_the_first_stays(cast, action, french_colleague):
    url = reverse("plans:action_update", args=[action.pk])
    first_browser, second_browser = client_for(french_colleague), client_for(cast.french_ministry_editor)
    shown = first_browser.get(url).content.decode()
    assert f'name="version" value="{action.version}"' in shown
    second_browser.get(url)

    first = first_browser.post(url, progress(action.version, status="done", rag_comment="Delivered in May"))
    second = second_browser.post(url, progress(action.version, rag_comment="Still under way"))

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Claire Martin changed this record on" in page
    assert f'name="version" value="{action.version + 1}"' in page, "saving again is a deliberate choice"
    assert (stored(action).status, stored(action).rag_comment) == ("done", "Delivered in May")


def test_saving_again_after_the_warning_goes_through(cast, action, french_colleague):
    url = reverse("plans:action_update", args=[action.pk])
    client_for(french_colleague).post(url, progress(action.version, rag_comment="Delivered in May"))

    again = client_for(cast.french_ministry_editor).post(url, progress(action.version + 1, rag_comment="Late"))

    assert again.status_code == 302
    assert stored(action).rag_comment == "Late"
    assert stored(action).version == action.version + 2


def test_a_report_without_the_version_is_an_error_and_changes_nothing(cast, action):
    url = reverse("plans:action_update", args=[action.pk])

    response = client_for(cast.french_ministry_editor).post(url, {"status": "done", "rag_comment": "No version"})

    assert response.status_code == 200
    assert "does not say which version of the action" in response.content.decode()
    assert stored(action).status == "ongoing"


def test_saving_the_form_unchanged_keeps_the_version(cast, action):
    url = reverse("plans:action_update", args=[action.pk])

    response = client_for(cast.french_ministry_editor).post(url, progress(action.version))

    assert response.status_code == 302
    assert stored(action).version == action.version


def test_over_the_api_a_change_based_on_an_older_version_answers_409(cast, action, french_colleague, token_api):
    path = f"/actions/{action.pk}"
    read = token_api(cast.french_ministry_editor).get(path).json()["version"]
    token_api(french_colleague).patch(path, {"rag_comment": "Delivered in May", "version": read})

    refused = token_api(cast.french_ministry_editor).patch(path, {"rag_comment": "Late", "version": read})

    assert refused.status_code == 409, refused.content
    assert refused.json()["changed_by"] == "Claire Martin"
    assert refused.json()["current_version"] == read + 1
    assert stored(action).rag_comment == "Delivered in May"
