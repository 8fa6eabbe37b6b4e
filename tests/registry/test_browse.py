"""Browsing engagements: the filtered list, its HTMX partial, and one record in full."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerhub.core.models import Event
from partnerhub.registry.models import Engagement, EngagementLink, Instrument
from partnerhub.registry.services import (
    change_sharing_level,
    input_from_engagement,
    update_engagement,
)
from tests.support.builders import add_money, mark_as_demo
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

LIST_URL = reverse("registry:engagement_list")


def listed_titles(response) -> set[str]:
    return {engagement.title for engagement in response.context["engagements"]}


def page_of(user, url: str) -> str:
    return client_for(user).get(url).content.decode()


def detail_url(engagement) -> str:
    return reverse("registry:engagement_detail", args=[engagement.pk])


# -- the list: who sees what -------------------------------------------------


def test_list_shows_only_the_engagements_the_viewer_may_see(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public", title="open")
    cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title="limite")
    cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="german only")

    assert listed_titles(client_for(None).get(LIST_URL)) == {"open"}
    assert listed_titles(client_for(cast.french_ministry_editor).get(LIST_URL)) == {"open", "limite"}
    assert listed_titles(client_for(cast.german_ministry_editor).get(LIST_URL)) == {"open", "limite", "german only"}


def test_list_row_shows_owner_countries_themes_status_period_sharing_and_commitments(cast):
    engagement = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        title="Row",
        countries=("MAR", "TUN"),
        themes=("LEGAL-LABOUR",),
        amount="1250000",
    )
    add_money(engagement, cast.commission_desk_officer, "budget", "9000000")

    page = client_for(cast.commission_desk_officer).get(LIST_URL).content.decode()

    for text in (
        "INTPA",
        "Morocco",
        "Tunisia",
        "Labour mobility and Talent Partnerships",
        "Implementation",
        "Jan 2023",
        "Dec 2025",
        "EUR 1,250,000",
        'title="EU (EU',
    ):
        assert text in page, text
    assert "EUR 9,000,000" not in page, "the budget is not a commitment"


def test_commitments_column_adds_only_commitment_lines(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, amount="100")
    add_money(engagement, cast.commission_desk_officer, "commitment", "50")
    add_money(engagement, cast.commission_desk_officer, "disbursement", "7000")

    response = client_for(cast.commission_desk_officer).get(LIST_URL)

    [row] = response.context["engagements"]
    assert row.commitments_eur == 150


def test_demo_engagements_carry_a_demo_label_in_the_list(cast):
    demo = cast.engagement(cast.commission, cast.commission_desk_officer, title="Invented")
    mark_as_demo(demo)

    page = client_for(cast.commission_desk_officer).get(LIST_URL).content.decode()

    assert "Demo data" in page


# -- the list: each filter ---------------------------------------------------


@pytest.fixture
def portfolio(cast):
    """Four EU-level records that differ in every filtered property."""
    make = cast.engagement
    return {
        "morocco": make(
            cast.commission,
            cast.commission_desk_officer,
            title="Morocco labour",
            countries=("MAR",),
            themes=("LEGAL-LABOUR",),
            kind="programme",
            status="pipeline",
            instrument=Instrument.objects.get(code="NDICI-GE"),
            planned_start=date(2021, 1, 1),
            planned_end=date(2022, 6, 30),
            description="Seasonal work schemes",
        ),
        "tunisia": make(
            cast.german_interior,
            cast.german_ministry_editor,
            title="Tunisia returns",
            countries=("TUN",),
            themes=("RETURN-REINTEGRATION",),
            instrument=Instrument.objects.get(code="EUTF-AFRICA"),
            planned_start=date(2024, 1, 1),
            planned_end=date(2026, 12, 31),
            external_reference="BMI-2024-17",
        ),
        "senegal": make(
            cast.french_foreign_affairs,
            cast.french_ministry_editor,
            title="Senegal dialogue",
            countries=("SEN",),
            themes=("GOV-DATA",),
            kind="dialogue",
            status="closed",
            sharing_level="public",
            planned_start=date(2019, 1, 1),
            planned_end=date(2019, 12, 31),
        ),
        "restricted": make(
            cast.german_interior,
            cast.german_ministry_editor,
            title="Restricted border",
            countries=("MAR",),
            themes=("IRREG-BORDER",),
            sharing_level="restricted",
            shared_with=[cast.commission],
            planned_start=date(2025, 1, 1),
            planned_end=date(2025, 12, 31),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=MAR", {"Morocco labour", "Restricted border"}),
        ("country=MAR&country=SEN", {"Morocco labour", "Restricted border", "Senegal dialogue"}),
        ("theme=LEGAL-LABOUR", {"Morocco labour"}),
        ("theme=RETURN", {"Tunisia returns"}),
        ("instrument=EUTF-AFRICA", {"Tunisia returns"}),
        ("kind=dialogue", {"Senegal dialogue"}),
        ("kind=programme&kind=dialogue", {"Morocco labour", "Senegal dialogue"}),
        ("status=pipeline", {"Morocco labour"}),
        ("status=closed", {"Senegal dialogue"}),
        ("sharing_level=restricted", {"Restricted border"}),
        ("sharing_level=public", {"Senegal dialogue"}),
        ("provenance=manual", {"Morocco labour", "Tunisia returns", "Senegal dialogue", "Restricted border"}),
        ("provenance=iati", set()),
        ("year_from=2024", {"Tunisia returns", "Restricted border"}),
        ("year_to=2020", {"Senegal dialogue"}),
        ("year_from=2022&year_to=2024", {"Morocco labour", "Tunisia returns"}),
        ("q=seasonal", {"Morocco labour"}),
        ("q=BMI-2024", {"Tunisia returns"}),
        ("q=dialogue", {"Senegal dialogue"}),
    ],
)
def test_each_filter_narrows_the_list(cast, portfolio, query, expected):
    response = client_for(cast.commission_desk_officer).get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert listed_titles(response) == expected


def test_organisation_filter_matches_owners_and_participants(cast, portfolio):
    data = input_from_engagement(portfolio["morocco"])
    data.participations = [(cast.giz, "implementer")]
    update_engagement(portfolio["morocco"], data, acting_user=cast.commission_desk_officer)

    response = client_for(cast.commission_desk_officer).get(
        f"{LIST_URL}?organisation={cast.giz.pk}&organisation={cast.german_interior.pk}"
    )

    assert listed_titles(response) == {"Morocco labour", "Tunisia returns", "Restricted border"}


def test_hidden_records_stay_out_whatever_the_filter(cast, portfolio):
    response = client_for(cast.french_ministry_editor).get(f"{LIST_URL}?sharing_level=restricted")

    assert listed_titles(response) == set()
    assert "Restricted border" not in response.content.decode()


@pytest.mark.parametrize(
    ("ordering", "first"),
    [
        ("title", "Morocco labour"),
        ("-title", "Tunisia returns"),
        ("start", "Senegal dialogue"),
        ("-start", "Restricted border"),
    ],
)
def test_sort_order_is_chosen_in_the_filter_form(cast, portfolio, ordering, first):
    response = client_for(cast.commission_desk_officer).get(f"{LIST_URL}?ordering={ordering}")

    assert [e.title for e in response.context["engagements"]][0] == first


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("year_from=abc", "year_from", "Enter a number."),
        ("year_from=1800", "year_from", "Give a year between"),
        ("year_from=2025&year_to=2020", "year_to", "The last year is before the first."),
        ("country=XXX", "country", "“XXX” is not a partner country to choose from."),
        ("kind=spaceship", "kind", "Select a valid choice."),
        ("ordering=password", "ordering", "Select a valid choice."),
    ],
)
def test_bad_filter_values_get_a_message_at_their_field_and_no_error_page(cast, portfolio, query, field, message):
    response = client_for(cast.commission_desk_officer).get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert message in " ".join(response.context["filter"].form.errors[field])
    page = response.content.decode()
    errors_block = page.split(f'id="id_{field}-errors"')[1].split("</div>\n</div>")[0]
    assert message.split(" %")[0][:20] in errors_block


def test_other_filters_still_apply_when_one_is_invalid(cast, portfolio):
    client = client_for(cast.commission_desk_officer)

    response = client.get(f"{LIST_URL}?year_from=abc&kind=dialogue")

    assert listed_titles(response) == {"Senegal dialogue"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=XXX", "“XXX” is not a partner country to choose from."),
        ("country=ATA", "“ATA” is not a partner country to choose from."),
        ("country=MAR&country=ZZZ", "“ZZZ” is not a partner country to choose from."),
        ("theme=NO-SUCH-THEME", "“NO-SUCH-THEME” is not a theme to choose from."),
        ("organisation=987654", "“987654” is not an organisation to choose from."),
        ("organisation=abc", "“abc” is not an organisation to choose from."),
        ("instrument=NOPE", "“NOPE” is not an instrument to choose from."),
        ("kind=spaceship", "spaceship is not one of the available choices."),
    ],
)
def test_an_unknown_filter_value_matches_nothing_and_says_why(cast, portfolio, query, message):
    response = client_for(cast.commission_desk_officer).get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert listed_titles(response) == set()
    page = response.content.decode()
    assert "Nothing matches a value the filters do not know" in page
    assert message in page
    assert "0 engagements found" in page


def test_an_unknown_value_gives_an_empty_export_too(cast, portfolio):
    response = client_for(cast.commission_desk_officer).get(
        reverse("registry:engagement_export", args=["csv"]) + "?country=XXX"
    )

    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Morocco labour" not in body and b"Tunisia returns" not in body


def country_choices_of(user) -> set[str]:
    field = client_for(user).get(LIST_URL).context["filter"].form.fields["country"]
    return set(field.queryset.values_list("iso3", flat=True))


def test_the_country_chooser_offers_relevant_partner_countries_only(cast, portfolio):
    cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="originator",
        title="Iceland file",
        countries=("ISL",),
    )

    offered = country_choices_of(cast.commission_desk_officer)

    assert {"MAR", "TUN", "SEN"} <= offered, "countries with engagements the reader may see"
    assert {"LBY", "AFG"} <= offered, "partner countries with an Action Plan or on a route"
    assert "ATA" not in offered and "BVT" not in offered
    assert not offered & {"FRA", "DEU"}, "Member States are no partner countries"
    assert "ISL" not in offered, "a country whose only engagement is hidden from the reader"
    assert "ISL" in country_choices_of(cast.german_ministry_editor)


def test_the_organisation_chooser_offers_owners_and_participants_the_reader_may_see(cast, portfolio):
    data = input_from_engagement(portfolio["morocco"])
    data.participations = [(cast.giz, "implementer")]
    update_engagement(portfolio["morocco"], data, acting_user=cast.commission_desk_officer)
    cast.engagement(cast.iom, cast.iom_officer, sharing_level="originator", title="IOM own file")

    field = client_for(cast.commission_desk_officer).get(LIST_URL).context["filter"].form.fields["organisation"]

    assert set(field.queryset) == {cast.commission, cast.german_interior, cast.french_foreign_affairs, cast.giz}


def test_the_country_and_organisation_choosers_are_searchable(cast, portfolio):
    page = page_of(cast.commission_desk_officer, LIST_URL)

    for name in ("country", "organisation"):
        select = page.split(f'name="{name}"')[1].split(">")[0]
        assert "multiple" in select and "data-ph-searchable=" in select
    assert 'data-ph-searchable="Search the list: Partner country"' in page


def test_a_summary_names_the_active_filters(cast, portfolio):
    page = page_of(cast.commission_desk_officer, f"{LIST_URL}?country=MAR&country=SEN&kind=dialogue&q=talks")

    summary = page.split("data-active-filters>")[1].split("</p>")[0]
    assert "Filtered by:" in summary and "Theme" not in summary
    for text in (
        "<strong>Search</strong>: talks",
        "<strong>Partner country</strong>: Morocco, Senegal",
        "<strong>Kind</strong>: Political dialogue",
    ):
        assert text in summary, summary


def test_no_summary_without_filters(cast, portfolio):
    assert "data-active-filters" not in page_of(cast.commission_desk_officer, LIST_URL)


# -- the list: pages, partials, exports, queries -----------------------------


@pytest.fixture
def twelve_public_records(cast):
    return [
        cast.engagement(
            cast.commission,
            cast.commission_desk_officer,
            sharing_level="public",
            title=f"Record {number:02d}",
            countries=("MAR", "TUN"),
            themes=("LEGAL-LABOUR", "DEV-REMIT"),
        )
        for number in range(12)
    ]


def test_list_is_paginated_by_the_page_size_setting(cast, twelve_public_records, settings):
    settings.PAGE_SIZE = 5
    client = client_for(None)

    first = client.get(f"{LIST_URL}?ordering=title")
    last = client.get(f"{LIST_URL}?ordering=title&page=3")

    assert [e.title for e in first.context["engagements"]] == [f"Record {n:02d}" for n in range(5)]
    assert [e.title for e in last.context["engagements"]] == ["Record 10", "Record 11"]
    assert first.context["page_obj"].paginator.count == 12
    assert "12 engagements found" in first.content.decode()
    assert 'href="?ordering=title&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize("page", ["999", "abc", "-1"])
def test_out_of_range_or_malformed_page_numbers_still_show_a_page(cast, twelve_public_records, settings, page):
    settings.PAGE_SIZE = 5

    response = client_for(None).get(f"{LIST_URL}?page={page}")

    assert response.status_code == 200
    assert len(response.context["engagements"]) in (5, 2)


def test_htmx_request_gets_only_the_results_partial(cast, twelve_public_records):
    response = client_for(None).get(f"{LIST_URL}?q=Record", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="main-content"' not in body
    assert "<table" in body and "12 engagements found" in body
    assert 'hx-swap-oob="innerHTML"' in body, "the live status is refreshed out of band"
    assert 'id="id_year_from-errors" class="ph-field-errors" hx-swap-oob="true"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_full_page_for_plain_boosted_and_history_restore_requests(cast, twelve_public_records):
    client = client_for(None)
    for headers in (
        {},
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ):
        body = client.get(LIST_URL, headers=headers).content.decode()
        assert "<html" in body and 'id="engagement-results"' in body, headers


def test_filter_form_refreshes_results_through_htmx_and_pushes_the_url(cast):
    body = client_for(None).get(LIST_URL).content.decode()

    assert f'hx-get="{LIST_URL}"' in body
    assert 'hx-target="#engagement-results"' in body
    assert 'hx-push-url="true"' in body


def test_export_links_carry_the_same_filters(cast, twelve_public_records):
    body = client_for(None).get(f"{LIST_URL}?country=MAR&kind=project&page=2").content.decode()

    assert 'href="/engagements/export.csv?country=MAR&amp;kind=project"' in body
    assert 'href="/engagements/export.xlsx?country=MAR&amp;kind=project"' in body


def test_list_page_runs_a_fixed_number_of_queries(cast, twelve_public_records, django_assert_num_queries):
    client = client_for(cast.commission_desk_officer)
    # session, user, memberships (circle), header organisations, count, rows, the rows' owners
    # (read after the rows, not joined: see with_page_relations; their instruments too, none here),
    # the rows' commitments, country shares + countries, theme shares + themes,
    # the partner countries and organisations offered (kept per circle, computed here: the test's
    # transaction has unshared changes), and the choices of the four filters.
    with django_assert_num_queries(18):
        response = client.get(LIST_URL)
    assert len(response.context["engagements"]) == 12


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL reads through server-side cursors")
def test_the_filters_choices_are_read_without_a_server_side_cursor(cast, twelve_public_records):
    """Django reads a choice field's records through a server-side cursor (declared, fetched,
    closed) on PostgreSQL: three round trips for each of the four filters' few hundred rows."""
    with CaptureQueriesContext(connection) as queries:
        response = client_for(cast.commission_desk_officer).get(LIST_URL)
    assert response.status_code == 200
    assert 'value="MAR"' in response.content.decode()  # the countries offered, read
    assert not [query["sql"] for query in queries if query["sql"].startswith("DECLARE")]


