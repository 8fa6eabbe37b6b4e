"""The fields an import fills (source, sectors, classifier themes, funding chain,
findings) and the hub's own additions (humanitarian, Action Plan, notes) over the API."""

from decimal import Decimal

import pytest

from partnerhub.registry.models import Engagement
from tests.api.test_engagement_writing import full_payload
from tests.registry.imported_records import EXPLANATION, FINDINGS, looks_imported

pytestmark = pytest.mark.django_db


def test_detail_shows_source_freshness_sectors_findings_and_classifier_themes(cast, token_api):
    engagement = looks_imported(cast.engagement(cast.commission, cast.commission_desk_officer))

    body = token_api(cast.german_ministry_editor).get(f"/engagements/{engagement.pk}").json()

    assert body["source"]["name"] == engagement.source.name
    assert body["source"]["kind"] == "iati"
    assert body["source"]["is_stale"] is False
    assert body["source"]["last_refreshed_at"] is not None
    assert body["iati_last_updated"] is not None
    assert body["import_findings"] == FINDINGS
    assert [(s["vocabulary"], s["code"], Decimal(s["percentage"])) for s in body["sectors"]] == [
        ("1", "15190", 60),
        ("2", "151", 40),
    ]
    [theme] = body["themes"]
    assert theme["assigned_by"] == "classifier"
    assert Decimal(theme["confidence"]) == Decimal("0.85")
    assert theme["explanation"] == EXPLANATION
    assert body["humanitarian"] is True
    assert body["action_plan_reference"] == "AP-MAR-3.2"
    assert body["notes"] == "Discussed at the Rabat meeting."


def test_money_lines_carry_the_funding_chain(cast, token_api):
    engagement = looks_imported(cast.engagement(cast.commission, cast.commission_desk_officer))

    [line] = token_api(cast.commission_desk_officer).get(f"/engagements/{engagement.pk}").json()["money"]

    assert (line["provider_ref"], line["provider_activity"]) == ("XI-IATI-EC_INTPA", "XI-IATI-EC_INTPA-2021/123")
    assert (line["receiver_ref"], line["receiver_activity"]) == ("XM-DAC-47066", "XM-DAC-47066-MA-77")


def test_source_not_refreshed_within_its_limit_is_stale(cast, token_api):
    engagement = looks_imported(
        cast.engagement(cast.commission, cast.commission_desk_officer), refreshed_days_ago=31, stale_after_days=30
    )

    body = token_api(cast.commission_desk_officer).get(f"/engagements/{engagement.pk}").json()

    assert body["source"]["is_stale"] is True


def test_engagement_entered_by_hand_has_no_source_sectors_or_findings(cast, token_api):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)

    body = token_api(cast.commission_desk_officer).get(f"/engagements/{engagement.pk}").json()

    assert body["source"] is None and body["iati_last_updated"] is None
    assert body["sectors"] == [] and body["import_findings"] == []
    assert body["themes"][0]["assigned_by"] == "user"
    assert body["themes"][0]["confidence"] is None
    assert body["humanitarian"] is False and body["notes"] == ""


def test_editor_records_humanitarian_flag_action_plan_reference_and_notes(cast, token_api):
    payload = full_payload(
        cast, humanitarian=True, action_plan_reference="AP-MAR-1.4", notes="Follow-up agreed with the delegation."
    )

    response = token_api(cast.german_ministry_editor).post("/engagements", payload)

    assert response.status_code == 201, response.content
    engagement = Engagement.objects.unrestricted("test").get(pk=response.json()["id"])
    assert engagement.humanitarian is True
    assert engagement.action_plan_reference == "AP-MAR-1.4"
    assert engagement.notes == "Follow-up agreed with the delegation."


def test_new_fields_are_optional_and_default_to_empty(cast, token_api):
    response = token_api(cast.german_ministry_editor).post("/engagements", full_payload(cast))

    body = response.json()
    assert (body["humanitarian"], body["action_plan_reference"], body["notes"]) == (False, "", "")


def test_patch_changes_the_notes_and_keeps_the_rest(cast, token_api):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor, action_plan_reference="AP-MAR-2.1")
    api = token_api(cast.german_ministry_editor)

    response = api.patch(f"/engagements/{engagement.pk}", {"notes": "Second phase under review."})

    assert response.status_code == 200, response.content
    engagement.refresh_from_db()
    assert engagement.notes == "Second phase under review."
    assert engagement.action_plan_reference == "AP-MAR-2.1"


@pytest.mark.parametrize(
    "field, value",
    [
        ("action_plan_reference", "x" * 101),
        ("humanitarian", "perhaps"),
        ("notes", "a\x00b"),
    ],
)
def test_bad_new_field_values_are_refused_naming_the_field(cast, token_api, field, value):
    api = token_api(cast.german_ministry_editor)

    response = api.post("/engagements", full_payload(cast, **{field: value}))

    assert response.status_code == 422
    assert ["body", field] in [item["loc"] for item in response.json()["detail"]]


def test_patching_the_notes_keeps_the_funding_chain_of_the_money(cast, token_api):
    engagement = looks_imported(cast.engagement(cast.commission, cast.commission_desk_officer))

    response = token_api(cast.commission_desk_officer).patch(
        f"/engagements/{engagement.pk}", {"notes": "Checked with the delegation."}
    )

    assert response.status_code == 200, response.content
    [line] = response.json()["money"]
    assert (line["provider_ref"], line["receiver_activity"]) == ("XI-IATI-EC_INTPA", "XM-DAC-47066-MA-77")


def test_replacing_an_engagement_with_the_same_money_keeps_its_funding_chain(cast, token_api):
    engagement = looks_imported(cast.engagement(cast.german_interior, cast.german_ministry_editor))
    api = token_api(cast.german_ministry_editor)
    money = [
        {"kind": "commitment", "amount": "1000000", "currency": "EUR", "value_date": "2023-03-01"},
        {"kind": "disbursement", "amount": "5000", "currency": "EUR", "value_date": "2023-04-01"},
    ]

    response = api.put(
        f"/engagements/{engagement.pk}",
        full_payload(cast, money=money, sharing_level="eu", shared_with_organisations=[], shared_with_countries=[]),
    )

    assert response.status_code == 200, response.content
    lines = {line["kind"]: line for line in response.json()["money"]}
    assert lines["commitment"]["provider_ref"] == "XI-IATI-EC_INTPA", "the same line as before"
    assert lines["disbursement"]["provider_ref"] == "", "a new line has no chain"
