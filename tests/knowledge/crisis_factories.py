"""One hidden crisis and one change of it through the crisis services (named by the registration in
``partnerhub.knowledge.apps``); the crises and focal points the tests build."""

from datetime import date

from partnerhub.geo.models import Country
from partnerhub.knowledge.crisis_services import declare_crisis, update_crisis
from partnerhub.knowledge.directory_services import create_entry
from partnerhub.registry.models import Theme


def crisis_for(
    cast,
    *,
    title: str = "Displacement after the floods",
    country: str = "MAR",
    themes=("RETURN-REINTEGRATION",),
    sharing_level: str = "eu",
    owner=None,
    author=None,
    **fields,
):
    return declare_crisis(
        owner=owner or cast.eu_delegation_morocco,
        fields={
            "title": title,
            "country": Country.objects.get(iso3=country),
            "started_on": fields.pop("started_on", date(2025, 3, 1)),
            "severity": fields.pop("severity", "severe"),
            "themes": list(Theme.objects.filter(code__in=themes)),
            "sharing_level": sharing_level,
            **fields,
        },
        acting_user=author or cast.coordinator,
    )


def hidden_crisis(cast, *, secret: str):
    return crisis_for(cast, title=secret, description=secret, sharing_level="originator")


def raise_severity(cast, crisis) -> None:
    update_crisis(crisis, {"severity": "extreme"}, acting_user=cast.coordinator)


def focal_point_for(cast, *, name: str = "Amina Test", organisation=None, countries=("MAR",), author=None, **fields):
    return create_entry(
        {
            "name": name,
            "function": fields.pop("function", "Migration officer"),
            "role": fields.pop("role", "delegation"),
            "organisation": organisation or cast.eu_delegation_morocco,
            "email": fields.pop("email", "amina.test@example.org"),
            "languages": fields.pop("languages", "en, fr, ar"),
            "countries": list(Country.objects.filter(iso3__in=countries)),
            **fields,
        },
        acting_user=author or cast.coordinator,
    )