def test_htmx_partial_runs_fewer_queries_than_the_page(cast, twelve_public_records, django_assert_num_queries):
    client = client_for(None)
    # the partner countries and organisations offered, count, rows, the rows' owners, the rows'
    # commitments, country shares + countries, theme shares + themes
    with django_assert_num_queries(10):
        client.get(LIST_URL, headers={"HX-Request": "true"})


def test_list_answers_post_with_method_not_allowed(cast):
    assert client_for(cast.commission_desk_officer).post(LIST_URL).status_code == 405


# -- the detail page -----------------------------------------------------------


def test_other_member_state_gets_404_for_originator_record(cast):
    secret = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="german only"
    )

    assert client_for(cast.french_ministry_editor).get(detail_url(secret)).status_code == 404
    assert client_for(cast.giz_viewer).get(detail_url(secret)).status_code == 404
    assert client_for(cast.superuser).get(detail_url(secret)).status_code == 404
    assert client_for(cast.german_ministry_editor).get(detail_url(secret)).status_code == 200


def test_anonymous_visitor_gets_404_for_eu_record_and_for_missing_ids(cast):
    limite = cast.engagement(cast.commission, cast.commission_desk_officer)

    assert client_for(None).get(detail_url(limite)).status_code == 404
    assert client_for(None).get("/engagements/987654/").status_code == 404


