"""The occupations and safeguard-list pages: reference data any reader may browse, each page in a fixed
number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from partnerhub.geo.models import Country
from partnerhub.talent.models import EscoOccupation, Occupation, SafeguardList, SafeguardListing
from partnerhub.talent.reference_views import safeguard_list_in_force

pytestmark = pytest.mark.django_db


def test_a_desk_officer_finds_nurses_by_a_word_of_the_title(client):
    page = client.get(reverse("talent:occupation_index"), {"q": "nursing"})
    assert page.status_code == 200
    assert "2221 Nursing professionals" in page.content.decode()
    assert "3221 Nursing associate professionals" in page.content.decode()


def test_a_code_finds_the_groups_under_it(client):
    page = client.get(reverse("talent:occupation_index"), {"q": "222"}).content.decode()
    assert "222 Nursing and midwifery professionals" in page and "2222 Midwifery professionals" in page
    assert "2221 Nursing professionals" in page and "2211" not in page


def test_a_search_without_a_match_says_so(client):
    page = client.get(reverse("talent:occupation_index"), {"q": "astronaut"}).content.decode()
    assert "No occupation matches" in page


def test_a_unit_group_shows_its_chain_its_esco_occupations_and_the_safeguard_in_force(client):
    nurses = Occupation.objects.get(code="2221")
    EscoOccupation.objects.create(
        uri="http://data.europa.eu/esco/occupation/test-nurse",
        label="nurse responsible for general care",
        occupation=nurses,
    )
    page = client.get(reverse("talent:occupation_detail", args=["2221"])).content.decode()
    assert "22 Health professionals" in page and "222 Nursing and midwifery professionals" in page
    assert "nurse responsible for general care" in page
    assert "WHO SSL 2023 covers this occupation" in page


def test_an_occupation_outside_the_lists_says_the_list_does_not_cover_it(client):
    page = client.get(reverse("talent:occupation_detail", args=["2512"])).content.decode()
    assert "does not cover this occupation" in page


def test_an_unknown_code_is_404(client):
    assert client.get(reverse("talent:occupation_detail", args=["9999"])).status_code == 404


def _two_editions():
    """The 2023 list as loaded, and a constructed earlier edition ending the day before it."""
    current = SafeguardList.objects.get(name="WHO SSL 2023")
    earlier = SafeguardList.objects.create(
        name="Earlier test edition",
        published=date(2020, 6, 1),
        in_force_from=date(2020, 6, 1),
        in_force_until=date(2023, 3, 13),
        covers_isco="221 222",
    )
    SafeguardListing.objects.create(safeguard_list=earlier, country=Country.objects.get(iso3="NPL"))
    SafeguardListing.objects.create(safeguard_list=earlier, country=Country.objects.get(iso3="BOL"))
    return earlier, current


def test_the_edition_in_force_is_chosen_by_date():
    earlier, current = _two_editions()
    assert safeguard_list_in_force(date(2019, 1, 1)) is None
    assert safeguard_list_in_force(date(2021, 5, 1)) == earlier
    assert safeguard_list_in_force(date(2023, 3, 13)) == earlier
    assert safeguard_list_in_force(date(2023, 3, 14)) == current
    assert safeguard_list_in_force(date(2030, 1, 1)) == current


def test_the_lists_page_shows_the_editions_side_by_side(client, django_assert_max_num_queries):
    _two_editions()
    with django_assert_max_num_queries(8):
        page = client.get(reverse("talent:safeguard_lists"), {"on": "2021-05-01"}).content.decode()
    assert "In force on" in page and "<strong>Earlier test edition</strong>" in page
    assert "Bolivia" in page and "Nigeria" in page
    nepal_row = page[page.index("Nepal") :].split("</tr>")[0]
    assert nepal_row.count("listed") == 2
    bolivia_row = page[page.index("Bolivia") :].split("</tr>")[0]
    assert bolivia_row.count("listed") == 1


def test_a_bad_date_is_named_and_today_is_shown(client):
    page = client.get(reverse("talent:safeguard_lists"), {"on": "2023-13-45"}).content.decode()
    assert "2023-13-45 is not a date" in page
    assert "WHO SSL 2023" in page


def test_the_occupation_pages_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(reverse("talent:occupation_index"), {"q": "engineer"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("talent:occupation_detail", args=["2221"])).status_code == 200
