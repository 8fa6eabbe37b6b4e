"""Rules of the engagement services that every entry point relies on."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partnerhub.registry.models import EngagementLink
from partnerhub.registry.services import (
    MoneyInput,
    change_sharing_level,
    input_from_engagement,
    update_engagement,
)

pytestmark = pytest.mark.django_db


def test_the_same_link_twice_is_a_field_error_not_a_crash(cast):
    programme = cast.engagement(cast.commission, cast.commission_desk_officer, title="programme")
    project = cast.engagement(cast.commission, cast.commission_desk_officer, title="project")
    data = input_from_engagement(project)
    data.links = [(programme, "part_of"), (programme, "part_of")]

    with pytest.raises(ValidationError) as error:
        update_engagement(project, data, acting_user=cast.commission_desk_officer)

    assert "links" in error.value.message_dict


def test_a_link_to_a_record_later_hidden_from_the_editor_survives_their_edit(cast):
    german_programme = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="eu", title="german programme"
    )
    project = cast.engagement(cast.commission, cast.commission_desk_officer, title="project")
    data = input_from_engagement(project)
    data.links = [(german_programme, "part_of")]
    update_engagement(project, data, acting_user=cast.commission_desk_officer)
    change_sharing_level(german_programme, "originator", acting_user=cast.german_ministry_editor)

    data = input_from_engagement(project)
    data.links = []  # what the editor's form shows: the hidden link is not offered
    data.fields["title"] = "project, renamed"
    update_engagement(project, data, acting_user=cast.commission_desk_officer)

    assert EngagementLink.objects.unrestricted("test").filter(source=project, target=german_programme).exists()


def test_an_absurd_amount_is_refused_before_it_reaches_the_database(cast):
    project = cast.engagement(cast.commission, cast.commission_desk_officer)
    data = input_from_engagement(project)
    data.money = [MoneyInput("commitment", Decimal("1e15"), "KWD", project.created_at.date())]

    with pytest.raises(ValidationError) as error:
        update_engagement(project, data, acting_user=cast.commission_desk_officer)

    assert "money" in error.value.message_dict


def test_changing_the_sharing_level_is_a_named_event_and_a_history_entry(cast):
    from partnerhub.core.history import events_of, history_of

    record = cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="eu")
    change_sharing_level(record, "restricted", acting_user=cast.german_ministry_editor, organisations=[cast.iom])

    event = events_of(record, ["engagement.sharing_changed"]).get()
    assert (event.data, event.user) == ({"old": "eu", "new": "restricted"}, cast.german_ministry_editor)
    latest = history_of(record).first()
    assert latest.changes["sharing_level"] == ["eu", "restricted"]
    assert latest.changes["shared_with_organisations"] == ["", "IOM"]


def test_notes_are_read_by_the_owner_and_the_eu_side_only(cast):
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    record = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="public",
        countries=("MAR",),
        notes="Minister wants this before the summit",
    )

    for reader in (cast.german_ministry_editor, cast.french_ministry_editor, cast.commission_desk_officer):
        assert record.notes_for(reader) == "Minister wants this before the summit"
    for outsider in (AnonymousUser(), cast.moroccan_ministry_user, cast.iom_officer):
        assert record.notes_for(outsider) == ""
    visitor = Client()
    assert "Minister wants" not in visitor.get(f"/engagements/{record.pk}/").content.decode()
    assert visitor.get(f"/api/engagements/{record.pk}").json()["notes"] == ""
