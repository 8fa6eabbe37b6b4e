"""The registered factories of ``talent.MatchOverride`` (``talent/apps.py``): an override hidden from
outsiders, on a need only the German ministry reads, and its withdrawal through the service."""

from django.contrib.auth import get_user_model

from partnerhub.access.models import Role
from partnerhub.talent.overrides import create_override, withdraw_override
from tests.support.personas import make_user
from tests.talent import builders


def german_coordinator(cast):
    """A coordinator of the German ministry of the interior, which keeps the needs built here."""
    found = get_user_model().objects.filter(username="bmi.talent.coordinator").first()
    return found or make_user("bmi.talent.coordinator", cast.german_interior, Role.COORDINATOR)


def hidden_override(cast, *, secret: str):
    need = builders.need(cast.german_interior, "DEU", "2221", 40, sharing_level="originator", region=secret)
    builders.supply(cast.moroccan_interior, "MAR", "2221", workers=120, sharing_level="public")
    return create_override(
        need,
        builders.country("MAR"),
        builders.occupation("2221"),
        decision="allow",
        reason=secret,
        acting_user=german_coordinator(cast),
    )


def withdraw_hidden_override(cast, override) -> None:
    withdraw_override(override, acting_user=german_coordinator(cast))