def test_detail_shows_everything_on_the_record(cast):
    engagement = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        title="Reintegration in Morocco",
        description="Support to returnees.",
        language="en",
        countries=("MAR", "TUN"),
        instrument=Instrument.objects.get(code="NDICI-GE"),
        actual_start=date(2023, 2, 1),
        external_reference="BMI-17",
    )
    data = input_from_engagement(engagement)
    data.countries = [(country, share) for (country, _), share in zip(data.countries, (60, 40), strict=True)]
    data.participations = [(cast.giz, "implementer"), (cast.moroccan_interior, "counterpart")]
    update_engagement(engagement, data, acting_user=cast.german_ministry_editor)

    body = client_for(cast.commission_desk_officer).get(detail_url(engagement)).content.decode()

    for text in (
        "Reintegration in Morocco",
        "Support to returnees.",
        "Project",
        "Implementation",
        "English",
        "1 Jan 2023",
        "31 Dec 2025",
        "1 Feb 2023",
        "Federal Ministry of the Interior (Germany)",
        "Implementer",
        "Counterpart",
        "Deutsche Gesellschaft für Internationale Zusammenarbeit",
        "Ministry of the Interior (Morocco)",
        "Morocco — 60 %",
        "Tunisia — 40 %",
        "Sustainable reintegration",
        "NDICI-GE",
        "Entered by hand",
        "BMI-17",
        "bmi.editor",
        "All users of EU institutions and Member State bodies",
    ):
        assert text in body, text
    assert 'lang="en"' in body


