"""Totals and the EU share of the key-facts pages, as general rules over any figures."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from partnerhub.facts.queries import Figure, eu_share, totals_by_country, totals_by_destination

DESTINATIONS = [("FRA", True), ("DEU", True), ("TUR", False), ("CAN", False)]

figures = st.lists(
    st.builds(
        lambda origin, destination, value: Figure(
            iso3=origin,
            name=origin,
            destination=DESTINATIONS.index(destination),
            destination_iso3=destination[0],
            destination_name=destination[0],
            destination_is_eu=destination[1],
            period="2023",
            source=1,
            agreed=False,
            value=Decimal(value),
        ),
        st.sampled_from(["MAR", "TUN", "SEN"]),
        st.sampled_from(DESTINATIONS),
        st.integers(min_value=0, max_value=10**9),
    ),
    max_size=30,
)


@given(figures)
def test_the_eu_share_is_the_part_of_the_total_in_member_states(found):
    share = eu_share(found)

    assert share.total == sum(figure.value for figure in found)
    assert share.in_eu == sum(figure.value for figure in found if figure.destination_iso3 in {"FRA", "DEU"})
    assert share.in_eu <= share.total
    assert share.percent is None or Decimal(0) <= share.percent <= Decimal(100)


@given(figures)
def test_totals_by_country_and_by_destination_add_up_to_the_same_largest_first(found):
    by_origin, by_destination = totals_by_country(found), totals_by_destination(found)

    assert sum(total.value for total in by_origin) == sum(total.value for total in by_destination)
    assert [total.value for total in by_origin] == sorted((total.value for total in by_origin), reverse=True)
    assert len({total.iso3 for total in by_origin}) == len(by_origin)
