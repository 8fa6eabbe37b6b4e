"""The matching over the API: a need's suggestions, a supply's, the coordinators' overrides; hidden
records answer 404 and never add to what is answered."""

import pytest

from partnerhub.talent.models import MatchOverride
from tests.support.clients import error_locations
from tests.talent import builders
from tests.talent.override_factories import german_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurses(cast):
    builders.without_safeguard_lists()
    builders.who_2023_list()
    need = builders.need(cast.german_interior, "DEU", "2221", 100, languages="de")
    builders.supply(cast.moroccan_interior, "MAR", "2221", workers=80, languages="de")
    builders.supply(cast.iom, "NGA", "2221", workers=300, languages="en")
    builders.supply(cast.french_foreign_affairs, "TUN", "2221", workers=999, sharing_level="originator")
    return need


def test_a_needs_suggestions_ranked_then_blocked_with_every_factor(cast, nurses, token_api):
    response = token_api(cast.german_ministry_editor).get("/talent/matches", {"need": nurses.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    morocco, nigeria = body["items"]
    assert (morocco["partner_country"], morocco["rank"], morocco["blocked"]) == ("MAR", 1, False)
    assert [f["name"] for f in morocco["factors"]] == ["occupation", "volume", "language", "cooperation"]
    assert [f["value"] for f in morocco["factors"]] == [1.0, 0.8, 1.0, 0.0]
    assert morocco["score"] == pytest.approx(0.35 + 0.35 * 0.8 + 0.15)
    assert (nigeria["partner_country"], nigeria["rank"], nigeria["blocked"]) == ("NGA", None, True)
    assert "WHO SSL 2023" in nigeria["safeguards"]
    assert "TUN" not in response.content.decode()


def test_a_supplys_member_states_and_hidden_supply_is_404(cast, nurses, token_api):
    api = token_api(cast.german_ministry_editor)
    body = api.get("/talent/matches", {"supply_country": "MAR", "occupation": "2221"}).json()
    assert [(item["member_state"], item["rank"]) for item in body["items"]] == [("DEU", 1)]
    assert api.get("/talent/matches", {"supply_country": "TUN", "occupation": "2221"}).status_code == 404
    french = token_api(cast.french_ministry_editor).get(
        "/talent/matches", {"supply_country": "TUN", "occupation": "2221"}
    )
    assert french.status_code == 200


def test_bad_questions_answer_422_naming_the_field(cast, nurses, token_api):
    api = token_api(cast.german_ministry_editor)
    assert error_locations(api.get("/talent/matches")) == [["query", "need"]]
    assert error_locations(api.get("/talent/matches", {"supply_country": "MAR"})) == [["query", "occupation"]]
    both = api.get("/talent/matches", {"need": nurses.pk, "supply_country": "MAR", "occupation": "2221"})
    assert error_locations(both) == [["query", "need"]]


def test_a_hidden_need_answers_404(cast, token_api):
    hidden = builders.need(cast.german_interior, "DEU", "2221", 10, sharing_level="originator")
    assert token_api(cast.french_ministry_editor).get("/talent/matches", {"need": hidden.pk}).status_code == 404


def test_a_coordinator_records_and_withdraws_an_override(cast, nurses, token_api):
    api = token_api(german_coordinator(cast))
    body = {"need": nurses.pk, "country": "NGA", "occupation": "2221", "decision": "allow", "reason": "G2G agreement"}
    created = api.post("/talent/overrides", body)
    assert created.status_code == 201, created.content
    override_id = created.json()["id"]
    items = api.get("/talent/matches", {"need": nurses.pk}).json()["items"]
    nigeria = next(item for item in items if item["partner_country"] == "NGA")
    assert nigeria["blocked"] is False and "G2G agreement" in nigeria["override"]
    assert api.post("/talent/overrides", body).status_code == 422
    withdrawn = api.post(f"/talent/overrides/{override_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert MatchOverride.objects.visible_to(german_coordinator(cast)).get().withdrawn_at is not None


def test_overrides_are_refused_to_editors_and_hidden_needs_are_404(cast, nurses, token_api):
    body = {"need": nurses.pk, "country": "NGA", "occupation": "2221", "decision": "allow", "reason": "x"}
    assert token_api(cast.german_ministry_editor).post("/talent/overrides", body).status_code == 403
    hidden = builders.need(cast.french_foreign_affairs, "FRA", "2221", 10, sharing_level="originator")
    coordinator = token_api(german_coordinator(cast))
    assert coordinator.post("/talent/overrides", {**body, "need": hidden.pk}).status_code == 404
    bad = coordinator.post("/talent/overrides", {**body, "country": "XXX", "occupation": "99"})
    assert sorted(error_locations(bad)) == [["body", "country"], ["body", "occupation"]]
