"""Hand-built portfolios for the analysis tests: every amount is chosen so that
the expected totals can be worked out on paper."""

from datetime import date
from decimal import Decimal

from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement, Theme
from partnerhub.registry.services import EngagementInput, MoneyInput, create_engagement


def money(kind: str, amount: str, currency: str = "EUR", *, on: date = date(2023, 3, 1), **chain) -> MoneyInput:
    return MoneyInput(kind, Decimal(amount), currency, on, **chain)


def record(owner, author, *, title: str, money_lines=(), countries=(("MAR", None),),
           themes=(("RETURN-REINTEGRATION", None),), sharing_level: str = "eu", links=(),
           iati_identifier: str | None = None, **fields) -> Engagement:
    """An engagement as its owner would enter it (or, with an IATI identifier, as
    an import would leave it); shares are percentages or None."""
    data = EngagementInput(
        owner=owner,
        fields={
            "kind": "project", "title": title, "status": "implementation", "sharing_level": sharing_level,
            "planned_start": date(2023, 1, 1), "planned_end": date(2025, 12, 31), **fields,
        },
        countries=[(Country.objects.get(iso3=iso3), _decimal(share)) for iso3, share in countries],
        themes=[(Theme.objects.get(code=code), _decimal(share)) for code, share in themes],
        money=list(money_lines),
        links=list(links),
    )
    engagement = create_engagement(data, acting_user=author)
    if iati_identifier:
        Engagement.objects.unrestricted("test").filter(pk=engagement.pk).update(
            iati_identifier=iati_identifier, provenance="iati")
        engagement.refresh_from_db()
    return engagement


def _decimal(share) -> Decimal | None:
    return None if share is None else Decimal(str(share))
