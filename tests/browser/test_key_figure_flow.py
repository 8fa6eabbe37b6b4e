"""In a real browser: a German ministry editor reads the World Bank's remittances on the indicator page
and proposes the 2023 figure from there; the French ministry's editor disputes it, saying why; the
coordinator records it as agreed; Morocco's profile then quotes it in its key-facts panel; and someone
the figure is not shared with finds no figure at its address.

The indicator and its earlier figures come from the real WDI file in ../shared/data/stats.
Uses Playwright with Debian's Chromium, skipped where it is absent (see tests/browser/conftest.py).
"""

from decimal import Decimal

import pytest

from partnerhub.facts.loading import load_file
from tests.facts.factories import figures
from tests.facts.sources.stats_files import WORLDBANK, needs
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WDI_RECEIVED = WORLDBANK / "wdi_BX.TRF.PWKR.CD.DT.csv"
INDICATOR = "remittances-received-usd"


@needs(WDI_RECEIVED)
def test_a_figure_is_proposed_disputed_agreed_and_quoted_on_the_profile(browser, live_server, cast):
    load_file("wdi", WDI_RECEIVED, loaded_by=None)
    assert not figures().filter(indicator__code=INDICATOR, country__iso3="MAR", period="2023").exists()

    editor = log_in(browser, live_server, cast.german_ministry_editor.username)
    editor.goto(f"{live_server.url}/facts/{INDICATOR}/")
    editor.get_by_role("link", name="Propose a figure for this indicator").click()
    editor.wait_for_load_state()
    assert editor.locator("select[name=indicator] option:checked").inner_text().startswith("Personal remittances")
    editor.select_option("select[name=country]", label="Morocco")
    editor.fill("input[name=period]", "2023")
    editor.fill("input[name=value]", "11400000000")
    editor.fill("input[name=source_publisher]", "Office des Changes")
    editor.fill("input[name=source_dataset]", "Balance des paiements 2023")
    editor.fill("textarea[name=note]", "The 2023 balance of payments, before the World Bank's release")
    editor.get_by_role("button", name="Propose this figure").click()
    editor.wait_for_load_state()
    figure_url = editor.url
    assert "/facts/figures/" in figure_url and "Office des Changes" in editor.content()

    french = log_in(browser, live_server, cast.french_ministry_editor.username)
    french.goto(figure_url)
    french.fill("textarea[name=reason]", "The World Bank's series is the one the Council quotes")
    french.get_by_role("button", name="Dispute").click()
    french.wait_for_load_state()
    assert "Your dispute was recorded." in french.content()
    assert "The World Bank's series is the one the Council quotes" in french.content()

    coordinator = log_in(browser, live_server, cast.coordinator.username)
    coordinator.goto(figure_url)
    coordinator.get_by_role("button", name="Record as agreed").click()
    coordinator.wait_for_load_state()
    assert "The figure is now the agreed one" in coordinator.content()

    coordinator.goto(f"{live_server.url}/countries/MAR/")
    fact = coordinator.locator(f'[data-key-fact="{INDICATOR}"]')
    assert fact.get_attribute("data-status") == "agreed"
    assert fact.get_attribute("data-period") == "2023"
    assert Decimal(fact.get_attribute("data-value") or "") == Decimal(11_400_000_000)
    assert fact.locator("[data-agreed]").count() == 1
    assert fact.locator(".ph-figure__value a").get_attribute("href") == figure_url.removeprefix(live_server.url)

    outsider = log_in(browser, live_server, cast.outsider.username)
    response = outsider.goto(figure_url)
    assert response is not None and response.status == 404
    assert "Office des Changes" not in outsider.content()
