"""The lesson services: whole-record validation naming the field, history, engagement links kept when hidden
from the editor, deletion with figures and documents."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from partnerhub.access.models import Membership, Role
from partnerhub.core.history import history_of
from partnerhub.core.models import Event
from partnerhub.geo.models import Country
from partnerhub.knowledge import attachments
from partnerhub.knowledge.lesson_services import add_attachment, create_lesson, delete_lesson, update_lesson
from partnerhub.knowledge.models import Attachment, Lesson, OutcomeFigure
from tests.knowledge.documents import pdf_bytes
from tests.knowledge.factories import lesson_for, outcome_for
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


def test_bad_input_is_refused_naming_each_field(cast):
    with pytest.raises(ValidationError) as refused:
        create_lesson(
            owner=cast.german_interior,
            fields={
                "kind": "anecdote",
                "title": "  ",
                "impact": "huge",
                "who_should_act": "everyone",
                "dated": None,
                "sharing_level": "restricted",
                "shared_with_countries": [Country.objects.get(iso3="MAR")],
            },
            acting_user=cast.german_ministry_editor,
        )
    assert set(refused.value.message_dict) == {
        "kind",
        "title",
        "impact",
        "who_should_act",
        "dated",
        "shared_with_countries",
    }
    assert "Morocco is not an EU Member State." in refused.value.message_dict["shared_with_countries"]
    assert not Lesson.objects.unrestricted("test").exists()


def test_changes_are_kept_in_the_history_with_named_events(cast):
    lesson = lesson_for(cast)
    update_lesson(lesson, {"impact": "low", "title": "A new title"}, acting_user=cast.german_ministry_editor)
    [update, create] = list(history_of(lesson))
    assert create.action == "create" and update.action == "update"
    assert update.changes["impact"] == ["high", "low"]
    assert update.changes["title"] == ["Reintegration counselling starts before return", "A new title"]
    names = set(Event.objects.filter(object_id=lesson.pk).values_list("name", flat=True))
    assert {"knowledge.lesson_created", "knowledge.lesson_updated"} <= names


def test_relinking_keeps_links_to_engagements_the_editor_cannot_see(cast):
    french_only = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="originator")
    german = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="German return programme")
    other = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="German border programme")
    both = make_user("both.editor", cast.german_interior, Role.EDITOR)
    Membership.objects.create(user=both, organisation=cast.french_foreign_affairs, role=Role.EDITOR)
    lesson = lesson_for(cast, author=both, engagements=[french_only, german])

    update_lesson(lesson, {"engagements": [other]}, acting_user=cast.german_ministry_editor)
    assert linked_ids(lesson) == {french_only.pk, other.pk}
    with pytest.raises(ValidationError) as refused:
        update_lesson(lesson, {"engagements": [french_only]}, acting_user=cast.german_ministry_editor)
    assert "engagements" in refused.value.message_dict
    # The page shows each reader only the links they may see.
    page = client_for(cast.german_ministry_editor).get(lesson.get_absolute_url()).content.decode()
    assert "German border programme" in page and french_only.title not in page


def linked_ids(lesson) -> set[int]:
    return set(Lesson.engagements.through.objects.filter(lesson=lesson).values_list("engagement_id", flat=True))


def test_deleting_a_lesson_deletes_its_figures_and_documents_and_their_files(cast):
    lesson = lesson_for(cast, kind="pilot")
    outcome_for(cast, lesson)
    document = add_attachment(lesson, "pilot.pdf", pdf_bytes("Pilot report"), acting_user=cast.german_ministry_editor)
    stored = attachments.path_of(document.stored_name)
    assert stored.exists()
    delete_lesson(lesson, acting_user=cast.german_ministry_editor)
    assert not Lesson.objects.unrestricted("test").filter(pk=lesson.pk).exists()
    assert not OutcomeFigure.objects.unrestricted("test").exists()
    assert not Attachment.objects.unrestricted("test").exists()
    assert not stored.exists()
    assert [change.action for change in history_of(lesson)] == ["delete", "create"]


def test_a_lesson_is_dated_and_linked_to_countries_themes_and_instruments(cast):
    lesson = lesson_for(cast, countries=("MAR", "TUN"), themes=("RETURN",), dated=date(2024, 11, 5))
    assert {c.iso3 for c in lesson.countries.all()} == {"MAR", "TUN"}
    assert [t.code for t in lesson.themes.all()] == ["RETURN"]
    assert lesson.dated == date(2024, 11, 5)
