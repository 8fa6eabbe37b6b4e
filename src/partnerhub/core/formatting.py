"""Amounts and shares as every page, export and brief writes them: ``EUR 1,250,000``, ``60 %``."""

from decimal import Decimal
from typing import TypeAlias

from django.utils.formats import number_format
from django.utils.translation import gettext as _

NO_AMOUNT = "–"

# What the pages pass: a Decimal from the database, a float from a computation, "" or None for none.
Amount: TypeAlias = Decimal | float | int | str | None


def format_money(amount: Amount, currency: str, decimals: int) -> str:
    if amount is None or amount == "":
        return NO_AMOUNT
    number = number_format(amount, decimal_pos=decimals, force_grouping=True)
    return _("%(currency)s %(amount)s") % {"currency": currency, "amount": number}


def eur(amount: Amount) -> str:
    """A total in whole euros: ``EUR 1,250,000``."""
    return format_money(amount, "EUR", 0)


def money(amount: Amount, currency: str = "EUR") -> str:
    """An amount to the cent in its own currency: ``USD 1,250,000.00``."""
    return format_money(amount, currency, 2)


def percent(share: Decimal | float | int | str | None) -> str:
    """A share without trailing zeros: ``60 %``, ``33.33 %``; empty when not split."""
    if share is None:
        return ""
    plain = Decimal(f"{Decimal(share).normalize():f}")
    return _("%(share)s %%") % {"share": number_format(plain, force_grouping=False)}
