"""Creating and revoking API tokens goes through one service each, with history and events."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from partnerhub.access.models import ApiToken
from partnerhub.access.services import create_api_token, revoke_api_token
from partnerhub.core.history import events_of, history_of
from partnerhub.core.models import Event, ObjectChange

pytestmark = pytest.mark.django_db


def written_about(token: ApiToken) -> str:
    """Everything the history and the events hold about the token, as one text."""
    changes = [change.changes for change in history_of(token)]
    events = [event.data for event in events_of(token, ["token.created", "token.revoked"])]
    return json.dumps([changes, events])


def test_creating_a_token_writes_its_history_and_event_without_the_key(cast):
    token, raw_key = create_api_token("nightly export", acting_user=cast.german_ministry_editor)

    [created] = history_of(token)
    assert (created.action, created.user) == ("create", cast.german_ministry_editor)
    assert created.changes["name"] == [None, "nightly export"]
    event = Event.objects.get(name="token.created", object_id=token.pk)
    assert (event.user, event.data) == (
        cast.german_ministry_editor,
        {"token_name": "nightly export", "hint": token.hint},
    )
    assert raw_key not in written_about(token)
    assert raw_key[len(token.hint) :] not in written_about(token)
    assert token.key_hash not in written_about(token)


def test_revoking_a_token_writes_its_history_and_event_without_the_key(cast):
    token, raw_key = create_api_token("old script", acting_user=cast.german_ministry_editor)

    revoke_api_token(token, acting_user=cast.german_ministry_editor)

    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert [change.action for change in history_of(token)] == ["delete", "create"]
    assert Event.objects.filter(name="token.revoked", object_id=token.pk, user=cast.german_ministry_editor).exists()
    assert raw_key[len(token.hint) :] not in written_about(token)
    assert token.key_hash not in written_about(token)


@pytest.mark.parametrize("persona", ["french_ministry_editor", "coordinator", "outsider"])
def test_the_service_refuses_to_revoke_someone_elses_token(cast, persona):
    token, raw_key = create_api_token("german script", acting_user=cast.german_ministry_editor)
    written = (ObjectChange.objects.count(), Event.objects.count())

    with pytest.raises(PermissionDenied):
        revoke_api_token(token, acting_user=getattr(cast, persona))

    assert ApiToken.objects.matching(raw_key) == token
    assert (ObjectChange.objects.count(), Event.objects.count()) == written


def test_the_service_refuses_a_token_to_an_anonymous_or_inactive_user(cast):
    cast.giz_viewer.is_active = False

    for user in (AnonymousUser(), cast.giz_viewer):
        with pytest.raises(PermissionDenied):
            create_api_token("script", acting_user=user)

    assert not ApiToken.objects.exists()
    assert not ObjectChange.objects.exists() and not Event.objects.exists()


def test_creating_a_token_runs_in_a_transaction_of_its_own(cast):
    # durable: called inside another transaction, it refuses instead of committing with it.
    token, _raw = create_api_token("script", acting_user=cast.german_ministry_editor)
    with transaction.atomic(), pytest.raises(RuntimeError):
        create_api_token("second", acting_user=cast.german_ministry_editor)
    assert list(ApiToken.objects.all()) == [token]


def test_a_site_administrator_revokes_a_token_in_the_admin_through_the_service(client, cast):
    token, raw_key = create_api_token("leaked script", acting_user=cast.german_ministry_editor)
    client.force_login(cast.superuser)

    response = client.post(reverse("admin:access_apitoken_delete", args=[token.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert ApiToken.objects.matching(raw_key) is None
    assert Event.objects.filter(name="token.revoked", object_id=token.pk, user=cast.superuser).exists()
    assert [change.action for change in history_of(token)] == ["delete", "create"]
