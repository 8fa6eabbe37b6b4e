"""Currencies pegged to the euro by law are converted at their parity, on any date."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.registry.forms import MoneyLineForm
from partnerhub.registry.money import FIXED_EURO_PARITIES, known_currencies, to_eur

# Council Decision 98/683/EC: 1 EUR = 655.957 CFA francs (XOF and XAF), 491.96775 Comorian francs.
OFFICIAL = {
    "XOF": Decimal("655.957"),
    "XAF": Decimal("655.957"),
    "KMF": Decimal("491.96775"),
    "XPF": Decimal("119.331742"),
}


def test_the_cfa_comorian_and_cfp_francs_have_their_official_parities():
    assert {code: FIXED_EURO_PARITIES[code] for code in OFFICIAL} == OFFICIAL


@given(
    currency=st.sampled_from(sorted(FIXED_EURO_PARITIES)),
    euros=st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2),
    value_date=st.dates(date(1999, 1, 1), date(2035, 12, 31)),
)
def test_an_amount_at_a_fixed_parity_converts_back_to_the_same_euros(currency, euros, value_date):
    amount = (euros * FIXED_EURO_PARITIES[currency]).quantize(Decimal("0.01"))

    converted, rate_date = to_eur(amount, currency, value_date)

    assert abs(converted - euros) <= Decimal("0.01")
    assert rate_date is None


def test_six_million_cfa_francs_are_nine_thousand_one_hundred_and_forty_seven_euros():
    assert to_eur(Decimal("6000000"), "XOF", date(2024, 5, 1)) == (Decimal("9146.94"), None)


@pytest.mark.parametrize("currency", ["XOF", "XAF", "KMF"])
def test_the_money_form_offers_and_accepts_pegged_currencies(currency):
    form = MoneyLineForm({"kind": "commitment", "amount": "1000000", "currency": currency, "value_date": "2024-03-15"})

    assert currency in known_currencies()
    assert form.is_valid(), form.errors
