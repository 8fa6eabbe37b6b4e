"""Two editors change the same engagement: the second save is refused, nothing is overwritten.

Optimistic locking (``core.concurrency``): the edit page carries the version the
editor read; a save based on an older version answers 409 and writes nothing.
"""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.access.models import Role
from partnerhub.core.concurrency import EditConflict
from partnerhub.core.models import ObjectChange
from partnerhub.registry.models import Engagement
from partnerhub.registry.services import input_from_engagement, update_engagement
from tests.registry.test_edit import resubmission_of
from tests.support.clients import logged_in
from tests.support.personas import build_cast, make_user

# No module-wide django_db mark: the racing test commits for real, and its fixtures must run
# in the order it names them (the reference data loaded again after its database is emptied).
# Every other test reaches the database through the cast.


@pytest.fixture
def record(cast):
    return cast.engagement(
        cast.german_interior, cast.german_ministry_editor, title="Border management training", sharing_level="eu"
    )


@pytest.fixture
def colleague(cast):
    """A second editor of the German ministry, working on the same records."""
    user = make_user("karin.vogel", cast.german_interior, Role.EDITOR)
    user.first_name, user.last_name = "Karin", "Vogel"
    user.save()
    return user


def fresh(record) -> Engagement:
    return Engagement.objects.unrestricted("test").get(pk=record.pk)


def open_edit_page(user, record):
    """A browser of ``user`` with the edit page open: (browser, url, the form as shown)."""
    browser = logged_in(Client(), user)
    url = reverse("registry:engagement_update", args=[record.pk])
    page = browser.get(url)
    assert page.status_code == 200
    return browser, url, page.context["editor"]


def test_second_editor_to_save_is_refused_and_the_first_change_stays(cast, record, colleague):
    anna_browser, url, anna_form = open_edit_page(cast.german_ministry_editor, record)
    karin_browser, _url, karin_form = open_edit_page(colleague, record)
    changes_before = ObjectChange.objects.count()

    first = anna_browser.post(url, resubmission_of(anna_form, title="Border management training, phase 2"))
    second = karin_browser.post(url, resubmission_of(karin_form, description="Karin's new description"))

    assert first.status_code == 302
    assert second.status_code == 409
    saved = fresh(record)
    assert saved.title == "Border management training, phase 2"
    assert saved.description != "Karin's new description"
    assert saved.version == record.version + 1
    assert ObjectChange.objects.count() == changes_before + 1, "the refused save wrote no history"


def test_refused_editor_is_told_who_changed_what_and_keeps_their_input(cast, record, colleague):
    anna_browser, url, anna_form = open_edit_page(cast.german_ministry_editor, record)
    karin_browser, _url, karin_form = open_edit_page(colleague, record)
    karin_browser.post(url, resubmission_of(karin_form, title="Renamed by Karin"))

    refused = anna_browser.post(url, resubmission_of(anna_form, description="Anna's description"))

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Someone else changed this engagement" in html
    assert "Karin Vogel changed this record on" in html
    assert refused.context["conflict_fields"] == ["title"]
    assert "Anna&#x27;s description" in html or "Anna's description" in html, "her input is still in the form"
    assert f'name="version" value="{record.version + 1}"' in html, "saving again is based on Karin's version"


def test_saving_again_after_reading_the_warning_is_a_deliberate_overwrite(cast, record, colleague):
    anna_browser, url, anna_form = open_edit_page(cast.german_ministry_editor, record)
    karin_browser, _url, karin_form = open_edit_page(colleague, record)
    karin_browser.post(url, resubmission_of(karin_form, title="Renamed by Karin"))
    refused = anna_browser.post(url, resubmission_of(anna_form, description="Anna's description"))

    again = anna_browser.post(
        url, resubmission_of(refused.context["editor"], version=str(refused.context["form_version"]))
    )

    assert again.status_code == 302
    saved = fresh(record)
    assert saved.description == "Anna's description"
    assert saved.title == "Border management training", "Anna's form held the old title: she chose to keep it"