def test_money_lines_show_currency_eur_rate_date_and_a_subtotal_per_kind(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, amount="1000000")
    add_money(engagement, cast.commission_desk_officer, "commitment", "500000")
    add_money(
        engagement, cast.commission_desk_officer, "disbursement", "200000", currency="USD", value_date=date(2024, 6, 3)
    )

    response = client_for(cast.commission_desk_officer).get(detail_url(engagement))

    groups = {group["kind"]: group for group in response.context["money_groups"]}
    assert groups["commitment"]["subtotal_eur"] == 1500000
    assert set(groups) == {"commitment", "disbursement"}
    disbursement = groups["disbursement"]["lines"][0]
    body = response.content.decode()
    assert "USD 200,000.00" in body
    assert f"EUR {disbursement.amount_eur:,}" in body
    assert "3 Jun 2024" in body, "the date of the ECB rate used"
    assert "Subtotal: Commitment" in body and "EUR 1,500,000.00" in body
    grand_total = 1500000 + disbursement.amount_eur
    assert f"{grand_total:,}" not in body, "kinds of money are never added together"


def test_links_show_only_engagements_the_viewer_may_see(cast):
    visible = cast.engagement(cast.commission, cast.commission_desk_officer, title="Visible target")
    hidden = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="Hidden German file"
    )
    source = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Linked source")
    EngagementLink.objects.bulk_create(
        [
            EngagementLink(source=source, target=visible, kind="part_of"),
            EngagementLink(source=source, target=hidden, kind="related"),
            EngagementLink(source=hidden, target=source, kind="follows"),
        ]
    )

    outsider_view = page_of(cast.commission_desk_officer, detail_url(source))
    owner_view = page_of(cast.german_ministry_editor, detail_url(source))

    assert "Visible target" in outsider_view
    assert "Hidden German file" not in outsider_view
    assert owner_view.count("Hidden German file") == 2, "outgoing and incoming links"


