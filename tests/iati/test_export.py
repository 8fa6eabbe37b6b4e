"""IATI export: valid 2.03 XML of the public engagements, from the command and
from the engagement list, with every field the importer reads."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerhub.iati.export import iati_identifier_of, iati_xml_chunks
from partnerhub.registry.models import Engagement, EngagementLink, EngagementSector, MoneyLine
from partnerhub.registry.services import MoneyInput, input_from_engagement, update_engagement
from tests.iati.export_support import XML_LANG, activities_of, exported, needs_schema, schema_errors
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("iati:export")
TITLE = "Sustainable reintegration of returnees in Morocco and Tunisia"
EXTRA = {
    "narratives": {
        "title": [
            {"lang": "en", "text": TITLE},
            {"lang": "fr", "text": "Réintégration durable des migrants de retour"},
        ],
        "description": [
            {"type": "1", "lang": "en", "text": "Counselling and small grants."},
            {"type": "1", "lang": "fr", "text": "Conseil et petites subventions."},
            {"type": "2", "lang": "en", "text": "Fewer irregular departures."},
        ],
    },
    "reporting_org": {"ref": "XI-IATI-EC_INTPA", "type": "15", "name": "European Commission - INTPA"},
    "country_percentages": {"MA": "60", "TN": "40"},
    "regions": [{"code": "289", "vocabulary": "1", "percentage": "100"}],
    "policy_markers": [{"vocabulary": "1", "code": "1", "significance": "1"}],
    "tags": [{"vocabulary": "3", "code": "10.7", "text": "Orderly and safe migration"}],
    "budgets": [
        {
            "type": "1",
            "status": "2",
            "period_start": "2023-01-01",
            "period_end": "2023-12-31",
            "value": "900000",
            "currency": "EUR",
            "value_date": "2023-01-01",
        }
    ],
    "related_activities": [{"ref": "XI-IATI-EC_INTPA-2021/PARENT", "type": "1"}],
    "other_transactions": [
        {
            "type": "11",
            "value": "25000",
            "currency": "EUR",
            "value_date": "2023-05-02",
            "transaction_date": "2023-05-02",
        }
    ],
    "money_without_eur_rate": [
        {"kind": "disbursement", "amount": "1500000", "currency": "XDR", "value_date": "2023-07-01"}
    ],
    "hierarchy": "2",
    "default_currency": "EUR",
}


def with_every_field(cast, engagement: Engagement) -> Engagement:
    """Money of every kind, every role, shares, sectors, a funding chain and the
    IATI data the registry keeps aside, on an existing engagement."""
    data = input_from_engagement(engagement)
    data.countries = [
        (country, share) for (country, _), share in zip(data.countries, (Decimal(60), Decimal(40)), strict=True)
    ]
    data.participations = [
        (cast.commission, "funder"),
        (cast.moroccan_interior, "counterpart"),
        (cast.eu_delegation_morocco, "lead"),
        (cast.commission, "extending"),
        (cast.iom, "implementer"),
    ]
    data.money += [
        MoneyInput("budget", Decimal("900000"), "EUR", date(2023, 1, 1)),
        MoneyInput("budget", Decimal("400000"), "EUR", date(2024, 1, 1)),
        MoneyInput("disbursement", Decimal("250000.50"), "USD", date(2023, 6, 1)),
        MoneyInput("expenditure", Decimal("120000"), "EUR", date(2023, 9, 1)),
        MoneyInput("incoming", Decimal("1000000"), "EUR", date(2023, 2, 1)),
    ]
    data.fields.update(
        humanitarian=True,
        external_reference="INTPA-2023-17",
        actual_start=date(2023, 2, 1),
        notes="Not for publication.",
        action_plan_reference="AP-MAR-3.2",
    )
    update_engagement(engagement, data, acting_user=cast.commission_desk_officer)
    MoneyLine.objects.unrestricted("test").filter(engagement=engagement, kind="disbursement").update(
        provider_ref="XI-IATI-EC_INTPA",
        provider_activity="XI-IATI-EC_INTPA-2021/PARENT",
        receiver_ref="XM-DAC-47066",
        receiver_activity="XM-DAC-47066-MA-1",
    )
    EngagementSector.objects.bulk_create(
        [
            EngagementSector(engagement=engagement, vocabulary="1", code="15190", percentage=Decimal(60)),
            EngagementSector(engagement=engagement, vocabulary="1", code="16010", percentage=Decimal(40)),
            EngagementSector(engagement=engagement, vocabulary="99", code="MIG-RETURN"),
        ]
    )
    Engagement.objects.unrestricted("test").filter(pk=engagement.pk).update(
        iati_extra=EXTRA, description="Counselling and small grants."
    )
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def portfolio(cast):
    full = with_every_field(
        cast,
        cast.engagement(
            cast.commission, cast.commission_desk_officer, sharing_level="public", title=TITLE, countries=("MAR", "TUN")
        ),
    )
    bare = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="public",
        title="Border dialogue",
        planned_start=None,
        planned_end=None,
        amount=None,
        themes=(),
    )
    sibling = cast.engagement(
        cast.commission, cast.commission_desk_officer, sharing_level="public", title="Second phase"
    )
    restricted = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        sharing_level="restricted",
        title="Confidential readmission talks",
        shared_with=[cast.iom],
    )
    limite = cast.engagement(
        cast.commission, cast.commission_desk_officer, sharing_level="eu", title="EU-only programme"
    )
    EngagementLink.objects.bulk_create(
        [
            EngagementLink(source=full, target=sibling, kind="follows"),
            EngagementLink(source=full, target=restricted, kind="related"),
        ]
    )
    return {"full": full, "bare": bare, "sibling": sibling, "restricted": restricted, "limite": limite}


def export_all() -> bytes:
    return exported(Engagement.objects.unrestricted("test").all())


def activity_of(document: bytes, engagement: Engagement):
    return activities_of(document)[iati_identifier_of(engagement, "XX-PARTNERHUB")]


# -- validity and confidentiality ----------------------------------------------------


@needs_schema
def test_portfolio_with_every_field_is_valid_against_the_official_203_schema(portfolio):
    document = export_all()

    assert schema_errors(document) == []
    assert len(activities_of(document)) == 3


def test_only_public_engagements_are_in_the_file(portfolio):
    document = export_all()

    titles = {activity.findtext("title/narrative") for activity in activities_of(document).values()}
    assert titles == {TITLE, "Border dialogue", "Second phase"}
    assert b"Confidential readmission talks" not in document
    assert b"EU-only programme" not in document


def test_owner_downloading_the_list_gets_no_restricted_record_of_their_own(portfolio, cast):
    response = client_for(cast.commission_desk_officer).get(EXPORT_URL)

    document = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert b"Confidential readmission talks" not in document
    assert b"EU-only programme" not in document
    assert len(activities_of(document)) == 3


def test_link_to_a_restricted_engagement_is_not_named_in_the_file(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    related = {(r.get("ref"), r.get("type")) for r in activity.iterfind("related-activity")}
    assert related == {
        ("XI-IATI-EC_INTPA-2021/PARENT", "1"),
        (iati_identifier_of(portfolio["sibling"], "XX-PARTNERHUB"), "3"),
    }
    assert str(portfolio["restricted"].pk) not in " ".join(ref for ref, _kind in related)


def test_notes_and_action_plan_reference_stay_in_the_hub(portfolio):
    document = export_all()

    assert b"Not for publication." not in document and b"AP-MAR-3.2" not in document


# -- what each activity says --------------------------------------------------------


def test_identifier_of_a_hub_record_is_built_from_the_owner_and_the_record_number(portfolio, settings):
    settings.IATI_EXPORT_PREFIX = "XM-EXAMPLE"
    ids = set(activities_of(exported(Engagement.objects.unrestricted("test").all())))

    assert f"XI-IATI-EC_INTPA-PH-{portfolio['full'].pk}" in ids
    assert f"XM-EXAMPLE-PH-{portfolio['bare'].pk}" in ids, "owner without an IATI identifier"


def test_existing_iati_identifier_is_kept(portfolio):
    Engagement.objects.unrestricted("test").filter(pk=portfolio["full"].pk).update(
        iati_identifier="XI-IATI-EC_INTPA-2023/17"
    )

    assert "XI-IATI-EC_INTPA-2023/17" in activities_of(export_all())


def test_activity_attributes_say_language_humanitarian_hierarchy_currency_and_last_update(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    assert activity.get(XML_LANG) == "en"
    assert activity.get("humanitarian") == "1"
    assert activity.get("hierarchy") == "2" and activity.get("default-currency") == "EUR"
    assert datetime.fromisoformat(activity.get("last-updated-datetime")) == portfolio["full"].updated_at


def test_last_update_is_the_publishers_when_the_activity_came_from_iati(portfolio):
    published = datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    Engagement.objects.unrestricted("test").filter(pk=portfolio["full"].pk).update(iati_last_updated=published)

    activity = activity_of(export_all(), portfolio["full"])

    assert activity.get("last-updated-datetime") == "2024-03-05T14:30:00+00:00"


def test_reporting_org_is_the_owner_with_its_identifier_and_type(portfolio):
    full = activity_of(export_all(), portfolio["full"])
    bare = activity_of(export_all(), portfolio["bare"])

    assert (full.find("reporting-org").get("ref"), full.find("reporting-org").get("type")) == ("XI-IATI-EC_INTPA", "15")
    assert bare.find("reporting-org").get("ref") == f"XX-PARTNERHUB-ORG-{portfolio['bare'].owner_id}"
    assert bare.find("reporting-org").get("type") == "10"
    assert bare.findtext("reporting-org/narrative") == "Federal Ministry of the Interior (Germany)"


def test_title_and_descriptions_come_in_every_language_and_type(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    titles = [(n.get(XML_LANG), n.text) for n in activity.iterfind("title/narrative")]
    assert titles == [(None, TITLE), ("fr", "Réintégration durable des migrants de retour")]
    descriptions = [
        (d.get("type"), n.get(XML_LANG), n.text)
        for d in activity.iterfind("description")
        for n in d.iterfind("narrative")
    ]
    assert descriptions == [
        (None, None, "Counselling and small grants."),
        (None, "fr", "Conseil et petites subventions."),
        ("2", None, "Fewer irregular departures."),
    ]


def test_title_changed_in_the_hub_replaces_the_stored_narrative_of_its_language(portfolio):
    Engagement.objects.unrestricted("test").filter(pk=portfolio["full"].pk).update(
        title="Reintegration, second edition"
    )

    activity = activity_of(export_all(), portfolio["full"])

    titles = [(n.get(XML_LANG), n.text) for n in activity.iterfind("title/narrative")]
    assert titles == [(None, "Reintegration, second edition"), ("fr", "Réintégration durable des migrants de retour")]


def test_participating_organisations_carry_their_iati_roles(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    roles = {(p.findtext("narrative"), p.get("role"), p.get("ref")) for p in activity.iterfind("participating-org")}
    assert roles == {
        ("European Commission – DG INTPA", "1", "XI-IATI-EC_INTPA"),
        ("European Commission – DG INTPA", "3", "XI-IATI-EC_INTPA"),
        ("EU Delegation to Morocco", "2", None),
        ("Ministry of the Interior (Morocco)", "2", None),
        ("International Organization for Migration", "4", "XM-DAC-47066"),
    }


def test_record_without_participants_or_dates_names_its_owner_and_creation_day(portfolio):
    activity = activity_of(export_all(), portfolio["bare"])

    [participant] = activity.iterfind("participating-org")
    assert participant.get("role") == "2"
    [when] = activity.iterfind("activity-date")
    created_on = timezone.localdate(portfolio["bare"].created_at)  # the hub's day, not UTC's
    assert (when.get("type"), when.get("iso-date")) == ("1", created_on.isoformat())


def test_status_dates_countries_regions_sectors_tags_and_markers(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    assert activity.find("activity-status").get("code") == "2"
    assert {(d.get("type"), d.get("iso-date")) for d in activity.iterfind("activity-date")} == {
        ("1", "2023-01-01"),
        ("2", "2023-02-01"),
        ("3", "2025-12-31"),
    }
    assert [(c.get("code"), c.get("percentage")) for c in activity.iterfind("recipient-country")] == [
        ("MA", "60"),
        ("TN", "40"),
    ]
    assert [(r.get("code"), r.get("percentage")) for r in activity.iterfind("recipient-region")] == [("289", "100")]
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in activity.iterfind("sector")] == [
        ("1", "15190", "60.00"),
        ("1", "16010", "40.00"),
        ("99", "MIG-RETURN", None),
    ]
    assert activity.find("tag").get("code") == "10.7"
    assert activity.findtext("tag/narrative") == "Orderly and safe migration"
    assert dict(activity.find("policy-marker").attrib) == {"vocabulary": "1", "code": "1", "significance": "1"}
    assert activity.find("other-identifier").get("ref") == "INTPA-2023-17"


def test_budgets_keep_the_publishers_period_and_wording_or_take_the_engagements_dates(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    budgets = [
        (
            b.get("type"),
            b.get("status"),
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.findtext("value"),
        )
        for b in activity.iterfind("budget")
    ]
    assert budgets == [
        ("1", "2", "2023-01-01", "2023-12-31", "900000"),
        (None, None, "2023-02-01", "2025-12-31", "400000.00"),
    ]


def test_transactions_carry_type_value_date_currency_and_funding_chain(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    transactions = {
        (
            t.find("transaction-type").get("code"),
            t.findtext("value"),
            t.find("value").get("currency"),
            t.find("value").get("value-date"),
        ): t
        for t in activity.iterfind("transaction")
    }
    assert set(transactions) == {
        ("1", "1000000.00", "EUR", "2023-02-01"),
        ("2", "1000000.00", "EUR", "2023-03-01"),
        ("3", "250000.50", "USD", "2023-06-01"),
        ("4", "120000.00", "EUR", "2023-09-01"),
        ("3", "1500000", "XDR", "2023-07-01"),
        ("11", "25000", "EUR", "2023-05-02"),
    }
    disbursement = transactions[("3", "250000.50", "USD", "2023-06-01")]
    assert dict(disbursement.find("provider-org").attrib) == {
        "ref": "XI-IATI-EC_INTPA",
        "provider-activity-id": "XI-IATI-EC_INTPA-2021/PARENT",
    }
    assert dict(disbursement.find("receiver-org").attrib) == {
        "ref": "XM-DAC-47066",
        "receiver-activity-id": "XM-DAC-47066-MA-1",
    }
    assert disbursement.find("transaction-date").get("iso-date") == "2023-06-01"


def test_children_follow_the_order_of_the_schema(portfolio):
    activity = activity_of(export_all(), portfolio["full"])

    order = [child.tag for child in activity]
    expected = [
        "iati-identifier",
        "reporting-org",
        "title",
        "description",
        "participating-org",
        "other-identifier",
        "activity-status",
        "activity-date",
        "recipient-country",
        "recipient-region",
        "sector",
        "tag",
        "policy-marker",
        "budget",
        "transaction",
        "related-activity",
    ]
    assert [tag for tag in dict.fromkeys(order)] == expected
    assert order == sorted(order, key=expected.index)


# -- streaming ---------------------------------------------------------------------


def test_the_file_is_written_one_activity_at_a_time(portfolio):
    chunks = iati_xml_chunks(Engagement.objects.unrestricted("test").all())

    first = next(chunks)
    assert first.startswith(b"<?xml") and first.count(b"<iati-activity ") == 1
    rest = list(chunks)
    assert [chunk.count(b"<iati-activity ") for chunk in rest] == [1, 1, 0]
    assert rest[-1].strip() == b"</iati-activities>"


def test_activities_are_read_in_chunks_with_a_fixed_number_of_queries(portfolio, cast, django_assert_num_queries):
    for number in range(6):
        cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public", title=f"More {number}")
    # the rows, then country shares with their countries, participations with
    # their organisations, money, sectors and public links: one query each
    with django_assert_num_queries(6):
        document = export_all()
    assert len(activities_of(document)) == 9


def test_rows_are_read_chunk_by_chunk_so_memory_does_not_grow_with_them(
    portfolio, cast, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("partnerhub.iati.export.CHUNK_SIZE", 2)
    for number in range(6):
        cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public", title=f"More {number}")
    # one query for the rows, read as a stream, then the five relations of each
    # chunk of two: only one chunk of engagements is in memory at a time
    with django_assert_num_queries(1 + 5 * 5):
        document = export_all()
    assert len(activities_of(document)) == 9


# -- the command -------------------------------------------------------------------


def run_export(*arguments) -> str:
    out = StringIO()
    call_command("export-iati", *arguments, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_writes_the_public_engagements_to_the_file(portfolio, tmp_path):
    target = tmp_path / "activities.xml"

    message = run_export("--output", str(target))

    assert "3 activities written" in message
    assert len(activities_of(target.read_bytes())) == 3
    assert list(tmp_path.iterdir()) == [target], "no temporary file left behind"


def test_command_applies_the_list_filters(portfolio, cast, tmp_path):
    target = tmp_path / "tunisia.xml"
    cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        sharing_level="public",
        title="Tunisian labour mobility",
        countries=("TUN",),
        themes=("LEGAL-LABOUR",),
    )

    run_export("--output", str(target), "--country", "TUN", "--theme", "LEGAL", "--year-from", "2020")

    titles = {a.findtext("title/narrative") for a in activities_of(target.read_bytes()).values()}
    assert titles == {"Tunisian labour mobility"}


def test_command_refuses_a_bad_filter_naming_the_option(portfolio, tmp_path):
    target = tmp_path / "out.xml"

    with pytest.raises(CommandError, match="--country"):
        run_export("--output", str(target), "--country", "ZZZ")
    with pytest.raises(CommandError, match="--year-to"):
        run_export("--output", str(target), "--year-from", "2024", "--year-to", "2020")
    assert not target.exists()


def test_command_with_nothing_public_to_export_writes_nothing(cast, tmp_path):
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="restricted")
    target = tmp_path / "out.xml"

    with pytest.raises(CommandError, match="No public engagement"):
        run_export("--output", str(target))
    assert not target.exists()


def test_command_refuses_a_folder_that_does_not_exist(portfolio, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run_export("--output", str(tmp_path / "missing" / "out.xml"))


def test_command_writes_to_standard_output_with_a_dash(portfolio, capfdbinary):
    call_command("export-iati", "--output", "-", stderr=StringIO())

    assert capfdbinary.readouterr().out.count(b"<iati-activity ") == 3


# -- the download on the engagement list ------------------------------------------


def download(user, query=None):
    response = client_for(user).get(EXPORT_URL, query or {})
    return response, b"".join(response.streaming_content) if response.streaming else b""


def test_download_is_an_xml_attachment(portfolio):
    response, document = download(None)

    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith('attachment; filename="engagements-')
    assert response["Content-Disposition"].endswith('.iati.xml"')
    assert document.startswith(b"<?xml")


def test_anonymous_visitor_downloads_public_engagements_only(portfolio):
    _response, document = download(None)

    assert len(activities_of(document)) == 3
    assert b"Confidential readmission talks" not in document


def test_download_respects_the_filters_of_the_list(portfolio):
    _response, document = download(None, {"organisation": portfolio["bare"].owner_id})

    assert [a.findtext("title/narrative") for a in activities_of(document).values()] == ["Border dialogue"]


def test_download_with_nothing_public_goes_back_to_the_list_with_a_message(portfolio, cast):
    response = client_for(cast.commission_desk_officer).get(EXPORT_URL, {"q": "Confidential"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("registry:engagement_list") + "?q=Confidential"
    assert "No public engagement matches these filters." in response.content.decode()


def test_download_with_an_unknown_filter_value_exports_nothing_and_the_list_says_why(portfolio, cast):
    response = client_for(cast.commission_desk_officer).get(EXPORT_URL, {"country": "ZZZ"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("registry:engagement_list") + "?country=ZZZ"
    page = response.content.decode()
    assert "is not a partner country to choose from." in page
    assert "No public engagement matches these filters." in page


def test_download_answers_post_with_method_not_allowed(portfolio, cast):
    assert client_for(cast.commission_desk_officer).post(EXPORT_URL).status_code == 405


def test_download_runs_the_same_number_of_queries_for_few_and_many_rows(portfolio, cast, django_assert_num_queries):
    client = client_for(cast.german_ministry_editor)
    client.get(EXPORT_URL)  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(EXPORT_URL).streaming_content)
        return len(captured)

    few = queries()
    for number in range(8):
        with_every_field(
            cast,
            cast.engagement(
                cast.commission,
                cast.commission_desk_officer,
                sharing_level="public",
                title=f"Row {number}",
                countries=("MAR", "TUN"),
            ),
        )
    many = queries()
    assert few == many
    # session, user, circle, the partner countries and organisations the list's filter offers,
    # whether anything is public, then the rows and their five prefetched relations
    with django_assert_num_queries(12):
        b"".join(client.get(EXPORT_URL).streaming_content)
