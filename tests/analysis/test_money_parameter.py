"""One reading of ``?money=`` for the profile page, Team Europe pages, the brief and the API."""

from hypothesis import given
from hypothesis import strategies as st

from partnerhub.analysis.figures.teameurope import SHOWN_MONEY_KINDS
from partnerhub.analysis.forms import DEFAULT_MONEY_KIND, read_money_kind
from partnerhub.registry.models import MoneyKind

ANY_VALUE = st.one_of(st.none(), st.text(), st.sampled_from(MoneyKind.values))


@given(ANY_VALUE)
def test_every_value_reads_as_a_kind_of_money(value):
    assert read_money_kind(value).kind in MoneyKind.values


@given(ANY_VALUE)
def test_a_known_kind_is_taken_and_anything_else_falls_back_to_the_default(value):
    choice = read_money_kind(value)
    if value in MoneyKind.values:
        assert (choice.kind, choice.unknown) == (value, None)
    else:
        assert choice.kind == DEFAULT_MONEY_KIND


@given(ANY_VALUE)
def test_only_a_value_naming_nothing_is_reported_unknown(value):
    assert (read_money_kind(value).unknown is not None) == (bool(value) and value not in MoneyKind.values)
    assert read_money_kind(value).unknown in (None, value)


@given(st.sampled_from(MoneyKind.values))
def test_a_page_offering_fewer_kinds_falls_back_for_the_others(value):
    choice = read_money_kind(value, kinds=SHOWN_MONEY_KINDS)
    assert choice.kind == (value if value in SHOWN_MONEY_KINDS else DEFAULT_MONEY_KIND)