def relink(engagement, editor, *links) -> None:
    data = input_from_engagement(engagement)
    data.links = list(links)
    update_engagement(engagement, data, acting_user=editor)


def history_fields(user, engagement) -> list[list[tuple[str, str, str]]]:
    response = client_for(user).get(detail_url(engagement))
    return [
        [(str(label), str(old), str(new)) for label, old, new in entry["fields"]]
        for entry in response.context["history"]
    ]


def test_a_change_of_links_is_kept_in_the_history(cast):
    target = cast.engagement(cast.commission, cast.commission_desk_officer, title="Regional programme")
    source = cast.engagement(cast.commission, cast.commission_desk_officer, title="Country action")

    relink(source, cast.commission_desk_officer, (target, "part_of"))
    relink(source, cast.commission_desk_officer, (target, "funded_by"))

    [second, first, _create] = history_fields(cast.french_embassy_viewer, source)
    assert first == [("Linked engagements", "", "is part of Regional programme")]
    assert second == [("Linked engagements", "is part of Regional programme", "is funded by Regional programme")]


def test_a_link_to_an_engagement_hidden_from_the_reader_stays_out_of_the_history_they_read(cast):
    shown = cast.engagement(cast.commission, cast.commission_desk_officer, title="Visible target")
    hidden = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="Hidden German file"
    )
    source = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Linked source")

    relink(source, cast.german_ministry_editor, (hidden, "related"))
    relink(source, cast.german_ministry_editor, (hidden, "related"), (shown, "part_of"))

    outsider_history = history_fields(cast.commission_desk_officer, source)
    assert outsider_history[0] == [("Linked engagements", "", "is part of Visible target")]
    assert len(outsider_history) == 2, "the change naming only the hidden engagement reads as no change"
    assert "Hidden German file" not in page_of(cast.commission_desk_officer, detail_url(source))
    owner_history = history_fields(cast.german_ministry_editor, source)
    assert owner_history[1] == [("Linked engagements", "", "is related to Hidden German file")]


