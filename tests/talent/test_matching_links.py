"""From a need or a supply record, one link leads to its suggestions, and the page it leads to ranks them."""

import pytest
from django.urls import reverse

from tests.support.clients import client_for
from tests.talent.factories import need_for, supply_for

pytestmark = pytest.mark.django_db


def test_a_ministry_editor_goes_from_a_need_to_the_countries_suggested_for_it(cast):
    need = need_for(cast)
    supply_for(cast, country="MAR")
    browser = client_for(cast.german_ministry_editor)

    page = browser.get(reverse("talent:need_detail", args=[need.pk])).content.decode()
    link = f"{reverse('talent:match_all')}?need={need.pk}"
    assert f'href="{link}"' in page

    suggestions = browser.get(link).content.decode()
    assert "Morocco" in suggestions


def test_a_supply_record_links_to_the_member_states_whose_needs_it_could_meet(cast):
    need_for(cast)
    supply = supply_for(cast, country="MAR")
    browser = client_for(cast.german_ministry_editor)

    page = browser.get(reverse("talent:supply_detail", args=[supply.pk])).content.decode()
    link = f"{reverse('talent:match_all')}?supply_country=MAR&amp;occupation=2221"
    assert f'href="{link}"' in page

    suggestions = browser.get(link.replace("&amp;", "&")).content.decode()
    assert "Germany" in suggestions


def test_the_overview_links_both_matching_pages_and_the_reference_pages(cast):
    page = client_for(cast.german_ministry_editor).get(reverse("talent:overview")).content.decode()
    for name in ("match_needs", "match_supply", "occupation_index", "safeguard_lists"):
        assert f'href="{reverse(f"talent:{name}")}"' in page
