"""The propose – discuss – agree workflow: who may do what, one agreed figure at a time, history kept."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from partnerhub.core.history import events_of, history_of
from partnerhub.facts.loading import load_reading
from partnerhub.facts.models import Indicator, ObservationStatus, Source
from partnerhub.facts.services import (
    FigureInput,
    agree_observation,
    dispute_observation,
    endorse_observation,
    propose_figure,
    propose_observation,
)
from partnerhub.geo.models import Country
from tests.facts.factories import KNOMAD, REFUGEES, figures, hidden_observation, loaded_figure, reading, row

pytestmark = pytest.mark.django_db


def proposed(cast, figure=None):
    figure = figure or loaded_figure()
    return propose_observation(figure, note="WDI is what the Council quotes", acting_user=cast.commission_desk_officer)


def test_a_commission_desk_officer_proposes_an_imported_figure_with_a_note(cast):
    figure = proposed(cast)
    assert figure.status == ObservationStatus.PROPOSED
    assert figure.note == "WDI is what the Council quotes"
    assert figure.proposed_by == cast.commission_desk_officer
    assert figure.proposing_organisation == cast.commission
    assert history_of(figure).get().changes["status"] == ["imported", "proposed"]
    assert events_of(figure, ["observation.proposed"]).count() == 1


@pytest.mark.parametrize("persona", ["giz_viewer", "moroccan_ministry_user", "iom_officer", "outsider"])
def test_only_editors_on_the_eu_side_propose(cast, persona):
    with pytest.raises(PermissionDenied):
        propose_observation(loaded_figure(), note="Quote this", acting_user=getattr(cast, persona))
    assert figures().get().status == ObservationStatus.IMPORTED


def test_a_proposal_needs_a_note(cast):
    with pytest.raises(ValidationError) as refused:
        propose_observation(loaded_figure(), note="  ", acting_user=cast.commission_desk_officer)
    assert "note" in refused.value.message_dict


def test_a_figure_no_file_carries_is_proposed_by_the_organisation_that_owns_it(cast):
    loaded_figure()
    figure = propose_figure(
        FigureInput(
            indicator=Indicator.objects.get(),
            country=Country.objects.get(iso2="MA"),
            period="2023-Q2",
            value=Decimal("2750000000"),
            source=Source.objects.create(publisher="Bank Al-Maghrib", dataset="Balance of payments"),
            method_note="Quarterly balance of payments, transfers of Moroccans abroad",
        ),
        note="The central bank's quarterly figure",
        organisation=cast.german_interior,
        acting_user=cast.german_ministry_editor,
    )
    assert (figure.owner, figure.sharing_level, figure.status) == (cast.german_interior, "eu", "proposed")
    assert figure.period_start.isoformat() == "2023-04-01"
    assert figure.unit == "USD"


def test_a_proposed_figure_names_a_real_period_and_no_destination_for_a_single_country(cast):
    loaded_figure()
    figure = FigureInput(
        indicator=Indicator.objects.get(),
        country=Country.objects.get(iso2="MA"),
        destination=Country.objects.get(iso2="FR"),
        period="2023-13",
        value=Decimal(1),
        source=Source.objects.get(),
    )
    with pytest.raises(ValidationError) as refused:
        propose_figure(figure, note="n", organisation=cast.german_interior, acting_user=cast.german_ministry_editor)
    assert set(refused.value.message_dict) == {"period", "destination"}


def test_other_organisations_endorse_or_dispute_and_a_dispute_gives_its_reason(cast):
    figure = proposed(cast)
    endorse_observation(figure, acting_user=cast.german_ministry_editor)
    with pytest.raises(ValidationError):
        dispute_observation(figure, reason=" ", acting_user=cast.french_ministry_editor)
    dispute_observation(figure, reason="KNOMAD counts informal channels", acting_user=cast.french_ministry_editor)
    figure.refresh_from_db()
    assert figure.status == ObservationStatus.DISPUTED
    stances = {(e.organisation, e.stance, e.reason) for e in figure.endorsements.all()}
    assert stances == {
        (cast.german_interior, "endorse", ""),
        (cast.french_foreign_affairs, "dispute", "KNOMAD counts informal channels"),
    }


def test_the_proposing_organisation_does_not_endorse_its_own_proposal(cast):
    figure = proposed(cast)
    with pytest.raises(PermissionDenied):
        endorse_observation(figure, acting_user=cast.commission_desk_officer)


def test_the_partner_country_authorities_take_a_stance_on_their_own_country_only(cast):
    figure = proposed(cast)
    endorse_observation(figure, acting_user=cast.moroccan_ministry_user)
    with pytest.raises((PermissionDenied, Http404)):
        endorse_observation(figure, acting_user=cast.tunisian_ministry_user)


def test_withdrawing_the_only_dispute_brings_the_figure_back_to_proposed(cast):
    figure = proposed(cast)
    dispute_observation(figure, reason="Too low", acting_user=cast.french_ministry_editor)
    endorsement = endorse_observation(figure, acting_user=cast.french_ministry_editor)
    figure.refresh_from_db()
    assert figure.status == ObservationStatus.PROPOSED
    assert history_of(endorsement).first().changes["stance"] == ["dispute", "endorse"]


def test_only_a_coordinator_records_an_agreed_figure(cast):
    figure = proposed(cast)
    for someone in (cast.commission_desk_officer, cast.german_ministry_editor, cast.moroccan_ministry_user):
        with pytest.raises(PermissionDenied):
            agree_observation(figure, acting_user=someone)
    agreed = agree_observation(figure, acting_user=cast.coordinator)
    assert (agreed.status, agreed.agreed_by) == (ObservationStatus.AGREED, cast.coordinator)
    assert agreed.agreed_at is not None


def test_an_imported_figure_is_proposed_before_it_is_agreed(cast):
    with pytest.raises(ValidationError):
        agree_observation(loaded_figure(), acting_user=cast.coordinator)


def test_agreeing_another_source_supersedes_the_agreed_figure_and_keeps_it(cast):
    wdi = agree_observation(proposed(cast), acting_user=cast.coordinator)
    knomad = proposed(cast, loaded_figure(value="1100", source=KNOMAD))
    agree_observation(knomad, acting_user=cast.coordinator)
    wdi.refresh_from_db()
    assert wdi.status == ObservationStatus.SUPERSEDED
    assert figures().filter(status="agreed").get() == knomad
    assert events_of(wdi, ["observation.superseded"]).get().data == {"by": knomad.pk}
    with pytest.raises(ValidationError):  # a superseded figure stays history
        propose_observation(wdi, note="again", acting_user=cast.commission_desk_officer)


def test_the_database_holds_one_agreed_figure_per_indicator_country_and_period(cast):
    wdi = loaded_figure()
    knomad = loaded_figure(value="1100", source=KNOMAD)
    figures().filter(pk=wdi.pk).update(status="agreed")
    with pytest.raises(IntegrityError), transaction.atomic():
        figures().filter(pk=knomad.pk).update(status="agreed")


def test_a_pair_figure_is_agreed_per_destination(cast):
    rows = [
        row("SY", "2023", "10", indicator=REFUGEES.code, destination=destination, unit="persons")
        for destination in ("DE", "TR")
    ]
    load_reading(reading(*rows, indicators=(REFUGEES,)), loaded_by=None)
    figures().update(status="agreed")
    assert figures().filter(status="agreed").count() == 2


def test_a_figure_hidden_from_the_user_answers_as_missing(cast):
    figure = hidden_observation(cast, secret="internal count")
    with pytest.raises(Http404):
        propose_observation(figure, note="n", acting_user=cast.commission_desk_officer)
