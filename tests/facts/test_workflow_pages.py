"""The propose – discuss – agree pages as their users meet them: one figure with its steps, and the
coordinators' queue of revised figures."""

import pytest
from django.contrib.messages import get_messages

from partnerhub.access.models import Membership, Role
from partnerhub.core.history import events_of, history_of
from partnerhub.facts.loading import load_reading
from partnerhub.facts.models import ObservationStatus
from partnerhub.facts.services import agree_observation, propose_observation
from tests.facts.factories import KNOMAD, figures, hidden_observation, loaded_figure, reading, row
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def page_of(figure) -> str:
    return f"/facts/figures/{figure.pk}/"


def step(user, figure, name: str, **data):
    return client_for(user).post(f"{page_of(figure)}{name}/", data)


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def proposed(cast, figure=None):
    figure = figure or loaded_figure()
    return propose_observation(figure, note="WDI is what the Council quotes", acting_user=cast.commission_desk_officer)


def agreed_with_a_revision(cast):
    """A figure agreed, then a new release of the same source changes it: the revision awaits a decision."""
    agreed = agree_observation(proposed(cast), acting_user=cast.coordinator)
    load_reading(reading(row("MA", "2022", "1250")), loaded_by=None)
    return agreed, figures().get(revises=agreed)


def test_a_member_state_desk_officer_proposes_an_imported_figure_with_a_note(cast):
    figure = loaded_figure()
    page = client_for(cast.german_ministry_editor).get(page_of(figure))
    assert "Propose this figure" in page.text and "Record as agreed" not in page.text
    response = step(cast.german_ministry_editor, figure, "propose", note="The figure the Council quotes")
    assert response.status_code == 302 and response["Location"] == page_of(figure)
    figure.refresh_from_db()
    assert (figure.status, figure.proposing_organisation) == ("proposed", cast.german_interior)
    assert figure.note == "The figure the Council quotes"


def test_a_proposal_without_a_note_is_refused_naming_the_note(cast):
    figure = loaded_figure()
    response = step(cast.german_ministry_editor, figure, "propose", note="  ")
    assert response.status_code == 302
    assert any(message.startswith("Note:") for message in flashed(response))
    figure.refresh_from_db()
    assert figure.status == ObservationStatus.IMPORTED


def test_another_organisation_disputes_with_a_reason_and_the_reason_is_required(cast):
    figure = proposed(cast)
    refused = step(cast.french_ministry_editor, figure, "dispute", reason="")
    assert any(message.startswith("Reason:") for message in flashed(refused))
    assert not figure.endorsements.exists()
    step(cast.french_ministry_editor, figure, "dispute", reason="KNOMAD counts informal channels")
    figure.refresh_from_db()
    assert figure.status == ObservationStatus.DISPUTED
    page = client_for(cast.giz_viewer).get(page_of(figure))
    assert "KNOMAD counts informal channels" in page.text
    assert cast.french_foreign_affairs.name in page.text


def test_the_partner_country_authorities_dispute_a_figure_about_their_country(cast):
    figure = proposed(cast)
    assert "Dispute" in client_for(cast.moroccan_ministry_user).get(page_of(figure)).text
    step(cast.moroccan_ministry_user, figure, "dispute", reason="Our central bank counts more")
    assert figure.endorsements.get().organisation == cast.moroccan_interior
    assert step(cast.tunisian_ministry_user, figure, "dispute", reason="Not ours").status_code == 403


def test_a_coordinator_records_the_figure_as_agreed_and_the_history_keeps_each_step(cast):
    figure = proposed(cast)
    step(cast.german_ministry_editor, figure, "endorse")
    page = client_for(cast.coordinator).get(page_of(figure))
    assert "Record as agreed" in page.text
    response = step(cast.coordinator, figure, "agree")
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.status == ObservationStatus.AGREED and figure.agreed_by == cast.coordinator
    statuses = [change.changes.get("status") for change in history_of(figure)]
    assert ["proposed", "agreed"] in statuses and ["imported", "proposed"] in statuses
    page = client_for(cast.giz_viewer).get(page_of(figure))
    assert page.text.count("ph-history__entry") == 2


@pytest.mark.parametrize("persona", ["giz_viewer", "commission_desk_officer", "moroccan_ministry_user"])
def test_who_is_not_a_coordinator_sees_no_agree_button_and_is_refused(cast, persona):
    figure = proposed(cast)
    user = getattr(cast, persona)
    assert "Record as agreed" not in client_for(user).get(page_of(figure)).text
    assert step(user, figure, "agree").status_code == 403
    figure.refresh_from_db()
    assert figure.status == ObservationStatus.PROPOSED


def test_a_viewer_sees_no_step_and_is_refused_each(cast):
    figure = proposed(cast)
    page = client_for(cast.giz_viewer).get(page_of(figure))
    assert page.status_code == 200 and "Take a step" not in page.text
    assert step(cast.giz_viewer, figure, "endorse").status_code == 403
    assert step(cast.giz_viewer, loaded_figure("TN"), "propose", note="n").status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "french_ministry_editor", "moroccan_ministry_user"])
def test_a_confidential_figure_answers_as_missing_to_who_may_not_see_it(cast, persona):
    figure = hidden_observation(cast, secret="internal count")
    user = getattr(cast, persona)
    assert client_for(user).get(page_of(figure)).status_code == 404
    for name in ("propose", "endorse", "dispute", "agree", "keep-agreed"):
        assert step(user, figure, name, note="n", reason="r").status_code == 404
    assert client_for(cast.german_ministry_editor).get(page_of(figure)).status_code == 200


