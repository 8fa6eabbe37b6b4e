"""The Talent Partnerships API: paginated lists with the pages' filters, one record, changes through the
services; hidden answers 404, a reader who may not change gets 403, a broken rule 422 naming the field."""

import pytest

from partnerhub.talent.models import PipelineFigure, TalentNeed, TalentPartnership
from tests.support.clients import error_locations, ids_of
from tests.talent.factories import need_for, partnership_for, pipeline_for, scheme_for, supply_for
from tests.talent.occupations import isco_groups

pytestmark = pytest.mark.django_db


def test_the_needs_list_is_paginated_and_filtered_as_the_page(cast, token_api, django_assert_max_num_queries):
    nurses = need_for(cast, code="2221")
    plumbers = need_for(cast, code="7126", member_state="AUT")
    need_for(cast, code="2222", sharing_level="originator")
    api = token_api(cast.french_ministry_editor)
    with django_assert_max_num_queries(8):
        response = api.get("/talent/needs", {"page_size": 1})
    assert response.json()["count"] == 2 and response.json()["next"]
    assert ids_of(api.get("/talent/needs", {"occupation": "71"})) == {plumbers.pk}
    assert ids_of(api.get("/talent/needs", {"member_state": "DEU", "year": 2026})) == {nurses.pk}
    assert ids_of(api.get("/talent/needs", {"own": True})) == set()
    wrong = api.get("/talent/needs", {"occupation": "nurses"})
    assert wrong.status_code == 422 and error_locations(wrong) == [["query", "occupation"]]
    item = api.get(f"/talent/needs/{nurses.pk}").json()
    assert item["occupation"] == "2221" and item["occupation_title"] == "Nursing professionals"
    assert item["member_state"] == "DEU" and item["languages"] == ["de"] and item["people_per_year"] == 1200


def test_a_german_editor_records_changes_and_deletes_a_need_through_the_api(cast, token_api):
    isco_groups("2221")
    api = token_api(cast.german_ministry_editor)
    body = {
        "member_state": "deu",
        "occupation": "2221",
        "people_per_year": 500,
        "first_year": 2026,
        "last_year": 2027,
        "languages": ["de"],
        "sharing_level": "partner",
    }
    refused = api.post("/talent/needs", body)
    assert refused.status_code == 422 and error_locations(refused) == [["body", "sharing_level"]]
    refused = api.post("/talent/needs", {**body, "sharing_level": "eu", "member_state": "MAR", "languages": ["xx"]})
    assert sorted(error_locations(refused)) == [["body", "languages"], ["body", "member_state"]]
    created = api.post("/talent/needs", {**body, "sharing_level": "eu"})
    assert created.status_code == 201, created.content
    need_id = created.json()["id"]
    changed = api.patch(f"/talent/needs/{need_id}", {"people_per_year": 650, "sector": None})
    assert changed.status_code == 200 and changed.json()["people_per_year"] == 650
    assert api.patch(f"/talent/needs/{need_id}", {"occupation": "22"}).json()["detail"][0]["loc"] == [
        "body",
        "occupation",
    ]
    assert api.delete(f"/talent/needs/{need_id}").status_code == 204
    assert not TalentNeed.objects.unrestricted("test").exists()


def test_the_french_editor_gets_403_for_a_german_need_and_404_for_a_hidden_one(cast, token_api):
    shared = need_for(cast)
    hidden = need_for(cast, sharing_level="originator")
    api = token_api(cast.french_ministry_editor)
    assert api.patch(f"/talent/needs/{shared.pk}", {"people_per_year": 1}).status_code == 403
    assert api.delete(f"/talent/needs/{shared.pk}").status_code == 403
    for method in (api.get, api.delete):
        assert method(f"/talent/needs/{hidden.pk}").status_code == 404
    assert api.patch(f"/talent/needs/{hidden.pk}", {"nonsense": 1}).status_code == 404
    created = api.post(
        "/talent/needs",
        {
            "owner_id": cast.german_interior.pk,
            "member_state": "DEU",
            "occupation": "2221",
            "people_per_year": 5,
            "first_year": 2026,
            "last_year": 2026,
        },
    )
    assert created.status_code == 403
    assert TalentNeed.objects.unrestricted("test").get(pk=shared.pk).people_per_year == 1200


def test_the_moroccan_ministry_reads_partner_level_supply_about_morocco_only(cast, token_api):
    moroccan = supply_for(cast, sharing_level="partner")
    supply_for(cast, country="TUN", sharing_level="partner")
    supply_for(cast, sharing_level="eu")
    api = token_api(cast.moroccan_ministry_user)
    assert ids_of(api.get("/talent/supply")) == {moroccan.pk}
    assert api.get(f"/talent/supply/{moroccan.pk}").json()["country"] == "MAR"
    assert api.patch(f"/talent/supply/{moroccan.pk}", {"yearly_graduates": 1}).status_code == 403


