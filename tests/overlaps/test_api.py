"""Possible overlaps over the API: the same pairs as the pages, 404 for hidden ones, decisions by
reviewers only, errors naming the field. Built on the planted portfolio of test_finder.py."""

import pytest

from partnerhub.overlaps.finder import find_overlaps
from partnerhub.overlaps.models import OverlapPair
from partnerhub.overlaps.services import decide_overlap
from tests.overlaps.test_finder import AFD_TEXT, AFD_TITLE, edit, pair_of, plant, record
from tests.support.clients import error_locations, ids_of

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Only coordinators and administrators of EU institutions and Member State bodies who see both "
    "engagements record decisions on possible overlaps."
)


@pytest.fixture
def planted(cast):
    return plant(cast)


@pytest.fixture
def found(planted):
    find_overlaps()
    return planted


def test_a_desk_officer_lists_the_pairs_best_first_with_their_explanation(cast, found, token_api):
    response = token_api(cast.commission_desk_officer).get("/overlaps")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    best = body["items"][0]
    assert best["id"] == pair_of(found.giz, found.afd).pk and best["countries"] == ["MAR"]
    assert best["first"]["owner"] in ("GIZ", "AFD") and best["decision"] == "pending"
    assert best["why"].startswith("same country Morocco, theme Sustainable reintegration")
    assert best["explanation"]["same_implementers"][0]["name"] == "IOM"
    assert 0 < best["score"] <= 1


def test_filters_by_country_decision_and_score(cast, found, token_api):
    decide_overlap(pair_of(found.giz, found.afd), "duplicate", acting_user=cast.coordinator)
    api = token_api(cast.coordinator)
    assert ids_of(api.get("/overlaps", {"decision": "duplicate"})) == {pair_of(found.giz, found.afd).pk}
    assert len(ids_of(api.get("/overlaps", {"decision": "pending"}))) == 2
    assert ids_of(api.get("/overlaps", {"country": "tun"})) == set()
    assert ids_of(api.get("/overlaps", {"min_score": 0.8})) == {pair_of(found.giz, found.afd).pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "DEU"}, "country"),
        ({"country": "Morocco"}, "country"),
        ({"min_score": 2}, "min_score"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_a_wrong_filter_answers_422_naming_it(cast, found, token_api, params, field):
    response = token_api(cast.coordinator).get("/overlaps", params)
    assert response.status_code == 422 and ["query", field] in error_locations(response)


def test_reading_needs_a_log_in_or_a_token(found, anonymous_api):
    assert anonymous_api.get("/overlaps").status_code == 401
    assert anonymous_api.get(f"/overlaps/{pair_of(found.giz, found.afd).pk}").status_code == 401


def test_a_pair_with_a_hidden_side_answers_404_like_a_missing_one(cast, found, token_api):
    secret = record(cast.giz, found.giz_editor, "SECRET copy " + AFD_TITLE, AFD_TEXT, sharing_level="originator")
    find_overlaps()
    hidden = pair_of(secret, found.afd).pk
    for persona in ("coordinator", "commission_desk_officer", "moroccan_ministry_user"):
        api = token_api(getattr(cast, persona))
        assert api.get(f"/overlaps/{hidden}").json() == api.get("/overlaps/987654").json() == {"detail": "Not found."}
        assert api.post(f"/overlaps/{hidden}/decision", {"decision": "maybe"}).status_code == 404
        assert hidden not in ids_of(api.get("/overlaps", {"page_size": 200}))
    assert token_api(cast.giz_viewer).get(f"/overlaps/{hidden}").status_code == 200
    assert OverlapPair.objects.unrestricted("test").get(pk=hidden).decision == "pending"


def test_a_coordinator_records_a_decision(cast, found, token_api):
    pair = pair_of(found.giz, found.afd)
    response = token_api(cast.coordinator).post(
        f"/overlaps/{pair.pk}/decision", {"decision": "complementary", "note": "Other districts"}
    )
    assert response.status_code == 200
    assert (response.json()["decision"], response.json()["decision_note"]) == ("complementary", "Other districts")
    assert response.json()["decided_by"] == "presidency.coordinator"
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by) == ("complementary", cast.coordinator)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "duplicate", "note": "x" * 2001}, "note"),
        ({"decision": "duplicate", "colour": "red"}, "colour"),
    ],
)
def test_a_wrong_decision_answers_422_naming_the_field(cast, found, token_api, body, field):
    pair = pair_of(found.giz, found.afd)
    response = token_api(cast.coordinator).post(f"/overlaps/{pair.pk}/decision", body)
    assert response.status_code == 422 and ["body", field] in error_locations(response)
    pair.refresh_from_db()
    assert pair.decision == "pending"


def test_a_body_that_is_not_json_answers_400(cast, found, token_api):
    response = token_api(cast.coordinator).post(
        f"/overlaps/{pair_of(found.giz, found.afd).pk}/decision", raw="{not json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("persona", ["french_embassy_viewer", "commission_desk_officer", "giz_viewer"])
def test_others_may_read_but_not_decide(cast, found, token_api, persona):
    pair = pair_of(found.giz, found.afd)
    response = token_api(getattr(cast, persona)).post(f"/overlaps/{pair.pk}/decision", {"decision": "duplicate"})
    assert response.status_code == 403 and response.json()["detail"] == REFUSAL
    pair.refresh_from_db()
    assert pair.decision == "pending"


def test_partner_country_users_read_partner_level_pairs_without_the_notes(cast, found, token_api):
    for engagement, author in ((found.giz, found.giz_editor), (found.afd, found.afd_editor)):
        edit(engagement, author, sharing_level="partner")
    decide_overlap(pair_of(found.giz, found.afd), "duplicate", note="INTERNAL", acting_user=cast.coordinator)
    item = token_api(cast.moroccan_ministry_user).get(f"/overlaps/{pair_of(found.giz, found.afd).pk}").json()
    assert item["decision"] == "duplicate"
    assert (item["decision_note"], item["decided_by"]) == ("", None)


def test_the_operations_are_documented(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/overlaps", "/api/overlaps/{pair_id}", "/api/overlaps/{pair_id}/decision"} <= set(paths)
    body = paths["/api/overlaps/{pair_id}/decision"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["schema"]["properties"]) == {"decision", "note"}
