"""Readings built by hand, figures loaded from them, and one hidden record of each facts model with
one change of each through the facts services (named by the registrations in ``partnerhub.facts.apps``)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from partnerhub.access.models import Membership, Role
from partnerhub.core.sharing import SharingLevel
from partnerhub.facts.loading import load_reading
from partnerhub.facts.models import Observation
from partnerhub.facts.services import dispute_observation, endorse_observation, propose_observation
from partnerhub.facts.sources.base import IndicatorInfo, Reading, SourceInfo, SourceRow
from tests.support.personas import make_user

WDI = SourceInfo(
    publisher="World Bank",
    dataset="World Development Indicators",
    release_date=date(2025, 7, 1),
    address="https://databank.worldbank.org/source/world-development-indicators",
    update_every_days=365,
)
KNOMAD = SourceInfo(
    publisher="World Bank–KNOMAD",
    dataset="Remittance inflows",
    release_date=date(2024, 12, 18),
    address="https://www.knomad.org/data/remittances",
    update_every_days=365,
)
REMITTANCES = IndicatorInfo(
    code="remittances-received-usd",
    name="Personal remittances, received (current US$)",
    unit="USD",
    definition="Personal transfers and compensation of employees received by resident households.",
    direction="higher-better",
    themes=("DEV-REMIT",),
)
REFUGEES = IndicatorInfo(
    code="refugees-by-origin",
    name="Refugees under UNHCR's mandate, by origin and country of asylum",
    unit="persons",
    definition="People recognised as refugees, by their country of origin and the country that hosts them.",
    pair=True,
)


def row(country: str, period: str, value: str, *, line: int = 2, indicator: str = REMITTANCES.code, **extra):
    return SourceRow(
        line=line,
        indicator=indicator,
        country=country,
        period=period,
        value=Decimal(value),
        unit=extra.pop("unit", "USD"),
        **extra,
    )


def reading(*rows: SourceRow, source: SourceInfo = WDI, indicators=(REMITTANCES,), skipped=()) -> Reading:
    return Reading(source=source, indicators=list(indicators), rows=list(rows), skipped=list(skipped))


def figures():
    return Observation.objects.unrestricted("the tests read what was written")


def loaded_figure(country: str = "MA", period: str = "2022", value: str = "1000", *, source=WDI, **options):
    """One figure loaded as a statistics file would bring it."""
    load_reading(reading(row(country, period, value), source=source), loaded_by=None, **options)
    return figures().get(country__iso2=country, period=period, source__dataset=source.dataset, status="imported")


def hidden_observation(cast, *, secret: str):
    figure = loaded_figure("MA", "2023", "4242", owner=cast.german_interior, sharing_level=SharingLevel.ORIGINATOR)
    figures().filter(pk=figure.pk).update(method_note=secret)
    figure.refresh_from_db()
    return figure


def propose_hidden_observation(cast, observation) -> None:
    propose_observation(
        observation, note="The figure to quote in the dialogue", acting_user=cast.german_ministry_editor
    )


def statistician(cast):
    """An editor of the German ministry who also edits for GIZ: GIZ's stance on the ministry's own figures."""
    found = get_user_model().objects.filter(username="bmi.statistician").first()
    if found is not None:
        return found
    user = make_user("bmi.statistician", cast.german_interior, Role.EDITOR)
    Membership.objects.create(user=user, organisation=cast.giz, role=Role.EDITOR)
    return user


def hidden_dispute(cast, *, secret: str):
    observation = hidden_observation(cast, secret=secret)
    propose_hidden_observation(cast, observation)
    return dispute_observation(observation, reason=secret, acting_user=statistician(cast))


def endorse_after_all(cast, endorsement) -> None:
    endorse_observation(endorsement.observation, acting_user=statistician(cast))