def test_the_other_sources_are_shown_with_the_disagreement_flag(cast):
    wdi = loaded_figure(value="1000")
    loaded_figure(value="1100", source=KNOMAD)
    page = client_for(cast.giz_viewer).get(page_of(wdi))
    assert "Remittance inflows" in page.text and "Disagree" in page.text


def test_figures_within_the_tolerance_are_not_flagged(cast):
    wdi = loaded_figure(value="1000")
    loaded_figure(value="1050", source=KNOMAD)  # exactly 5 % of the larger figure apart: they agree
    page = client_for(cast.giz_viewer).get(page_of(wdi))
    assert "Within tolerance" in page.text and "Disagree (" not in page.text


def test_a_figure_shows_its_source_vintage_freshness_and_definition(cast):
    page = client_for(cast.giz_viewer).get(page_of(loaded_figure()))
    assert "World Development Indicators" in page.text
    assert "Personal transfers and compensation of employees" in page.text
    assert 'data-freshness="' in page.text


def test_someone_in_two_organisations_chooses_which_one_disputes(cast):
    Membership.objects.create(user=cast.german_ministry_editor, organisation=cast.giz, role=Role.EDITOR)
    figure = proposed(cast)
    assert 'name="organisation"' in client_for(cast.german_ministry_editor).get(page_of(figure)).text
    refused = step(cast.german_ministry_editor, figure, "dispute", reason="Too low")
    assert any(message.startswith("Organisation:") for message in flashed(refused))
    step(cast.german_ministry_editor, figure, "dispute", reason="Too low", organisation=cast.giz.pk)
    assert figure.endorsements.get().organisation == cast.giz


# -- the coordinators' queue -----------------------------------------------------------------------


def test_the_coordinator_finds_the_revision_on_the_dashboard_and_in_the_queue(cast):
    agreed, revision = agreed_with_a_revision(cast)
    dashboard = client_for(cast.coordinator).get("/")
    assert "1 revised figure awaits your decision" in dashboard.text
    queue = client_for(cast.coordinator).get("/facts/revisions/")
    assert page_of(revision) in queue.text and page_of(agreed) in queue.text
    assert "revised figure" not in client_for(cast.german_ministry_editor).get("/").text


def test_the_queue_is_for_coordinators(cast):
    agreed_with_a_revision(cast)
    assert client_for(cast.german_ministry_editor).get("/facts/revisions/").status_code == 403


def test_agreeing_the_revision_supersedes_the_agreed_figure(cast):
    agreed, revision = agreed_with_a_revision(cast)
    step(cast.coordinator, revision, "agree")
    agreed.refresh_from_db()
    revision.refresh_from_db()
    assert (agreed.status, revision.status) == ("superseded", "agreed")
    assert "No revised figure awaits" in client_for(cast.coordinator).get("/facts/revisions/").text


def test_keeping_the_agreed_figure_sets_the_revision_aside_as_the_sources_figure(cast):
    agreed, revision = agreed_with_a_revision(cast)
    assert step(cast.german_ministry_editor, revision, "keep-agreed").status_code == 403
    step(cast.coordinator, revision, "keep-agreed")
    agreed.refresh_from_db()
    revision.refresh_from_db()
    assert (agreed.status, revision.status) == ("agreed", "imported")
    assert events_of(revision, ["observation.revision_kept_agreed"]).get().data == {"agreed": agreed.pk}
    assert "revised figure" not in client_for(cast.coordinator).get("/").text


def test_the_queue_reads_in_fixed_queries(cast, django_assert_max_num_queries):
    agreed_with_a_revision(cast)
    for country in ("TN", "SN", "NG"):
        agree_observation(proposed(cast, loaded_figure(country)), acting_user=cast.coordinator)
        load_reading(reading(row(country, "2022", "2000")), loaded_by=None)
    client = client_for(cast.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get("/facts/revisions/")
    assert response.text.count("/facts/figures/") == 8


# -- proposing a new figure ------------------------------------------------------------------------


def new_figure_form(**changes):
    from partnerhub.facts.models import Indicator
    from partnerhub.geo.models import Country

    data = {
        "indicator": Indicator.objects.get().pk,
        "country": Country.objects.get(iso3="MAR").pk,
        "period": "2023-Q2",
        "value": "2750000000",
        "source_publisher": "Bank Al-Maghrib",
        "source_dataset": "Balance of payments",
        "source_release_date": "2023-09-30",
        "note": "The central bank's quarterly figure",
        "sharing_level": "eu",
    }
    return {**data, **changes}


def test_a_member_state_desk_officer_proposes_a_new_figure_through_the_form(cast):
    loaded_figure()
    client = client_for(cast.german_ministry_editor)
    assert client.get("/facts/figures/new/").status_code == 200
    response = client.post("/facts/figures/new/", new_figure_form(organisation=cast.german_interior.pk))
    created = figures().get(source__publisher="Bank Al-Maghrib")
    assert response.status_code == 302 and response["Location"] == page_of(created)
    assert (created.owner, created.status, created.sharing_level) == (cast.german_interior, "proposed", "eu")


@pytest.mark.parametrize(("changes", "field"), [({"period": "2023-13"}, "period"), ({"note": ""}, "note")])
def test_a_bad_new_figure_is_refused_naming_the_field(cast, changes, field):
    loaded_figure()
    data = new_figure_form(organisation=cast.german_interior.pk, **changes)
    response = client_for(cast.german_ministry_editor).post("/facts/figures/new/", data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert figures().count() == 1


def test_who_may_not_propose_cannot_open_the_form(cast):
    for user in (cast.giz_viewer, cast.moroccan_ministry_user, cast.outsider):
        assert client_for(user).get("/facts/figures/new/").status_code == 403
