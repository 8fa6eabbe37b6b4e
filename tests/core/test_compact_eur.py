"""Compact euros, as charts, maps and briefs print them for English and French readers."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.core.formatting import compact_eur, compact_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12400000"), "€12.4 m"),
        (850_000, "€850 k"),
        (1_200_000_000, "€1.2 bn"),
        (12_040_000.0, "€12 m"),
        (Decimal("999.4"), "€999"),
        (999_970, "€1 m"),
        (99_960_000, "€100 m"),
        (0, "€0"),
        (Decimal("-3500000"), "-€3.5 m"),
        (Decimal("1200000000000"), "€1,200 bn"),
    ],
)
def test_amounts_read_compactly_in_english(value, expected):
    assert compact_eur(value) == expected


@pytest.mark.parametrize("unknown", [None, "", "not a number", float("nan"), float("inf")])
def test_an_unknown_amount_reads_as_a_dash(unknown):
    assert compact_eur(unknown) == "–"


def test_french_readers_get_a_decimal_comma_in_the_translated_pattern():
    with translation.override("fr"):
        assert compact_eur(Decimal("12400000")) == gettext("€%(amount)s m") % {"amount": "12,4"}
        assert compact_eur(1_200_000_000) == gettext("€%(amount)s bn") % {"amount": "1,2"}
        assert compact_eur(850_000) == gettext("€%(amount)s k") % {"amount": "850"}


def test_french_readers_get_their_thousands_separator_for_huge_amounts():
    with translation.override("fr"):
        text = compact_eur(Decimal("1234000000000"))
    assert re.search(r"1\s234", text)
    assert "1,234" not in text


def test_the_template_filter_prints_compact_euros():
    rendered = Template("{% load analysis_tags %}{{ total|compact_eur }}").render(Context({"total": 12_400_000}))
    assert rendered == "€12.4 m"


UNITS = {"": Decimal(1), " k": Decimal(10**3), " m": Decimal(10**6), " bn": Decimal(10**9)}


@given(st.decimals(min_value=1, max_value=Decimal("1e15"), places=2, allow_nan=False))
def test_a_compact_amount_stays_within_five_percent_of_the_exact_one(value):
    text = compact_eur(value)
    match = re.fullmatch(r"€([\d,]+(?:\.\d)?)( k| m| bn)?", text)
    assert match, text
    shown = Decimal(match.group(1).replace(",", "")) * UNITS[match.group(2) or ""]
    assert abs(shown - value) <= value * Decimal("0.05") + Decimal("0.5")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1250000"), "1.3 m"), (Decimal("850000"), "850 k"), (Decimal("5.34"), "5.3"), (None, "–")],
)
def test_figures_that_are_no_money_are_compact_without_a_euro_sign(value, expected):
    assert compact_number(value) == expected
