"""Meetings are recorded, changed and cancelled through the services, with their history."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerhub.agenda.models import Counterpart
from partnerhub.agenda.services import cancel_meeting, save_counterpart, update_meeting
from partnerhub.core.history import history_of
from partnerhub.core.models import Event
from partnerhub.geo.models import Country
from tests.agenda.factories import START, counterpart, meeting

pytestmark = pytest.mark.django_db


def event_names(record) -> list[str]:
    return list(Event.objects.filter(object_id=record.pk, name__startswith="event.").values_list("name", flat=True))


def test_an_editor_records_a_meeting_of_their_organisation_with_its_history(cast):
    recorded = meeting(cast.german_interior, cast.german_ministry_editor, with_counterpart=counterpart())
    assert recorded.sequence == 0 and recorded.is_tentative
    assert history_of(recorded).count() == 1
    assert event_names(recorded) == ["event.created"]


def test_a_viewer_or_another_organisations_editor_may_not_record_for_it(cast):
    for user in (cast.giz_viewer, cast.french_ministry_editor):
        with pytest.raises(PermissionDenied):
            meeting(cast.german_interior, user)


def test_moving_a_meeting_bumps_its_sequence_and_a_new_title_does_not(cast):
    recorded = meeting(cast.german_interior, cast.german_ministry_editor)
    renamed = update_meeting(recorded, {"title": "Renamed"}, acting_user=cast.german_ministry_editor)
    assert renamed.sequence == 0
    moved = update_meeting(
        renamed,
        {"starts_at": START + timedelta(days=1), "ends_at": START + timedelta(days=1, hours=1)},
        acting_user=cast.german_ministry_editor,
    )
    assert moved.sequence == 1
    placed = update_meeting(moved, {"place": "Rabat"}, acting_user=cast.german_ministry_editor)
    assert placed.sequence == 2
    assert event_names(placed).count("event.updated") == 3
    assert history_of(placed).count() == 4


def test_only_the_organisers_editors_change_or_cancel_it(cast):
    recorded = meeting(cast.german_interior, cast.german_ministry_editor)
    with pytest.raises(PermissionDenied):
        update_meeting(recorded, {"title": "Taken over"}, acting_user=cast.french_ministry_editor)
    with pytest.raises(PermissionDenied):
        cancel_meeting(recorded, acting_user=cast.giz_viewer)
    cancelled = cancel_meeting(recorded, acting_user=cast.german_ministry_editor)
    assert cancelled.cancelled and cancelled.sequence == 1
    assert "event.cancelled" in event_names(cancelled)


def test_broken_rules_are_refused_by_field(cast):
    with pytest.raises(ValidationError) as ended_early:
        meeting(cast.german_interior, cast.german_ministry_editor, ends_at=START - timedelta(hours=1))
    assert "ends_at" in ended_early.value.message_dict
    with pytest.raises(ValidationError) as no_zone:
        meeting(cast.german_interior, cast.german_ministry_editor, time_zone="Mars/Olympus")
    assert "time_zone" in no_zone.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:
        meeting(cast.german_interior, cast.german_ministry_editor, with_counterpart=counterpart("TUN"))
    assert "counterpart" in elsewhere.value.message_dict
    with pytest.raises(ValidationError) as naive:
        meeting(cast.german_interior, cast.german_ministry_editor, starts_at=datetime(2027, 3, 1, 9))  # noqa: DTZ001
    assert "starts_at" in naive.value.message_dict


def test_a_meeting_links_only_engagements_its_author_may_read(cast):
    french = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="originator")
    with pytest.raises(ValidationError) as hidden:
        meeting(cast.german_interior, cast.german_ministry_editor, engagements=[french])
    assert "engagements" in hidden.value.message_dict


def test_coordinators_keep_the_counterparts(cast):
    fields = {"country": Country.objects.get(iso3="MAR"), "authority": "Ministry of Foreign Affairs"}
    with pytest.raises(PermissionDenied):
        save_counterpart(None, fields, acting_user=cast.german_ministry_editor)
    kept = save_counterpart(None, fields, acting_user=cast.coordinator)
    save_counterpart(kept, {"office": "Consular affairs"}, acting_user=cast.coordinator)
    assert Counterpart.objects.get(pk=kept.pk).office == "Consular affairs"
    assert history_of(kept).count() == 2


def test_times_are_kept_as_instants_whatever_the_zone(cast):
    recorded = meeting(cast.german_interior, cast.german_ministry_editor, time_zone="Asia/Tokyo")
    assert recorded.starts_at == datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert recorded.local_start.hour == 18
