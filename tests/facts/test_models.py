"""A source's freshness against its release cycle, periods as sources write them, and who reads a figure."""

from datetime import date, timedelta

import pytest

from partnerhub.facts.models import Freshness, Observation, Source
from partnerhub.facts.periods import period_start
from tests.facts.factories import loaded_figure

RELEASED = date(2025, 7, 1)


def yearly() -> Source:
    return Source(publisher="World Bank", dataset="WDI", release_date=RELEASED, update_every_days=365)


@pytest.mark.parametrize(
    ("days_after_release", "freshness"),
    [
        (0, Freshness.FRESH),
        (365, Freshness.FRESH),
        (366, Freshness.DUE),
        (425, Freshness.DUE),
        (426, Freshness.OVERDUE),
    ],
)
def test_a_yearly_source_is_fresh_for_a_year_then_due_for_sixty_days_then_overdue(days_after_release, freshness):
    assert yearly().freshness(RELEASED + timedelta(days=days_after_release)) == freshness


def test_a_source_without_release_date_or_cycle_has_no_known_freshness():
    assert Source(publisher="Ministry", dataset="Returns").freshness(RELEASED) == Freshness.UNKNOWN
    assert Source(publisher="Ministry", dataset="Returns", release_date=RELEASED).freshness(RELEASED) == "unknown"


@pytest.mark.parametrize(
    ("period", "start"),
    [
        ("2022", date(2022, 1, 1)),
        ("2022-Q3", date(2022, 7, 1)),
        ("2022-Q4", date(2022, 10, 1)),
        ("2022-07", date(2022, 7, 1)),
    ],
)
def test_a_period_starts_on_its_first_day(period, start):
    assert period_start(period) == start


@pytest.mark.parametrize("period", ["22", "2022-Q5", "2022-13", "2022-00", "2022-7", "2022 ", "Q3-2022", ""])
def test_anything_else_is_not_a_period(period):
    with pytest.raises(ValueError, match="is not a year, quarter or month"):
        period_start(period)


@pytest.mark.django_db
def test_a_partner_figure_is_read_by_the_authorities_of_its_country_only(cast):
    figure = loaded_figure("MA", "2022", "10", owner=cast.eu_delegation_morocco, sharing_level="partner")
    assert Observation.objects.visible_to(cast.moroccan_ministry_user).filter(pk=figure.pk).exists()
    assert not Observation.objects.visible_to(cast.tunisian_ministry_user).filter(pk=figure.pk).exists()
    assert Observation.objects.visible_to(cast.french_embassy_viewer).filter(pk=figure.pk).exists()
    assert not Observation.objects.visible_to(None).filter(pk=figure.pk).exists()
