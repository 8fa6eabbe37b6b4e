"""The country profile page, as desk officers, Member State ministries and partner authorities use it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from partnerhub.access.models import Role
from partnerhub.analysis.figures.profile import country_profile
from partnerhub.analysis.models import PartnerPriority, PriorityComment
from partnerhub.core.models import Event, ObjectChange
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme
from tests.support.builders import money, record
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


def profile_url(iso3="MAR", **query):
    url = reverse("analysis:country_profile", args=[iso3])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def morocco_portfolio(cast):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="EU readmission support",
        themes=[("RETURN-READMISSION", None)],
        money_lines=[money("budget", "900000"), money("commitment", "600000")],
    )
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="German labour mobility pilot",
        themes=[("LEGAL-LABOUR", None)],
        money_lines=[money("commitment", "400000")],
    )
    record(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="Confidential French border fund",
        themes=[("IRREG-BORDER", None)],
        sharing_level="originator",
        money_lines=[money("commitment", "5000000")],
    )


def test_commission_desk_officer_sees_team_europe_totals_and_breakdowns(client, cast, morocco_portfolio):
    client.force_login(cast.commission_desk_officer)
    response = client.get(profile_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-amount="1000000' in page  # 600,000 + 400,000 commitments, each once
    assert "EUR 1,000,000" in page and "EUR 900,000" in page
    assert "+ undisclosed" in page
    assert "Confidential French border fund" not in page and "5,000,000" not in page
    assert "?country=MAR&amp;theme=LEGAL-LABOUR" in page


def test_french_ministry_editor_sees_its_own_confidential_money(client, cast, morocco_portfolio):
    client.force_login(cast.french_ministry_editor)
    page = client.get(profile_url()).content.decode()
    assert 'data-amount="6000000' in page
    assert "+ undisclosed" not in page


def test_the_page_shows_the_same_figures_as_the_profile_object(client, cast, morocco_portfolio):
    client.force_login(cast.german_ministry_editor)
    response = client.get(profile_url(money="budget"))
    profile = country_profile(cast.german_ministry_editor, Country.objects.get(iso3="MAR"), "budget")
    assert response.context["profile"].team_europe_total == profile.team_europe_total == Decimal("900000")
    assert [(r.key, r.amount) for r in response.context["profile"].by_actor] == [
        (r.key, r.amount) for r in profile.by_actor
    ]


def test_an_unknown_money_kind_is_explained_and_commitments_are_shown(client, cast, morocco_portfolio):
    client.force_login(cast.commission_desk_officer)
    response = client.get(profile_url(money="pledges"))
    assert response.status_code == 200
    assert "is not a kind of money" in response.content.decode()
    assert response.context["profile"].kind == "commitment"


@pytest.mark.parametrize("iso3", ["DEU", "XXX", "zz"])
def test_member_states_and_unknown_codes_have_no_profile(client, cast, iso3):
    client.force_login(cast.commission_desk_officer)
    assert client.get(profile_url(iso3)).status_code == 404


def test_anonymous_visitors_see_public_figures_only(client, cast, morocco_portfolio):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Public EU programme",
        sharing_level="public",
        money_lines=[money("commitment", "250000")],
    )
    response = client.get(profile_url())
    assert response.status_code == 200
    assert response.context["profile"].team_europe_total == Decimal("250000")
    page = response.content.decode()
    assert "EU readmission support" not in page and "+ undisclosed" in page


def test_the_profile_page_reads_a_fixed_number_of_queries(
    client, cast, morocco_portfolio, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(cast.commission_desk_officer)
    client.get(profile_url())
    for number in range(15):
        # The counted-once rows are brought up to date when the writer commits, not by the page.
        with django_capture_on_commit_callbacks(execute=True):
            record(
                cast.commission,
                cast.commission_desk_officer,
                title=f"More EU work {number}",
                countries=[("MAR", 50), ("TUN", 50)],
                themes=[("GOV-DATA", None), ("DEV-REMIT", None)],
                money_lines=[money("commitment", "1000"), money("disbursement", "500", on=date(2024, 5, 1))],
            )
    # 45 with the open crises and the lessons blocks, one query each: the counted-once sums
    # take the same number whatever the number of engagements (see analysis.figures.counted_read).
    with django_assert_max_num_queries(45):
        assert client.get(profile_url()).status_code == 200


# -- partner priorities ----------------------------------------------------


def priority_data(theme="DEV-REMIT", **overrides):
    return {
        "theme": Theme.objects.get(code=theme).pk if theme else "",
        "description": "Lower the cost of sending money home",
        "source": "National Strategy for Moroccans Living Abroad",
        "source_url": "",
        "stated_on": "2024-05-02",
        "sharing_level": "partner",
        **overrides,
    }


def test_moroccan_ministry_user_records_a_priority_for_morocco(client, cast):
    client.force_login(cast.moroccan_ministry_user)
    url = reverse("analysis:priority_create", args=["MAR"])
    data = priority_data(owner=cast.moroccan_interior.pk)
    response = client.post(url, data)
    assert response.status_code == 302
    priority = PartnerPriority.objects.unrestricted("test").get()
    assert (priority.owner, priority.country.iso3, priority.recorded_by) == (
        cast.moroccan_interior,
        "MAR",
        cast.moroccan_ministry_user,
    )
    assert ObjectChange.objects.filter(object_id=priority.pk, action="create").exists()
    page = client.get(profile_url()).content.decode()
    assert "Lower the cost of sending money home" in page and "Gap" in page


def test_tunisian_ministry_user_cannot_record_priorities_for_morocco(client, cast):
    client.force_login(cast.tunisian_ministry_user)
    response = client.post(
        reverse("analysis:priority_create", args=["MAR"]), priority_data(owner=cast.tunisian_interior.pk)
    )
    assert response.status_code == 403
    assert not PartnerPriority.objects.unrestricted("test").exists()


def test_a_viewer_of_a_member_state_agency_cannot_record_priorities(client, cast):
    client.force_login(cast.giz_viewer)
    assert client.get(reverse("analysis:priority_create", args=["MAR"])).status_code == 403


def test_bad_priority_input_names_the_field_and_writes_nothing(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("analysis:priority_create", args=["MAR"]),
        priority_data(owner=cast.eu_delegation_morocco.pk, stated_on="2024-13-45", theme=""),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"stated_on", "theme"}
    assert not PartnerPriority.objects.unrestricted("test").exists()


def stated_priority(owner, *, description="Remittances", sharing_level="partner") -> PartnerPriority:
    return PartnerPriority.objects.create(
        owner=owner,
        country=Country.objects.get(iso3="MAR"),
        theme=Theme.objects.get(code="DEV-REMIT"),
        description=description,
        source="Speech",
        stated_on=date(2024, 1, 10),
        sharing_level=sharing_level,
    )


def edit_url(priority):
    return reverse("analysis:priority_update", args=["MAR", priority.pk])


def delete_url(priority):
    return reverse("analysis:priority_delete", args=["MAR", priority.pk])


def test_coordinator_cannot_rewrite_widen_or_remove_what_the_partner_stated(client, cast):
    priority = stated_priority(cast.moroccan_interior)
    client.force_login(cast.coordinator)
    assert client.get(edit_url(priority)).status_code == 403
    response = client.post(edit_url(priority), priority_data(description="Rewritten", sharing_level="public"))
    assert response.status_code == 403
    assert client.post(delete_url(priority)).status_code == 403
    priority.refresh_from_db()
    assert (priority.description, priority.sharing_level) == ("Remittances", "partner")
    assert not ObjectChange.objects.filter(object_id=priority.pk).exists()


def test_partner_ministry_cannot_rewrite_or_widen_what_the_delegation_recorded(client, cast):
    priority = stated_priority(cast.eu_delegation_morocco)
    client.force_login(cast.moroccan_ministry_user)
    response = client.post(edit_url(priority), priority_data(description="Rewritten", sharing_level="public"))
    assert response.status_code == 403
    assert "EU Delegation to Morocco" in response.content.decode()
    priority.refresh_from_db()
    assert (priority.description, priority.sharing_level) == ("Remittances", "partner")


def test_an_editor_of_the_delegation_corrects_and_removes_the_delegations_priority(client, cast):
    editor = make_user("delegation.editor", cast.eu_delegation_morocco, Role.EDITOR)
    priority = stated_priority(cast.eu_delegation_morocco)
    client.force_login(editor)
    response = client.post(
        edit_url(priority), priority_data(source="Speech of the Minister, 10 January 2024", sharing_level="public")
    )
    assert response.status_code == 302
    priority.refresh_from_db()
    assert (priority.source, priority.sharing_level, priority.owner) == (
        "Speech of the Minister, 10 January 2024",
        "public",
        cast.eu_delegation_morocco,
    )
    change = ObjectChange.objects.get(object_id=priority.pk, action="update")
    assert change.changes["source"] == ["Speech", "Speech of the Minister, 10 January 2024"]
    assert change.changes["sharing_level"] == ["partner", "public"]
    assert set(Event.objects.filter(object_id=priority.pk).values_list("name", flat=True)) == {
        "priority.updated",
        "priority.sharing_changed",
    }
    assert client.post(delete_url(priority)).status_code == 302
    assert not PartnerPriority.objects.unrestricted("test").exists()
    assert Event.objects.filter(name="priority.deleted", object_id=priority.pk, user=editor).exists()


def test_the_profile_offers_edit_and_remove_only_on_the_readers_own_priorities(client, cast):
    own = stated_priority(cast.moroccan_interior, description="Ours")
    others = stated_priority(cast.eu_delegation_morocco, description="Theirs")
    client.force_login(cast.moroccan_ministry_user)
    page = client.get(profile_url()).content.decode()
    assert edit_url(own) in page and delete_url(own) in page
    assert edit_url(others) not in page and delete_url(others) not in page
    client.force_login(cast.french_embassy_viewer)
    page = client.get(profile_url()).content.decode()
    assert "Theirs" in page and edit_url(others) not in page and delete_url(own) not in page


def test_a_priority_shared_with_morocco_is_hidden_from_tunisia(client, cast):
    priority = PartnerPriority.objects.create(
        owner=cast.moroccan_interior,
        country=Country.objects.get(iso3="MAR"),
        theme=Theme.objects.get(code="DEV-REMIT"),
        description="Remittances",
        source="Speech",
        stated_on=date(2024, 1, 10),
    )
    client.force_login(cast.tunisian_ministry_user)
    assert "Remittances" not in client.get(profile_url()).content.decode()
    client.force_login(cast.moroccan_ministry_user)
    assert client.get(reverse("analysis:priority_update", args=["MAR", priority.pk])).status_code == 200
    client.force_login(cast.iom_officer)
    assert client.get(reverse("analysis:priority_delete", args=["MAR", priority.pk])).status_code == 404


def headings_of_sections_with_reported_amounts(content: bytes) -> list[str]:
    """The heading of every section that shows an amount as its owner reported it."""
    headings = []
    for section in lxml_html.fromstring(content).xpath("//section[.//h2]"):
        if "as reported" in section.text_content() or section.xpath(".//th[normalize-space()='Reported']"):
            headings.append(section.xpath(".//h2")[0].text_content().strip())
    return headings


@pytest.mark.parametrize("url", [profile_url(), reverse("analysis:route_view", args=["WMED-ATL"])])
def test_every_section_showing_money_as_reported_says_so_in_its_heading(client, cast, url):
    giz_editor = make_user("giz.editor", cast.giz, Role.EDITOR)
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="EU facility, delegated to GIZ",
        iati_identifier="XI-IATI-EC_INTPA-2023-001",
        money_lines=[money("commitment", "10000000", receiver_activity="DE-1-GIZ-TEST-7")],
    )
    record(
        cast.giz,
        giz_editor,
        title="Delegated cooperation (GIZ)",
        iati_identifier="DE-1-GIZ-TEST-7",
        money_lines=[money("commitment", "8000000")],
    )
    client.force_login(cast.commission_desk_officer)

    headings = headings_of_sections_with_reported_amounts(client.get(url).content)

    assert headings
    assert all("reported" in heading for heading in headings), headings


def test_others_comment_on_a_priority_they_may_not_change(client, cast):
    priority = stated_priority(cast.moroccan_interior, description="Cheaper remittances")
    client.force_login(cast.coordinator)
    url = reverse("analysis:priority_comment", args=["MAR"])
    response = client.post(url, {"priority": priority.pk, "text": "Propose: add the 2025 diaspora strategy."})
    assert response.status_code == 302
    comment = PriorityComment.objects.unrestricted("test").get()
    assert (comment.priority, comment.organisation, comment.author) == (
        priority,
        cast.eu_delegation_morocco,
        cast.coordinator,
    )
    assert Event.objects.filter(name="priority.commented", object_id=priority.pk).exists()
    priority.refresh_from_db()
    assert priority.description == "Cheaper remittances"
    client.force_login(cast.moroccan_ministry_user)
    assert "Propose: add the 2025 diaspora strategy." in client.get(profile_url()).content.decode()
    client.force_login(cast.tunisian_ministry_user)
    assert "diaspora strategy" not in client.get(profile_url()).content.decode()


def test_a_comment_on_a_hidden_or_empty_priority_is_refused_with_the_field_named(client, cast):
    hidden = stated_priority(cast.moroccan_interior)
    client.force_login(cast.tunisian_ministry_user)
    url = reverse("analysis:priority_comment", args=["MAR"])
    response = client.post(url, {"priority": hidden.pk, "text": "Hello"}, follow=True)
    assert "Priority:" in response.content.decode()
    client.force_login(cast.coordinator)
    response = client.post(url, {"priority": hidden.pk, "text": "  "}, follow=True)
    assert "Comment or proposal:" in response.content.decode()
    assert not PriorityComment.objects.unrestricted("test").exists()
