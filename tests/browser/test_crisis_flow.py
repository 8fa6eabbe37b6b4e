"""In a real browser: the coordinator declares a crisis for Morocco, the country profile shows its
banner, and the crisis page shows the flexible instruments and the engagements running there.

Uses Playwright with Debian's Chromium, skipped where it is absent (see test_originator_flow.py).
"""

import pytest

from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_declares_a_crisis_seen_on_the_profile_and_its_page(browser, live_server, cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, title="Shelter for displaced families")
    morocco = Country.objects.get(iso3="MAR")
    displacement = Theme.objects.get(code="PROT-DISPLACEMENT")

    page = log_in(browser, live_server, cast.coordinator.username)
    page.goto(f"{live_server.url}/knowledge/crises/")
    page.get_by_role("link", name="Declare a crisis").click()
    page.wait_for_load_state()
    page.fill("input[name=title]", "Earthquake in the High Atlas")
    page.select_option("select[name=country]", str(morocco.pk))
    page.fill("input[name=started_on]", "2025-09-08")
    page.select_option("select[name=severity]", "extreme")
    page.select_option("select[name=themes]", [str(displacement.pk)])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Earthquake in the High Atlas" in page.locator("h1").inner_text()
    content = page.content()
    assert 'data-instrument="NDICI-GE"' in content and 'data-instrument="MPF"' in content
    assert f'data-engagement="{engagement.pk}"' in content

    page.goto(f"{live_server.url}/countries/MAR/")
    banner = page.locator("[data-crisis-banner]")
    assert "Earthquake in the High Atlas" in banner.inner_text()
    banner.get_by_role("link", name="Earthquake in the High Atlas").click()
    page.wait_for_load_state()
    assert "Shelter for displaced families" in page.locator("[data-section=engagements]").inner_text()
