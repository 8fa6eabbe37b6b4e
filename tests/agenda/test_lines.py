"""Lines to take: versioned drafts agreed by coordinators, the current agreed version beside each
upcoming meeting, expired ones shown as expired."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partnerhub.agenda.services import agree_line, update_line
from partnerhub.core.history import history_of
from partnerhub.core.models import Event
from tests.agenda.factories import line, meeting
from tests.support.clients import client_for, ids_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon():
    return timezone.now() + timedelta(days=2)


def test_versions_are_numbered_per_country_and_theme_and_kept_in_history(cast):
    first = line(cast.eu_delegation_morocco, cast.coordinator)
    second = line(cast.eu_delegation_morocco, cast.coordinator)
    themed = line(cast.eu_delegation_morocco, cast.coordinator, theme="RETURN-REINTEGRATION")
    tunisia = line(cast.eu_delegation_morocco, cast.coordinator, iso3="TUN")
    assert (first.version, second.version, themed.version, tunisia.version) == (1, 2, 1, 1)
    assert first.author == cast.coordinator and first.status == "draft"
    agreed = agree_line(first, acting_user=cast.coordinator)
    assert agreed.status == "agreed" and agreed.agreed_at is not None
    assert history_of(agreed).count() == 2
    assert set(Event.objects.filter(object_id=first.pk, name__startswith="line.").values_list("name", flat=True)) >= {
        "line.drafted",
        "line.agreed",
    }


def test_an_agreed_version_is_never_changed_and_only_coordinators_agree(cast):
    draft = line(cast.german_interior, cast.german_ministry_editor)
    with pytest.raises(PermissionDenied):
        agree_line(draft, acting_user=cast.german_ministry_editor)
    with pytest.raises(PermissionDenied):
        line(cast.german_interior, cast.french_ministry_editor)
    agreed = line(cast.eu_delegation_morocco, cast.coordinator, agreed_by=cast.coordinator)
    with pytest.raises(ValidationError):
        update_line(agreed, {"text": "Rewritten"}, acting_user=cast.coordinator)


def test_the_current_agreed_version_shows_beside_each_upcoming_meeting(cast, soon):
    line(cast.eu_delegation_morocco, cast.coordinator, text="Old message", agreed_by=cast.coordinator)
    current = line(cast.eu_delegation_morocco, cast.coordinator, text="Current message", agreed_by=cast.coordinator)
    line(cast.eu_delegation_morocco, cast.coordinator, text="Draft message")
    mission = meeting(cast.german_interior, cast.german_ministry_editor, starts_at=soon, themes=())
    meeting(cast.commission, cast.commission_desk_officer, starts_at=soon, iso3="TUN", title="Tunis visit")
    client = client_for(cast.german_ministry_editor)
    listing = client.get("/agenda/").content.decode()
    assert f"/agenda/lines/{current.pk}/" in listing and "Lines to take, version 2" in listing
    assert "No agreed lines to take" in listing  # Tunisia has none
    detail = client.get(f"/agenda/meetings/{mission.pk}/").content.decode()
    assert "Current message" in detail and "Draft message" not in detail and "Old message" not in detail


def test_a_theme_line_wins_over_the_country_line_for_a_meeting_on_that_theme(cast, soon):
    line(cast.eu_delegation_morocco, cast.coordinator, text="Country message", agreed_by=cast.coordinator)
    line(
        cast.eu_delegation_morocco,
        cast.coordinator,
        theme="RETURN-REINTEGRATION",
        text="Reintegration message",
        agreed_by=cast.coordinator,
    )
    mission = meeting(cast.german_interior, cast.german_ministry_editor, starts_at=soon)
    detail = client_for(cast.german_ministry_editor).get(f"/agenda/meetings/{mission.pk}/").content.decode()
    assert "Reintegration message" in detail and "Country message" not in detail


def test_an_expired_line_shows_as_expired(cast, soon):
    line(
        cast.eu_delegation_morocco,
        cast.coordinator,
        valid_until=timezone.localdate() - timedelta(days=1),
        agreed_by=cast.coordinator,
    )
    meeting(cast.german_interior, cast.german_ministry_editor, starts_at=soon)
    listing = client_for(cast.german_ministry_editor).get("/agenda/").content.decode()
    assert "expired on" in listing


def test_hidden_lines_are_neither_beside_meetings_nor_in_the_api(cast, soon, token_api):
    hidden = line(
        cast.eu_delegation_morocco,
        cast.coordinator,
        text="Delegation only",
        sharing_level="originator",
        agreed_by=cast.coordinator,
    )
    mission = meeting(cast.german_interior, cast.german_ministry_editor, starts_at=soon)
    client = client_for(cast.german_ministry_editor)
    assert "Delegation only" not in client.get(f"/agenda/meetings/{mission.pk}/").content.decode()
    assert client.get(f"/agenda/lines/{hidden.pk}/").status_code == 404
    assert token_api(cast.german_ministry_editor).get(f"/agenda/lines/{hidden.pk}").status_code == 404
    assert ids_of(token_api(cast.coordinator).get("/agenda/lines", {"country": "mar"})) == {hidden.pk}


def test_pages_write_a_draft_show_changes_and_agree(cast):
    client = client_for(cast.coordinator)
    first = line(cast.eu_delegation_morocco, cast.coordinator, text="One\nTwo", agreed_by=cast.coordinator)
    response = client.post(
        "/agenda/lines/new/",
        {
            "owner": cast.eu_delegation_morocco.pk,
            "country": first.country_id,
            "text": "One\nThree",
            "valid_until": "2027-12-31",
            "sharing_level": "eu",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "<ins>Three</ins>" in detail and "<del>Two</del>" in detail
    second_pk = int(response["Location"].rstrip("/").split("/")[-1])
    assert (
        client.post(
            f"/agenda/lines/{second_pk}/edit/",
            {"text": "One\nFour", "valid_until": "2027-12-31", "sharing_level": "eu"},
        ).status_code
        == 302
    )
    assert client.post(f"/agenda/lines/{second_pk}/agree/").status_code == 302
    assert client.get(f"/agenda/lines/{second_pk}/edit/").status_code == 403
    assert client_for(cast.german_ministry_editor).post(f"/agenda/lines/{first.pk}/agree/").status_code == 403
    assert "Version 2" in client.get("/agenda/lines/").content.decode()
