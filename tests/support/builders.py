"""Engagements and money built as their owners would enter them, through the services.

Every amount of a hand-built portfolio is chosen so that the expected totals can
be worked out on paper.
"""

from datetime import date
from decimal import Decimal

from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement, Theme
from partnerhub.registry.services import (
    EngagementInput,
    MoneyInput,
    create_engagement,
    input_from_engagement,
    update_engagement,
)


def money(kind: str, amount: str, currency: str = "EUR", *, on: date = date(2023, 3, 1), **chain) -> MoneyInput:
    return MoneyInput(kind, Decimal(amount), currency, on, **chain)


def record(
    owner,
    author,
    *,
    title: str,
    money_lines=(),
    countries=(("MAR", None),),
    themes=(("RETURN-REINTEGRATION", None),),
    sharing_level: str = "eu",
    links=(),
    iati_identifier: str | None = None,
    **fields,
) -> Engagement:
    """An engagement as its owner would enter it (or, with an IATI identifier, as
    an import would leave it); shares are percentages or None."""
    data = EngagementInput(
        owner=owner,
        fields={
            "kind": "project",
            "title": title,
            "status": "implementation",
            "sharing_level": sharing_level,
            "planned_start": date(2023, 1, 1),
            "planned_end": date(2025, 12, 31),
            **fields,
        },
        countries=[(Country.objects.get(iso3=iso3), _decimal(share)) for iso3, share in countries],
        themes=[(Theme.objects.get(code=code), _decimal(share)) for code, share in themes],
        money=list(money_lines),
        links=list(links),
    )
    engagement = create_engagement(data, acting_user=author)
    if iati_identifier:
        Engagement.objects.unrestricted("test").filter(pk=engagement.pk).update(
            iati_identifier=iati_identifier, provenance="iati"
        )
        engagement.refresh_from_db()
    return engagement


def _decimal(share) -> Decimal | None:
    return None if share is None else Decimal(str(share))


def add_money(engagement, author, kind: str, amount: str, currency: str = "EUR", value_date: date = date(2024, 6, 3)):
    """Adds one money line through the update service, as an editor would."""
    data = input_from_engagement(engagement)
    data.money.append(MoneyInput(kind, Decimal(amount), currency, value_date))
    return update_engagement(engagement, data, acting_user=author)


def mark_as_demo(*engagements) -> None:
    # Demo records come from the demo loader; a flag is all the pages read.
    Engagement.objects.unrestricted("test").filter(pk__in=[e.pk for e in engagements]).update(is_demo=True)
