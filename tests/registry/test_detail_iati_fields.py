"""The engagement page shows what an import brought and what the hub added:
source freshness, findings, classifier themes, sectors, the funding chain."""

import re
from datetime import date

import pytest
from django.urls import reverse

from partnerhub.registry.models import Engagement, MoneyLine
from tests.registry.imported_records import looks_imported
from tests.support.builders import add_money
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def detail_url(engagement) -> str:
    return reverse("registry:engagement_detail", args=[engagement.pk])


def page_of(user, engagement) -> str:
    return client_for(user).get(detail_url(engagement)).content.decode()


def imported(cast, **options):
    return looks_imported(
        cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public"), **options
    )


def test_detail_shows_humanitarian_flag_action_plan_reference_and_notes(cast):
    body = page_of(cast.german_ministry_editor, imported(cast))

    assert "Yes: relates entirely or partly to humanitarian aid" in body
    assert "AP-MAR-3.2" in body
    assert "Discussed at the Rabat meeting." in body
    assert "Kept in the hub; never exported." in body


def test_engagement_entered_by_hand_says_not_humanitarian_and_has_no_notes_section(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)

    body = page_of(cast.commission_desk_officer, engagement)

    assert "Humanitarian" in body and "Yes: relates" not in body
    assert "notes-heading" not in body
    assert "Data source" not in body and "Import findings" not in body


def test_detail_shows_the_source_and_when_it_was_last_refreshed(cast):
    engagement = imported(cast)

    body = page_of(None, engagement)

    assert engagement.source.name in body and "IATI activity file" in body
    assert "Source last refreshed" in body
    assert "data-stale" not in body
    assert "Last updated by the IATI publisher" in body


def test_source_older_than_its_limit_is_flagged_stale(cast):
    engagement = imported(cast, refreshed_days_ago=45, stale_after_days=30)

    body = page_of(None, engagement)

    assert "data-stale" in body and "Stale" in body
    assert "Not refreshed within 30 days." in body


def test_import_findings_are_flagged_by_tier_most_serious_first(cast):
    engagement = imported(cast)
    Engagement.objects.unrestricted("test").filter(pk=engagement.pk).update(
        import_findings=[
            {"tier": "warning", "field": "value", "message": "The value -5e-10 was read as 0."},
            {"tier": "error", "field": "sector", "message": "A sector without a code was dropped."},
        ]
    )

    body = page_of(cast.commission_desk_officer, engagement)

    tiers = re.findall(r'data-finding-tier="(\w+)"', body)
    assert tiers == ["error", "warning"]
    assert "Errors: imported, the field was left empty" in body
    assert "<strong>sector</strong>: A sector without a code was dropped." in body
    assert "The value -5e-10 was read as 0." in body


def test_classifier_theme_shows_its_confidence_and_explanation(cast):
    body = page_of(cast.french_embassy_viewer, imported(cast))

    assert "Suggested by the classifier (confidence 85 %)" in body
    assert "&#x27;réintégration&#x27; in description → Return, readmission and reintegration" in body


def test_theme_chosen_by_a_user_carries_no_classifier_note(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)

    assert "Suggested by the classifier" not in page_of(cast.commission_desk_officer, engagement)


def test_sectors_show_their_codes_vocabularies_and_percentages(cast):
    body = page_of(None, imported(cast))

    assert '<code>15190</code> <span class="ph-muted">(DAC 5-digit)</span> — 60 %' in body
    assert '<code>151</code> <span class="ph-muted">(DAC 3-digit)</span> — 40 %' in body


def test_money_line_names_provider_and_receiver_and_links_known_activities(cast):
    engagement = imported(cast)
    funder = cast.engagement(
        cast.commission, cast.commission_desk_officer, sharing_level="public", title="EU regional programme"
    )
    Engagement.objects.unrestricted("test").filter(pk=funder.pk).update(iati_identifier="XI-IATI-EC_INTPA-2021/123")

    body = page_of(None, engagement)

    assert "Provider → receiver" in body
    assert "European Commission – DG INTPA" in body, "provider named after its IATI identifier"
    assert "International Organization for Migration" in body
    assert f'href="{funder.get_absolute_url()}"' in body and "EU regional programme" in body
    assert "<code>XM-DAC-47066-MA-77</code>" in body, "unknown activity shown by its identifier"


def test_funding_chain_never_links_an_activity_the_viewer_may_not_see(cast):
    engagement = imported(cast)
    hidden = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="German confidential file"
    )
    Engagement.objects.unrestricted("test").filter(pk=hidden.pk).update(iati_identifier="XM-DAC-47066-MA-77")

    body = page_of(cast.french_ministry_editor, engagement)

    assert "German confidential file" not in body
    assert hidden.get_absolute_url() not in body


def test_funding_chain_naming_the_engagement_itself_says_so_without_a_link(cast):
    engagement = imported(cast)
    Engagement.objects.unrestricted("test").filter(pk=engagement.pk).update(iati_identifier="XI-IATI-EC_INTPA-2021/123")

    body = page_of(None, engagement)

    assert "(this engagement)" in body


def test_money_without_a_funding_chain_has_no_provider_column(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)

    assert "Provider → receiver" not in page_of(cast.commission_desk_officer, engagement)


def test_detail_of_an_imported_record_runs_a_fixed_number_of_queries(cast, django_assert_num_queries):
    engagement = imported(cast)
    for amount in ("1", "2", "3"):
        add_money(engagement, cast.commission_desk_officer, "disbursement", amount, value_date=date(2024, 1, 5))
    MoneyLine.objects.unrestricted("test").filter(engagement=engagement).update(
        provider_ref="XI-IATI-EC_INTPA",
        provider_activity="XI-IATI-EC_INTPA-2021/123",
        receiver_ref="XM-DAC-47066",
    )
    client = client_for(cast.commission_desk_officer)
    # session, user, circle, the record, 10 prefetches, the organisations and the
    # engagements named by the funding chain (one query each, for all lines),
    # history (with the names of the countries and themes it mentions), access log,
    # header organisations, links out and in, the lessons drawn from it (knowledge's panel).
    with django_assert_num_queries(24):
        client.get(detail_url(engagement))
