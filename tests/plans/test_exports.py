"""A plan's actions as CSV and XLSX: one row per action and indicator, for whoever may see the plan."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partnerhub.core.history import events_of
from partnerhub.plans.services import update_action, update_indicator
from tests.plans.factories import action_for, indicator_for, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cast):
    plan = plan_for(cast)
    centre = action_for(
        cast,
        plan,
        description="Open a reintegration centre",
        lead=cast.giz,
        contributing_organisations=[cast.iom, cast.french_foreign_affairs],
        deadline=date(2025, 6, 30),
    )
    counselled = indicator_for(cast, centre, name="People counselled", baseline=Decimal(50), target=Decimal(550))
    update_indicator(
        counselled,
        {"latest_value": Decimal(300), "latest_value_on": date(2026, 3, 1)},
        acting_user=cast.german_ministry_editor,
    )
    indicator_for(cast, centre, name="Centres opened", target=Decimal(2))
    rating = {"rag_override": "red", "rag_override_reason": "Lease cancelled"}
    update_action(centre, rating, acting_user=cast.german_ministry_editor)
    action_for(cast, plan, description='=HYPERLINK("http://evil")', deadline=None, status="planned")
    return plan


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_a_row_per_action_and_indicator_with_the_ratings_and_values(cast, plan):
    response = client_for(cast.commission_desk_officer).get(reverse("plans:plan_export", args=[plan.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"action-plan-{plan.pk}-v1-" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [(row["action"], row["indicator"]) for row in rows] == [
        ("Open a reintegration centre", "People counselled"),
        ("Open a reintegration centre", "Centres opened"),
        ('\'=HYPERLINK("http://evil")', ""),  # no deadline: last
    ]
    counselled = rows[0]
    # By name: the International Organization for Migration before the French ministry.
    assert counselled["contributing_organisations"] == f"{cast.iom}; {cast.french_foreign_affairs}"
    assert (counselled["theme"], counselled["deadline"], counselled["status"], counselled["overdue"]) == (
        "RETURN-REINTEGRATION",
        "2025-06-30",
        "ongoing",
        "yes",
    )
    assert (counselled["rag"], counselled["rag_override"], counselled["rag_override_reason"]) == (
        "red",
        "red",
        "Lease cancelled",
    )
    # 250 of the 500 between baseline and target, the deadline past: amber, whatever today is.
    assert counselled["rag_suggested"] == "amber"
    values = [counselled[name] for name in ("baseline", "target", "latest_value", "latest_value_on")]
    assert values == ["50.00", "550.00", "300.00", "2026-03-01"]
    assert rows[1]["latest_value"] == "" and rows[2]["lead_organisation"] == str(cast.german_interior)


def test_the_xlsx_holds_the_same_rows_with_numbers_and_dates_as_cells(cast, plan):
    response = client_for(cast.commission_desk_officer).get(reverse("plans:plan_export", args=[plan.pk, "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["action_id", "action", "objective"] and header[-1] == "latest_value_on"
    by_indicator = {row[header.index("indicator")]: row for row in rows}
    counselled = by_indicator["People counselled"]
    assert counselled[header.index("latest_value")] == 300
    assert counselled[header.index("deadline")].date() == date(2025, 6, 30)
    assert len(rows) == 3 and sheet.title == "v1"


def test_the_export_is_as_hidden_as_the_plan_and_logged_for_a_confidential_one(
    cast, plan, django_assert_max_num_queries
):
    own = plan_for(cast, title="Own plan", sharing_level="originator")
    action_for(cast, own)
    outsider = client_for(cast.french_ministry_editor)
    for file_format in ("csv", "xlsx"):
        assert outsider.get(reverse("plans:plan_export", args=[own.pk, file_format])).status_code == 404
    assert outsider.get(reverse("plans:plan_export", args=[plan.pk, "pdf"])).status_code == 404
    owner = client_for(cast.german_ministry_editor)
    with django_assert_max_num_queries(12):
        response = owner.get(reverse("plans:plan_export", args=[own.pk, "xlsx"]))
    assert response.status_code == 200
    assert events_of(own, ["plan.exported"]).get().user == cast.german_ministry_editor
    assert not events_of(plan, ["plan.exported"]).exists()  # an EU plan's readers are not logged
    assert client_for(None).get(reverse("plans:plan_export", args=[plan.pk, "csv"])).status_code == 404
