"""Country profiles and partner priorities over the API, for scripts of ministries and coordinators."""

from decimal import Decimal

import pytest

from partnerhub.analysis.models import PartnerPriority
from partnerhub.core.models import Event
from tests.support.builders import money, record
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(cast):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="EU programme",
        money_lines=[money("commitment", "600000"), money("budget", "700000")],
    )
    record(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French originator project",
        sharing_level="originator",
        money_lines=[money("commitment", "300000")],
    )


def test_the_profile_gives_the_callers_figures_only(cast, portfolio, token_api):
    body = token_api(cast.german_ministry_editor).get("/countries/MAR/profile").json()
    assert Decimal(body["team_europe_total"]) == Decimal("600000")
    assert body["undisclosed"] is True
    assert {row["label"] for row in body["by_actor"]} == {"European Union"}
    french = token_api(cast.french_ministry_editor).get("/countries/mar/profile", {"money": "commitment"}).json()
    assert Decimal(french["team_europe_total"]) == Decimal("900000") and french["undisclosed"] is False


def test_profile_of_budgets_and_bad_parameters(cast, portfolio, token_api):
    api = token_api(cast.commission_desk_officer)
    assert Decimal(api.get("/countries/MAR/profile", {"money": "budget"}).json()["team_europe_total"]) == 700000
    response = api.get("/countries/MAR/profile", {"money": "pledges"})
    assert response.status_code == 422 and error_locations(response) == [["query", "money"]]
    assert api.get("/countries/DEU/profile").status_code == 404


def test_partner_authority_records_reads_and_removes_a_priority(cast, token_api):
    api = token_api(cast.moroccan_ministry_user)
    response = api.post(
        "/countries/MAR/priorities",
        {
            "theme": "LEGAL-LABOUR",
            "description": "Seasonal work schemes with fair recruitment",
            "source": "Letter of the Minister",
            "stated_on": "2025-02-11",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["theme"], created["country"], created["sharing_level"]) == ("LEGAL-LABOUR", "MAR", "partner")
    assert [p["id"] for p in api.get("/countries/MAR/priorities").json()] == [created["id"]]
    assert token_api(cast.tunisian_ministry_user).get("/countries/MAR/priorities").json() == []
    assert token_api(cast.tunisian_ministry_user).delete(f"/priorities/{created['id']}").status_code == 404
    assert api.delete(f"/priorities/{created['id']}").status_code == 204
    assert not PartnerPriority.objects.unrestricted("test").exists()


def test_priority_errors_name_the_field(cast, token_api):
    api = token_api(cast.coordinator)
    response = api.post(
        "/countries/MAR/priorities", {"theme": "NOPE", "description": "x", "source": "y", "stated_on": "2025-02-11"}
    )
    assert response.status_code == 422 and error_locations(response) == [["body", "theme"]]
    response = api.post(
        "/countries/MAR/priorities",
        {
            "theme": "DEV-REMIT",
            "description": "x",
            "source": "y",
            "stated_on": "2025-02-11",
            "sharing_level": "originator",
        },
    )
    assert response.status_code == 422 and error_locations(response) == [["body", "sharing_level"]]
    assert not PartnerPriority.objects.unrestricted("test").exists()


def test_viewers_cannot_record_priorities(cast, token_api):
    response = token_api(cast.giz_viewer).post(
        "/countries/MAR/priorities",
        {"theme": "DEV-REMIT", "description": "x", "source": "y", "stated_on": "2025-02-11"},
    )
    assert response.status_code == 403


def test_only_the_owner_organisation_changes_or_removes_a_priority_over_the_api(cast, token_api):
    ministry = token_api(cast.moroccan_ministry_user)
    created = ministry.post(
        "/countries/MAR/priorities",
        {
            "theme": "LEGAL-LABOUR",
            "description": "Seasonal work schemes",
            "source": "Letter of the Minister",
            "stated_on": "2025-02-11",
        },
    ).json()
    rewrite = {
        "theme": "LEGAL-LABOUR",
        "description": "Rewritten by the EU side",
        "source": "Letter",
        "stated_on": "2025-02-11",
        "sharing_level": "public",
    }
    coordinator = token_api(cast.coordinator)
    assert coordinator.put(f"/priorities/{created['id']}", rewrite).status_code == 403
    assert coordinator.delete(f"/priorities/{created['id']}").status_code == 403
    priority = PartnerPriority.objects.unrestricted("test").get()
    assert (priority.description, priority.sharing_level) == ("Seasonal work schemes", "partner")
    response = ministry.put(f"/priorities/{created['id']}", {**rewrite, "description": "Seasonal work, widened"})
    assert response.status_code == 200, response.content
    assert (response.json()["description"], response.json()["sharing_level"]) == ("Seasonal work, widened", "public")
    assert list(Event.objects.filter(object_id=priority.pk).order_by("pk").values_list("name", flat=True)) == [
        "priority.created",
        "priority.updated",
        "priority.sharing_changed",
    ]


def test_the_partner_ministry_cannot_widen_the_delegations_priority_over_the_api(cast, token_api):
    created = (
        token_api(cast.coordinator)
        .post(
            "/countries/MAR/priorities",
            {
                "theme": "DEV-REMIT",
                "description": "Cheaper remittances",
                "source": "Meeting",
                "stated_on": "2025-02-11",
            },
        )
        .json()
    )
    response = token_api(cast.moroccan_ministry_user).put(
        f"/priorities/{created['id']}",
        {
            "theme": "DEV-REMIT",
            "description": "Cheaper remittances",
            "source": "Meeting",
            "stated_on": "2025-02-11",
            "sharing_level": "public",
        },
    )
    assert response.status_code == 403
    assert PartnerPriority.objects.unrestricted("test").get().sharing_level == "partner"
    assert (
        token_api(cast.iom_officer)
        .put(
            f"/priorities/{created['id']}",
            {"theme": "DEV-REMIT", "description": "x", "source": "y", "stated_on": "2025-02-11"},
        )
        .status_code
        == 404
    )