def test_restricted_record_names_who_may_see_it(cast):
    engagement = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="restricted",
        shared_with=[cast.iom],
        shared_with_countries=["FRA"],
    )

    body = client_for(cast.iom_officer).get(detail_url(engagement)).content.decode()

    assert "International Organization for Migration (IOM)" in body
    assert "France" in body
    assert "Views and exports are logged for the owner." in body


def test_history_shows_who_changed_which_field_from_what_to_what(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, title="Before")
    data = input_from_engagement(engagement)
    data.fields.update(title="After", status="closed")
    update_engagement(engagement, data, acting_user=cast.commission_desk_officer)

    response = client_for(cast.french_embassy_viewer).get(detail_url(engagement))

    [update, create] = response.context["history"]
    changes = [(str(label), str(old), str(new)) for label, old, new in update["fields"]]
    assert ("title", "Before", "After") in changes
    assert ("status", "Implementation", "Closed") in changes
    assert all(str(new) for _label, _old, new in create["fields"]), "creations list filled fields"
    body = response.content.decode()
    assert "Updated" in body and "Created" in body and "commission.desk" in body
    assert "Before" in body and "After" in body


def test_viewing_a_confidential_record_is_logged_and_shown_to_the_owner_only(cast):
    engagement = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="restricted", shared_with=[cast.iom]
    )

    iom_view = client_for(cast.iom_officer).get(detail_url(engagement))
    owner_view = client_for(cast.german_ministry_editor).get(detail_url(engagement))

    assert Event.objects.filter(name="engagement.viewed", user=cast.iom_officer).count() == 1
    assert iom_view.context["access_log"] is None
    assert "Access log" not in iom_view.content.decode()
    owner_body = owner_view.content.decode()
    assert "Access log" in owner_body and "iom.officer" in owner_body and "(IOM)" in owner_body


