"""The directory over the API: the same rules as the pages."""

import pytest

from partnerhub.core.models import ObjectChange
from partnerhub.knowledge.models import FocalPoint
from tests.knowledge.crisis_factories import focal_point_for
from tests.support.clients import error_locations, ids_of

pytestmark = pytest.mark.django_db


def test_eu_side_callers_list_the_directory_others_only_their_own_entry(cast, token_api, anonymous_api):
    others = focal_point_for(cast, name="Delegation Officer")
    own = focal_point_for(
        cast,
        name="Youssef",
        organisation=cast.moroccan_interior,
        user=cast.moroccan_ministry_user,
        email="y@example.org",
    )
    assert ids_of(token_api(cast.german_ministry_editor).get("/directory")) == {others.pk, own.pk}
    moroccan = token_api(cast.moroccan_ministry_user)
    assert ids_of(moroccan.get("/directory")) == {own.pk}
    assert moroccan.get(f"/directory/{others.pk}").status_code == 404
    assert moroccan.get(f"/directory/{own.pk}").json()["is_own"] is True
    assert anonymous_api.get("/directory").status_code == 401
    assert anonymous_api.get(f"/directory/{others.pk}").status_code == 401


def test_filters_and_bad_filters(cast, token_api):
    tunis = focal_point_for(cast, name="Tunis Person", countries=("TUN",), languages="ar")
    focal_point_for(cast, name="Rabat Person", email="r@example.org", languages="fr")
    api = token_api(cast.commission_desk_officer)
    assert ids_of(api.get("/directory", {"country": "TUN"})) == {tunis.pk}
    assert ids_of(api.get("/directory", {"language": "ar"})) == {tunis.pk}
    response = api.get("/directory", {"language": "arabic"})
    assert response.status_code == 422 and ["query", "language"] in error_locations(response)


def test_create_update_confirm_delete(cast, token_api):
    api = token_api(cast.coordinator)
    response = api.post(
        "/directory",
        {
            "name": "Lina Ambassador",
            "function": "Migration ambassador",
            "role": "ambassador",
            "organisation_id": cast.commission.pk,
            "email": "lina@example.org",
            "languages": ["en", "fr"],
            "countries": ["MAR", "TUN"],
            "themes": ["PROT-DISPLACEMENT"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["countries"] == ["MAR", "TUN"] and body["languages"] == ["en", "fr"] and body["is_stale"] is True
    entry_id = body["id"]
    assert api.patch(f"/directory/{entry_id}", {"phone": "+32 2 000"}).json()["phone"] == "+32 2 000"
    confirmed = api.post(f"/directory/{entry_id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["last_confirmed_at"] and not confirmed.json()["is_stale"]
    assert api.delete(f"/directory/{entry_id}").status_code == 204
    assert not FocalPoint.objects.filter(pk=entry_id).exists()
    assert not any("Lina" in str(change.changes) + change.object_repr for change in ObjectChange.objects.all())


def test_the_person_changes_their_details_but_not_their_organisation(cast, token_api):
    own = focal_point_for(cast, name="Youssef", organisation=cast.moroccan_interior, user=cast.moroccan_ministry_user)
    api = token_api(cast.moroccan_ministry_user)
    response = api.patch(f"/directory/{own.pk}", {"function": "Director"})
    assert response.status_code == 200 and response.json()["function"] == "Director"
    assert response.json()["last_confirmed_at"] is not None
    assert api.patch(f"/directory/{own.pk}", {"organisation_id": cast.commission.pk}).status_code == 403
    assert api.post(f"/directory/{own.pk}/confirm").status_code == 200


def test_editors_of_other_organisations_and_bad_values(cast, token_api):
    entry = focal_point_for(cast, name="Delegation Officer")
    api = token_api(cast.german_ministry_editor)
    assert api.patch(f"/directory/{entry.pk}", {"name": "Changed"}).status_code == 403
    assert api.delete(f"/directory/{entry.pk}").status_code == 403
    assert api.post(f"/directory/{entry.pk}/confirm").status_code == 403
    refused = api.post(
        "/directory", {"name": "X", "function": "Y", "organisation_id": cast.commission.pk, "email": "x@example.org"}
    )
    assert refused.status_code == 403
    bad = api.post(
        "/directory",
        {"name": "X", "function": "Y", "organisation_id": cast.german_interior.pk, "email": "not-an-address"},
    )
    assert bad.status_code == 422 and ["body", "email"] in error_locations(bad)
    bad = api.post(
        "/directory",
        {"name": "X", "function": "Y", "organisation_id": cast.german_interior.pk, "countries": ["XXX"]},
    )
    assert bad.status_code == 422 and ["body", "countries"] in error_locations(bad)
    assert FocalPoint.objects.count() == 1


def test_bad_values_are_named_with_the_apis_field_names_and_nothing_changes(cast, token_api):
    entry = focal_point_for(cast, name="Delegation Officer")
    api = token_api(cast.coordinator)
    missing = api.post("/directory", {"name": "Amal", "function": "Officer", "organisation_id": 2**40})
    assert missing.status_code == 422 and ["body", "organisation_id"] in error_locations(missing)
    nobody = api.patch(f"/directory/{entry.pk}", {"username": "no.such.account"})
    assert nobody.status_code == 422 and ["body", "username"] in error_locations(nobody)
    unreachable = api.patch(f"/directory/{entry.pk}", {"email": "", "phone": ""})
    assert unreachable.status_code == 422 and ["body", "email"] in error_locations(unreachable)
    blank = api.patch(f"/directory/{entry.pk}", {"name": "  ", "function": " "})
    assert blank.status_code == 422
    assert {("body", "name"), ("body", "function")} <= {tuple(place) for place in error_locations(blank)}
    assert FocalPoint.objects.get(pk=entry.pk).name == "Delegation Officer"
    assert FocalPoint.objects.count() == 1


def test_an_account_is_linked_to_one_entry_only(cast, token_api):
    focal_point_for(cast, name="Own entry", user=cast.commission_desk_officer)
    other = focal_point_for(cast, name="Another entry", email="another@example.org")
    api = token_api(cast.coordinator)
    taken = api.patch(f"/directory/{other.pk}", {"username": cast.commission_desk_officer.username})
    assert taken.status_code == 422 and ["body", "username"] in error_locations(taken)
    linked = api.patch(f"/directory/{other.pk}", {"username": ""})
    assert linked.status_code == 200
    assert FocalPoint.objects.get(pk=other.pk).user is None


def test_an_outsider_does_not_find_an_entry_and_changes_nothing(cast, token_api):
    entry = focal_point_for(cast, name="Delegation Officer")
    api = token_api(cast.moroccan_ministry_user)
    assert api.get(f"/directory/{entry.pk}").status_code == 404
    assert api.patch(f"/directory/{entry.pk}", {"name": "Changed"}).status_code == 404
    assert api.post(f"/directory/{entry.pk}/confirm").status_code == 404
    assert api.delete(f"/directory/{entry.pk}").status_code == 404
    assert FocalPoint.objects.get(pk=entry.pk).name == "Delegation Officer"
