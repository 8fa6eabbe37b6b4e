"""Coordinators following a country are told when a new release revises one of its agreed figures,
and only while the revision still awaits their decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partnerhub.core.sharing import SharingLevel
from partnerhub.facts.loading import load_reading
from partnerhub.facts.services import agree_observation, keep_agreed_figure, propose_observation
from partnerhub.notifications import items as kinds
from partnerhub.notifications.items import items_for
from tests.facts.factories import figures, loaded_figure, reading, row
from tests.notifications.support import follows_morocco, last_days

pytestmark = pytest.mark.django_db


def revised_after_agreement(cast, **options):
    figure = loaded_figure(**options)
    if options:
        figures().filter(pk=figure.pk).update(status="agreed")
    else:
        propose_observation(figure, note="WDI is quoted", acting_user=cast.commission_desk_officer)
        agree_observation(figure, acting_user=cast.coordinator)
    load_reading(reading(row("MA", "2022", "1250")), loaded_by=None, **options)
    return figures().get(revises=figure)


def revision_items(reader, window=None):
    return [item for item in items_for(reader, window or last_days(1)) if item.kind == kinds.REVISION_AWAITING]


def test_a_coordinator_following_morocco_is_told_a_revised_figure_awaits_a_decision(cast):
    follows_morocco(cast.coordinator)
    revision = revised_after_agreement(cast)
    [item] = revision_items(cast.coordinator)
    assert item.title == "Personal remittances, received (current US$), 2022"
    assert item.detail == "Revised to 1250 USD by World Bank – World Development Indicators"
    assert item.path == f"/facts/figures/{revision.pk}/"
    assert item.country.iso3 == "MAR" and item.label == "A revised figure awaits your decision"


def test_who_does_not_coordinate_or_follow_the_country_is_not_told(cast):
    follows_morocco(cast.german_ministry_editor)
    revised_after_agreement(cast)
    assert revision_items(cast.german_ministry_editor) == []
    assert revision_items(cast.coordinator) == []  # follows nothing


def test_a_decision_taken_before_the_digest_is_sent_takes_the_item_away(cast):
    follows_morocco(cast.coordinator)
    revision = revised_after_agreement(cast)
    keep_agreed_figure(revision, acting_user=cast.coordinator)
    assert revision_items(cast.coordinator) == []


def test_a_revision_brought_before_the_window_is_not_news(cast, settings):
    follows_morocco(cast.coordinator)
    revised_after_agreement(cast)

    later = timezone.now() + timedelta(days=2)
    assert revision_items(cast.coordinator, last_days(1, now=later)) == []


def test_a_revision_the_coordinator_may_not_see_is_never_mentioned(cast):
    follows_morocco(cast.coordinator)
    revised_after_agreement(cast, owner=cast.german_interior, sharing_level=SharingLevel.ORIGINATOR)
    assert revision_items(cast.coordinator) == []