def test_viewing_an_eu_record_is_not_logged(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)

    client_for(cast.german_ministry_editor).get(detail_url(engagement))

    assert not Event.objects.filter(name="engagement.viewed").exists()


def test_access_log_lists_exports_too_after_the_level_was_narrowed(cast):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor)
    change_sharing_level(engagement, "restricted", acting_user=cast.german_ministry_editor, organisations=[cast.iom])
    client_for(cast.iom_officer).get(reverse("registry:engagement_export", args=["csv"]))

    response = client_for(cast.german_ministry_editor).get(detail_url(engagement))

    assert [event.name for event in response.context["access_log"]][-1] == "engagement.exported"
    assert "Exported" in response.content.decode()


def test_edit_and_delete_buttons_only_for_editors_of_the_owner(cast):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor)
    edit_url = reverse("registry:engagement_update", args=[engagement.pk])

    assert edit_url in page_of(cast.german_ministry_editor, detail_url(engagement))
    for reader in (cast.giz_viewer, cast.french_ministry_editor, cast.commission_desk_officer):
        assert edit_url not in page_of(reader, detail_url(engagement))


def test_demo_engagement_detail_says_it_is_demo_data(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)
    mark_as_demo(engagement)

    body = client_for(cast.commission_desk_officer).get(detail_url(engagement)).content.decode()

    assert "Demo data" in body and "invented for demonstration" in body


def test_detail_runs_a_fixed_number_of_queries(cast, django_assert_num_queries):
    engagement = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="restricted",
        shared_with=[cast.iom],
        countries=("MAR", "TUN", "SEN"),
    )
    data = input_from_engagement(engagement)
    data.participations = [(cast.giz, "implementer"), (cast.iom, "implementer")]
    update_engagement(engagement, data, acting_user=cast.german_ministry_editor)
    for amount in ("1", "2", "3"):
        add_money(engagement, cast.german_ministry_editor, "disbursement", amount)
        client_for(cast.iom_officer).get(detail_url(engagement))
    client = client_for(cast.german_ministry_editor)
    # session, user, circle, header organisations, the record, 11 prefetches
    # (shares, countries, regions, themes, participations, organisations, money,
    # sectors, named organisations and countries), the view logged, history with
    # the names of its countries and themes (one query each), access log with its
    # users' memberships and organisations, links out and in, the lessons drawn from it (knowledge's panel).
    with django_assert_num_queries(26):
        client.get(detail_url(engagement))


def test_detail_answers_post_with_method_not_allowed(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)

    assert client_for(cast.commission_desk_officer).post(detail_url(engagement)).status_code == 405
    assert Engagement.objects.unrestricted("test").filter(pk=engagement.pk).exists()
