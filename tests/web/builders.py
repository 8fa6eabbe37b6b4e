"""Small builders shared by the browsing tests: more money, demo records, logged-in clients."""

from datetime import date
from decimal import Decimal

from django.test import Client

from partnerhub.registry.models import Engagement
from partnerhub.registry.services import MoneyInput, input_from_engagement, update_engagement


def add_money(engagement, author, kind: str, amount: str, currency: str = "EUR",
              value_date: date = date(2024, 6, 3)):
    """Adds one money line through the update service, as an editor would."""
    data = input_from_engagement(engagement)
    data.money.append(MoneyInput(kind, Decimal(amount), currency, value_date))
    return update_engagement(engagement, data, acting_user=author)


def mark_as_demo(*engagements) -> None:
    # Demo records come from the demo loader; a flag is all the pages read.
    Engagement.objects.unrestricted("test").filter(pk__in=[e.pk for e in engagements]).update(is_demo=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