def test_a_form_without_the_version_is_an_error_and_saves_nothing(cast, record):
    browser, url, form = open_edit_page(cast.german_ministry_editor, record)
    data = resubmission_of(form, title="Sent by an old page")
    data.pop("version")

    response = browser.post(url, data)

    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    assert fresh(record).title == "Border management training"


def test_saving_the_page_unchanged_keeps_the_version(cast, record):
    browser, url, form = open_edit_page(cast.german_ministry_editor, record)

    assert browser.post(url, resubmission_of(form)).status_code == 302

    assert fresh(record).version == record.version


def test_a_reimport_moves_the_version_so_an_editor_who_opened_it_before_is_refused(cast, record):
    browser, url, form = open_edit_page(cast.german_ministry_editor, record)
    data = input_from_engagement(record)
    data.fields["status"] = "completed"
    # How the spreadsheet re-import calls the service: no version, a deliberate overwrite by the owner.
    update_engagement(record, data, acting_user=cast.german_ministry_editor)

    refused = browser.post(url, resubmission_of(form, title="Edited in a stale page"))

    assert refused.status_code == 409
    assert fresh(record).status == "completed"
    assert fresh(record).title == "Border management training"


def test_a_deleted_record_cannot_be_saved_over(cast, record):
    stale = Engagement.objects.unrestricted("test").get(pk=record.pk)
    Engagement.objects.unrestricted("test").filter(pk=record.pk).update(version=99)
    Engagement.objects.unrestricted("test").filter(pk=record.pk).delete()

    with pytest.raises(EditConflict) as refused:
        update_engagement(stale, input_from_engagement(record), acting_user=cast.german_ministry_editor, read_version=1)

    assert refused.value.current_version is None
    assert "deleted" in refused.value.message


# -- the rule in general ---------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reads=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=6))
def test_only_a_save_based_on_the_current_version_succeeds(cast, reads):
    """Each step, an editor saves a change based on the version read ``lag`` steps ago:
    it succeeds exactly when nobody saved in between."""
    record = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Start")
    versions_seen = [record.version]
    for step, lag in enumerate(reads):
        read_version = versions_seen[max(0, len(versions_seen) - 1 - lag)]
        data = input_from_engagement(fresh(record))
        data.fields["title"] = f"Step {step}"
        expected_to_win = read_version == fresh(record).version
        try:
            update_engagement(record, data, acting_user=cast.german_ministry_editor, read_version=read_version)
            won = True
        except EditConflict:
            won = False
        assert won == expected_to_win
        if won:
            versions_seen.append(fresh(record).version)
    winners = len(versions_seen) - 1
    assert fresh(record).version == record.version + winners


# -- two saves racing on PostgreSQL --------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test database is one connection")
def test_two_racing_saves_of_the_same_version_never_both_succeed(reference_data_again_after, transactional_db):
    cast = build_cast()
    colleague = make_user("karin.vogel", cast.german_interior, Role.EDITOR)
    for round_number in range(10):
        record = cast.engagement(cast.german_interior, cast.german_ministry_editor, title=f"Round {round_number}")
        outcomes = race_two_saves(record, [cast.german_ministry_editor, colleague])
        assert sorted(outcomes) == ["conflict", "saved"], outcomes
        assert fresh(record).version == record.version + 1
        editors = (cast.german_ministry_editor, colleague)
        assert fresh(record).title in {f"{editor.username} round {round_number}" for editor in editors}


def race_two_saves(record, editors) -> list[str]:
    start = threading.Barrier(len(editors))
    outcomes: list[str] = []

    def save(editor) -> None:
        data = input_from_engagement(record)
        data.fields["title"] = f"{editor.username} round {record.title.split()[-1]}"
        start.wait()
        try:
            update_engagement(record, data, acting_user=editor, read_version=record.version)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=save, args=(editor,)) for editor in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
