"""Lines to take over the API, through the services: a draft, its changes, its agreement."""

import pytest

from partnerhub.agenda.models import LineToTake
from partnerhub.core.models import Event
from tests.agenda.factories import line
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db

DRAFT = {"country": "mar", "text": "Returns with dignity.", "valid_until": "2027-12-31"}


def stored(pk: int) -> LineToTake:
    return LineToTake.objects.unrestricted("the test reads what was stored").get(pk=pk)


def test_a_coordinator_drafts_changes_and_agrees_a_version(cast, token_api):
    api = token_api(cast.coordinator)
    drafted = api.post("/agenda/lines", {**DRAFT, "theme": "RETURN-REINTEGRATION"})
    assert drafted.status_code == 201, drafted.content
    body = drafted.json()
    assert (body["country"], body["theme"], body["version"], body["status"]) == (
        "MAR",
        "RETURN-REINTEGRATION",
        1,
        "draft",
    )
    assert body["owner_id"] == cast.eu_delegation_morocco.pk and body["agreed_at"] is None
    changed = api.patch(f"/agenda/lines/{body['id']}", {"text": "Returns with dignity and reintegration."})
    assert changed.status_code == 200 and changed.json()["valid_until"] == "2027-12-31"
    agreed = api.post(f"/agenda/lines/{body['id']}/agree")
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreed" and agreed.json()["agreed_at"]
    assert api.post(f"/agenda/lines/{body['id']}/agree").status_code == 200
    assert Event.objects.filter(object_id=body["id"], name="line.agreed").count() == 1
    refused = api.patch(f"/agenda/lines/{body['id']}", {"text": "Rewritten"})
    assert refused.status_code == 422 and ["body", "text"] in error_locations(refused)
    assert stored(body["id"]).text == "Returns with dignity and reintegration."
    assert api.post("/agenda/lines", DRAFT).json()["version"] == 1, "no theme: numbered on its own"


def test_an_editor_drafts_but_only_a_coordinator_agrees(cast, token_api):
    api = token_api(cast.german_ministry_editor)
    drafted = api.post("/agenda/lines", DRAFT).json()
    assert drafted["owner_id"] == cast.german_interior.pk
    assert api.post(f"/agenda/lines/{drafted['id']}/agree").status_code == 403
    assert stored(drafted["id"]).status == "draft"


def test_a_reader_who_does_not_write_for_the_owner_gets_403(cast, token_api):
    draft = line(cast.german_interior, cast.german_ministry_editor)
    for persona in ("french_ministry_editor", "giz_viewer", "coordinator"):
        api = token_api(getattr(cast, persona))
        assert api.patch(f"/agenda/lines/{draft.pk}", {"text": "Taken over"}).status_code == 403
        assert api.post(f"/agenda/lines/{draft.pk}/agree").status_code == 403
    assert token_api(cast.giz_viewer).post("/agenda/lines", DRAFT).status_code == 403
    assert (
        token_api(cast.french_ministry_editor)
        .post("/agenda/lines", {**DRAFT, "owner_id": cast.german_interior.pk})
        .status_code
        == 403
    )
    assert stored(draft.pk).text == "Return with dignity."


def test_a_hidden_version_answers_404_whatever_the_body_holds(cast, token_api):
    secret = line(cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="originator")
    api = token_api(cast.german_ministry_editor)
    missing = api.patch("/agenda/lines/987654", {"text": "x"}).json()
    for body in ({"text": "x"}, {"colour": "red"}):
        response = api.patch(f"/agenda/lines/{secret.pk}", body)
        assert response.status_code == 404 and response.json() == missing
    assert api.patch(f"/agenda/lines/{secret.pk}", raw="{broken").status_code == 404
    assert api.post(f"/agenda/lines/{secret.pk}/agree").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**DRAFT, "country": "ZZZ"}, "country"),
        ({**DRAFT, "theme": "NOPE"}, "theme"),
        ({**DRAFT, "text": ""}, "text"),
        ({**DRAFT, "valid_until": "soon"}, "valid_until"),
        ({**DRAFT, "sharing_level": "everyone"}, "sharing_level"),
        ({**DRAFT, "colour": "red"}, "colour"),
    ],
)
def test_a_wrong_draft_answers_422_naming_the_field_and_writes_nothing(cast, token_api, body, field):
    response = token_api(cast.german_ministry_editor).post("/agenda/lines", body)
    assert response.status_code == 422 and ["body", field] in error_locations(response), response.content
    assert not LineToTake.objects.unrestricted("nothing was written").exists()


def test_a_wrong_change_answers_422_or_400(cast, token_api):
    draft = line(cast.german_interior, cast.german_ministry_editor)
    api = token_api(cast.german_ministry_editor)
    for body, field in (({"text": None}, "text"), ({"valid_until": "x"}, "valid_until"), ({"version": 3}, "version")):
        response = api.patch(f"/agenda/lines/{draft.pk}", body)
        assert response.status_code == 422 and ["body", field] in error_locations(response), response.content
    assert api.patch(f"/agenda/lines/{draft.pk}", raw="{broken").status_code == 400
