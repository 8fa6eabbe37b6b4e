"""The Talent Partnerships pages as the people using them: the lists with their filters and pages, the
partnership page with its schemes, pipeline chart, links and the partner's priorities, and the forms."""

import re
from datetime import date

import pytest
from django.test import override_settings

from partnerhub.analysis.models import PartnerPriority
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme
from partnerhub.talent.models import PipelineFigure, TalentNeed, TalentPartnership, TalentScheme
from tests.support.clients import client_for
from tests.talent.factories import need_for, partnership_for, pipeline_for, scheme_for, supply_for
from tests.talent.occupations import isco_groups

pytestmark = pytest.mark.django_db


def page_of(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def test_the_needs_list_filters_by_member_state_occupation_group_sector_year_and_own(
    cast, django_assert_max_num_queries
):
    need_for(cast, code="2221", sector="Hospitals")
    need_for(cast, code="7126", member_state="AUT", sector="Construction", first_year=2028, last_year=2030)
    need_for(
        cast, code="8332", owner=cast.french_foreign_affairs, author=cast.french_ministry_editor, member_state="FRA"
    )
    need_for(cast, code="2222", sharing_level="originator", region="Hidden Land")
    client = client_for(cast.french_ministry_editor)
    with django_assert_max_num_queries(12):
        page = page_of(client, "/talent/needs/")
    assert "3 labour needs found" in page and "Hidden Land" not in page
    assert "2221 Nursing professionals" in page and "7126 Plumbers and pipe fitters" in page
    assert "1 labour need found" in page_of(client, "/talent/needs/", {"member_state": "AUT"})
    assert "2221 Nursing" in page_of(client, "/talent/needs/", {"occupation": "2"})
    assert "7126 Plumbers" not in page_of(client, "/talent/needs/", {"occupation": "22"})
    assert "2 labour needs found" in page_of(client, "/talent/needs/", {"sector": "o"})  # hospitals, construction
    assert "7126 Plumbers" in page_of(client, "/talent/needs/", {"year": "2029"})
    assert "2221 Nursing" not in page_of(client, "/talent/needs/", {"year": "2029"})
    own = page_of(client, "/talent/needs/", {"own": "on"})
    assert "8332 Heavy truck" in own and "2221 Nursing" not in own
    wrong = page_of(client, "/talent/needs/", {"occupation": "nurse", "year": "3000"})
    assert "Some filters were not applied" in wrong and "3 labour needs found" in wrong


def test_the_supply_list_filters_by_country_route_region_group_and_shortage(cast, django_assert_max_num_queries):
    supply_for(cast, code="2221", partner_reports_shortage=True)
    supply_for(cast, code="7126", country="TUN")
    supply_for(cast, code="8332", country="PHL")
    client = client_for(cast.commission_desk_officer)
    with django_assert_max_num_queries(12):
        assert "3 supply records found" in page_of(client, "/talent/supply/")
    shortage = page_of(client, "/talent/supply/", {"shortage": "true"})
    assert "1 supply record found" in shortage and "2221 Nursing" in shortage
    assert "2 supply records found" in page_of(client, "/talent/supply/", {"shortage": "false"})
    assert "7126 Plumbers" in page_of(client, "/talent/supply/", {"country": "TUN"})
    tunisia = Country.objects.get(iso3="TUN")
    route = tunisia.routes.first()
    by_route = page_of(client, "/talent/supply/", {"route": route.code})
    assert "7126 Plumbers" in by_route and "8332 Heavy truck" not in by_route
    by_region = page_of(client, "/talent/supply/", {"region": Country.objects.get(iso3="PHL").region.code})
    assert "8332 Heavy truck" in by_region and "7126 Plumbers" not in by_region
    assert "1 supply record found" in page_of(client, "/talent/supply/", {"occupation": "7"})


@override_settings(PAGE_SIZE=2)
def test_the_overview_pages_its_partnerships_and_answers_htmx_with_the_rows_only(cast, django_assert_max_num_queries):
    for index in range(5):
        partnership_for(cast, title=f"Partnership {index}", codes=("2221", "7126"))
    client = client_for(cast.commission_desk_officer)
    with django_assert_max_num_queries(14):
        page = page_of(client, "/talent/")
    assert "5 Talent Partnerships found" in page and "Page 1 of 3" not in page
    assert 'aria-label="Pages of results"' in page and "Partnership 0" in page and "Partnership 4" not in page
    rows = client.get("/talent/", {"page": 3}, headers={"HX-Request": "true"})
    assert "<html" not in rows.content.decode() and "Partnership 4" in rows.content.decode()
    assert "/talent/needs/" in page and "/talent/supply/" in page


def test_the_overview_filters_by_partner_country_member_state_status_route_and_occupation_group(cast):
    partnership_for(cast, title="Nurses from Morocco", codes=("2221",))
    partnership_for(cast, title="Plumbers from Tunisia", country="TUN", member_states=("DEU", "AUT"), codes=("7126",))
    partnership_for(cast, title="Drivers from the Philippines", country="PHL", status="paused", codes=("8332",))
    client = client_for(cast.french_embassy_viewer)
    assert "Plumbers" in page_of(client, "/talent/", {"member_state": "AUT"})
    assert "Nurses" not in page_of(client, "/talent/", {"member_state": "AUT"})
    assert "1 Talent Partnership found" in page_of(client, "/talent/", {"status": "paused"})
    assert "Nurses" in page_of(client, "/talent/", {"country": "MAR"})
    assert "3 Talent Partnerships found" in page_of(client, "/talent/", {"occupation": ""})
    assert "1 Talent Partnership found" in page_of(client, "/talent/", {"occupation": "22"})
    route = Country.objects.get(iso3="TUN").routes.first()
    assert "Plumbers" in page_of(client, "/talent/", {"route": route.code})


def test_the_partnership_page_shows_schemes_pipeline_chart_visible_links_and_legal_priorities(
    cast, django_assert_max_num_queries
):
    hidden_engagement = cast.engagement(
        cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="originator", title="French secret"
    )
    visible = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Skills centres in Morocco")
    partnership = partnership_for(cast, engagements=[visible])
    TalentPartnership.engagements.through.objects.create(talentpartnership=partnership, engagement=hidden_engagement)
    training = scheme_for(cast, partnership, occupations=isco_groups("2221"))
    mobility = scheme_for(cast, partnership, title="Placement in German hospitals", kind="mobility")
    pipeline_for(cast, training, "2024", enrolled=100, moved=0)
    pipeline_for(cast, training, "2025", enrolled=150, moved=20)
    pipeline_for(cast, mobility, "2025", enrolled=0, moved=35)
    morocco = Country.objects.get(iso3="MAR")
    for code, text, level in (
        ("LEGAL-LABOUR", "Circular labour migration", "partner"),
        ("RETURN-REINTEGRATION", "Reintegration support", "partner"),
        ("LEGAL-SKILLS", "Recognition of diplomas", "originator"),
    ):
        PartnerPriority.objects.create(
            owner=cast.moroccan_interior,
            country=morocco,
            theme=Theme.objects.get(code=code),
            description=text,
            source="National strategy",
            stated_on=date(2025, 1, 1),
            sharing_level=level,
        )
    client = client_for(cast.commission_desk_officer)
    with django_assert_max_num_queries(30):
        page = page_of(client, partnership.get_absolute_url())
    assert "Nursing training in Rabat" in page and "Placement in German hospitals" in page
    assert "Skills centres in Morocco" in page and "French secret" not in page
    assert "Circular labour migration" in page
    assert "Reintegration support" not in page and "Recognition of diplomas" not in page
    assert page.count('class="ph-chart ') + page.count("<svg") >= 6
    assert "In 2 periods from 2024 to 2025: 250 enrolled and 55 moved to the EU" in page
    totals = re.search(r"data-pipeline-totals>.*?</table>", page, re.S).group(0)
    assert re.search(r"2025</th><td[^>]*>150</td>", totals) and ">55<" in totals  # 20 + 35 moved in 2025
    assert "Edit the partnership" not in page  # the Commission reads
    assert "Edit the partnership" in page_of(client_for(cast.german_ministry_editor), partnership.get_absolute_url())


def test_the_occupation_choice_lists_unit_groups_grouped_by_major_group(cast):
    isco_groups("2221", "2222", "7126")
    page = page_of(client_for(cast.german_ministry_editor), "/talent/needs/new/")
    assert (
        '<optgroup label="2 Professionals">' in page and '<optgroup label="7 Craft and related trades workers">' in page
    )
    assert ">2221 Nursing professionals</option>" in page and ">222 Nursing" not in page


def test_the_german_editor_records_edits_and_deletes_a_need_through_the_pages(cast):
    [nurses] = isco_groups("2221")
    client = client_for(cast.german_ministry_editor)
    form = {
        "owner": cast.german_interior.pk,
        "member_state": Country.objects.get(iso3="DEU").pk,
        "occupation": nurses.pk,
        "people_per_year": "800",
        "first_year": "2026",
        "last_year": "2028",
        "languages": "de",
        "sharing_level": "partner",
    }
    refused = client.post("/talent/needs/new/", form)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    response = client.post("/talent/needs/new/", {**form, "sharing_level": "eu", "languages": "de, klingon"})
    assert "Not ISO 639-1 language codes: klingon." in response.content.decode()
    response = client.post("/talent/needs/new/", {**form, "sharing_level": "eu"})
    need = TalentNeed.objects.unrestricted("test").get()
    assert response.status_code == 302 and response.url == need.get_absolute_url()
    edited = {**form, "sharing_level": "eu", "people_per_year": "900", "version": need.version}
    response = client.post(f"/talent/needs/{need.pk}/edit/", edited)
    assert response.status_code == 302
    page = page_of(client, need.get_absolute_url())
    assert "Germany seeks 900 people a year." in page and "1200" not in page and "800" in page  # history: 800 → 900
    assert "Delete “Germany, 2221 Nursing professionals”?" in page_of(client, f"/talent/needs/{need.pk}/delete/")
    assert client.post(f"/talent/needs/{need.pk}/delete/").url == "/talent/needs/"
    assert not TalentNeed.objects.unrestricted("test").exists()


def test_an_editor_adds_a_scheme_and_records_its_pipeline_through_the_pages(cast):
    partnership = partnership_for(cast)
    client = client_for(cast.german_ministry_editor)
    response = client.post(
        f"/talent/partnerships/{partnership.pk}/schemes/new/", {"kind": "return", "title": "Return of skills"}
    )
    assert response.status_code == 302
    scheme = TalentScheme.objects.unrestricted("test").get()
    stages = {"enrolled": 10, "trained": 8, "certified": 7, "recruited": 6, "moved": 5, "returned": 1}
    assert client.post(f"/talent/schemes/{scheme.pk}/pipeline/new/", {"period": "2025-Q1", **stages}).status_code == 302
    again = client.post(f"/talent/schemes/{scheme.pk}/pipeline/new/", {"period": "2025-q1", **stages})
    assert "The scheme has a figure for 2025-Q1 already: change that one." in again.content.decode()
    figure = PipelineFigure.objects.unrestricted("test").get()
    edited = client.post(f"/talent/pipeline/{figure.pk}/edit/", {"period": "2025-Q1", **stages, "returned": 3})
    assert edited.status_code == 302
    figure.refresh_from_db()
    assert figure.returned == 3
    assert client.post(f"/talent/schemes/{scheme.pk}/delete/").status_code == 302
    assert not PipelineFigure.objects.unrestricted("test").exists()


def test_a_partnership_form_refuses_a_partner_country_without_member_states(cast):
    client = client_for(cast.german_ministry_editor)
    response = client.post(
        "/talent/partnerships/new/",
        {
            "owner": cast.german_interior.pk,
            "title": "T",
            "country": Country.objects.get(iso3="MAR").pk,
            "status": "active",
            "sharing_level": "eu",
        },
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(
        "/talent/partnerships/new/",
        {
            "owner": cast.german_interior.pk,
            "title": "Morocco and Germany",
            "country": Country.objects.get(iso3="MAR").pk,
            "member_states": [Country.objects.get(iso3="DEU").pk],
            "status": "active",
            "sharing_level": "partner",
        },
    )
    assert response.status_code == 302
    assert (
        TalentPartnership.objects.visible_to(cast.moroccan_ministry_user).filter(title="Morocco and Germany").exists()
    )