def test_partnerships_schemes_and_pipeline_over_the_api(cast, token_api):
    isco_groups("2221", "7126")
    hidden = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="originator")
    api = token_api(cast.german_ministry_editor)
    body = {
        "title": "Morocco and Germany",
        "country": "MAR",
        "member_states": ["DEU", "AUT"],
        "occupations": ["2221"],
        "status": "active",
    }
    assert error_locations(api.post("/talent/partnerships", {**body, "member_states": []})) == [
        ["body", "member_states"]
    ]
    created = api.post("/talent/partnerships", body)
    assert created.status_code == 201, created.content
    partnership = created.json()
    assert partnership["member_states"] == ["AUT", "DEU"] and partnership["occupations"] == ["2221"]
    TalentPartnership.engagements.through.objects.create(talentpartnership_id=partnership["id"], engagement=hidden)
    assert api.get(f"/talent/partnerships/{partnership['id']}").json()["engagement_ids"] == []
    scheme = api.post(
        f"/talent/partnerships/{partnership['id']}/schemes",
        {"kind": "training", "title": "Nursing school", "occupations": ["2221"]},
    )
    assert scheme.status_code == 201, scheme.content
    scheme_id = scheme.json()["id"]
    figure = api.post(f"/talent/schemes/{scheme_id}/pipeline", {"period": "2025-07", "enrolled": 30})
    assert figure.status_code == 201 and figure.json()["period_start"] == "2025-07-01"
    again = api.post(f"/talent/schemes/{scheme_id}/pipeline", {"period": "2025-07"})
    assert again.status_code == 422 and error_locations(again) == [["body", "period"]]
    assert api.patch(f"/talent/pipeline/{figure.json()['id']}", {"trained": 25}).json()["trained"] == 25
    assert [row["period"] for row in api.get(f"/talent/schemes/{scheme_id}/pipeline").json()] == ["2025-07"]
    assert api.patch(f"/talent/schemes/{scheme_id}", {"title": "Nursing school, Rabat"}).status_code == 200
    assert api.delete(f"/talent/partnerships/{partnership['id']}").status_code == 204
    assert not PipelineFigure.objects.unrestricted("test").exists()
    assert TalentPartnership.engagements.through.objects.count() == 0


def test_the_partnerships_list_shows_only_the_links_the_caller_may_read(cast, token_api, django_assert_max_num_queries):
    visible = cast.engagement(cast.german_interior, cast.german_ministry_editor)
    hidden = cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator")
    for index in range(3):
        partnership_for(cast, title=f"P{index}", engagements=[visible, hidden], member_states=("DEU", "FRA"))
    api = token_api(cast.french_ministry_editor)
    with django_assert_max_num_queries(10):
        response = api.get("/talent/partnerships", {"member_state": "FRA"})
    assert response.json()["count"] == 3
    assert {tuple(item["engagement_ids"]) for item in response.json()["items"]} == {(visible.pk,)}


def test_a_figure_of_a_hidden_partnership_is_404_everywhere(cast, token_api):
    partnership = partnership_for(cast, sharing_level="originator")
    scheme = scheme_for(cast, partnership)
    figure = pipeline_for(cast, scheme)
    api = token_api(cast.commission_desk_officer)
    for path in (
        f"/talent/schemes/{scheme.pk}",
        f"/talent/schemes/{scheme.pk}/pipeline",
        f"/talent/pipeline/{figure.pk}",
    ):
        assert api.get(path).status_code == 404
    assert api.post(f"/talent/schemes/{scheme.pk}/pipeline", {"period": "2026"}).status_code == 404


def test_occupations_are_read_by_signed_in_users_by_code_prefix_and_level(cast, token_api, anonymous_api):
    api = token_api(cast.moroccan_ministry_user)
    units = api.get("/talent/occupations", {"code": "222", "level": 4}).json()
    assert [(item["code"], item["title"], item["parent"]) for item in units["items"]] == [
        ("2221", "Nursing professionals", "222"),
        ("2222", "Midwifery professionals", "222"),
    ]
    assert api.get("/talent/occupations", {"code": "22", "level": 4}).json()["count"] == 15
    assert api.get("/talent/occupations", {"level": 1}).json()["count"] == 10
    assert api.get("/talent/occupations", {"level": 5}).status_code == 422
    assert anonymous_api.get("/talent/occupations").status_code == 401
