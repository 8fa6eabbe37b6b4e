"""Amounts and shares as every page, export and brief writes them: ``EUR 1,250,000``, ``60 %``,
and compact euros for charts, maps and summaries: ``€12.4 m``, ``€850 k``, ``€1.2 bn``.

A compact amount is formatted for the active language (``12,4`` in French) and the
whole pattern, symbol and unit included, is a translatable string, so French
can read ``12,4 M€``.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeAlias

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NO_AMOUNT = "–"
THOUSAND = Decimal(1000)

# From the largest unit down: (size, pattern). Translators: keep %(amount)s.
UNITS = (
    (THOUSAND**3, gettext_lazy("€%(amount)s bn")),
    (THOUSAND**2, gettext_lazy("€%(amount)s m")),
    (THOUSAND, gettext_lazy("€%(amount)s k")),
    (Decimal(1), gettext_lazy("€%(amount)s")),
)

# The same for figures that are no money: people, shares of GDP.
NUMBER_UNITS = (
    (THOUSAND**3, gettext_lazy("%(amount)s bn")),
    (THOUSAND**2, gettext_lazy("%(amount)s m")),
    (THOUSAND, gettext_lazy("%(amount)s k")),
    (Decimal(1), gettext_lazy("%(amount)s")),
)

# (size, pattern) from the largest unit down; a pattern is a lazy translation.
Units: TypeAlias = tuple[tuple[Decimal, Any], ...]

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


# -- compact euros ---------------------------------------------------------


def compact_eur(value: Amount) -> str:
    """An amount in EUR, short: one decimal below 100 of a unit, none above; "–" when unknown."""
    return _compact(value, UNITS, whole_units=True)


def compact_number(value: Amount) -> str:
    """A figure that is no money (people, a share of GDP), short: ``1.2 m``, ``850 k``, ``5.3``."""
    return _compact(value, NUMBER_UNITS, whole_units=False)


def _compact(value: Amount, units: Units, *, whole_units: bool) -> str:
    amount = to_decimal(value)
    if amount is None:
        return NO_AMOUNT
    index = _unit_index(abs(amount), units)
    scaled = _rounded(amount / units[index][0], whole=whole_units and index == len(units) - 1)
    if abs(scaled) >= THOUSAND and index > 0:
        # 999,970 rounds to "1,000 k": say "1 m" instead.
        index -= 1
        scaled = _rounded(amount / units[index][0], whole=False)
    sign = "-" if scaled < 0 else ""
    return sign + str(units[index][1]) % {"amount": number_format(abs(scaled), force_grouping=True)}


def to_decimal(value: Amount) -> Decimal | None:
    """A finite Decimal from an amount of any numeric type or text; None when there is none."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _unit_index(magnitude: Decimal, units: Units) -> int:
    for index, (size, _pattern) in enumerate(units):
        if magnitude >= size:
            return index
    return len(units) - 1


def _rounded(scaled: Decimal, *, whole: bool) -> Decimal:
    """One decimal under 100 (``12.4``), whole numbers from 100 (``850``) and for plain euros;
    a trailing ``.0`` is dropped (``12``)."""
    step = Decimal(1) if whole or abs(scaled) >= 100 else Decimal("0.1")
    rounded = scaled.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    return rounded
