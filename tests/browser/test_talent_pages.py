"""The Talent Partnerships pages in Chromium: their tables fit a laptop and a phone screen, the pipeline
charts are drawn, and the needs list filters itself through HTMX without reloading the page."""

import pytest

from tests.browser.test_tables_fit import SCREENS, cells_past_the_edge
from tests.support.browser import log_in
from tests.talent.factories import need_for, partnership_for, pipeline_for, scheme_for, supply_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership(cast):
    need_for(cast, code="2221", region="Bavaria", sector="Hospitals and care homes")
    need_for(cast, code="7126", member_state="AUT")
    supply_for(cast, partner_reports_shortage=True)
    partnership = partnership_for(cast, member_states=("DEU", "AUT"), codes=("2221", "7126"))
    training = scheme_for(cast, partnership)
    for period in ("2024", "2025-Q1", "2025-Q2", "2025-Q3"):
        pipeline_for(cast, training, period)
    return partnership


@pytest.mark.parametrize("screen", SCREENS)
def test_no_talent_table_cell_is_clipped_on_laptop_or_phone(browser, live_server, cast, partnership, screen):
    page = log_in(browser, live_server, cast.commission_desk_officer.username)
    urls = ["/talent/", "/talent/needs/", "/talent/supply/", partnership.get_absolute_url()]
    clipped = {url: cells_past_the_edge(page, live_server.url + url, screen) for url in urls}
    report = [f"{url}: {cell}" for url, cells in clipped.items() for cell in cells]
    assert report == [], "\n".join(report)
    assert page.locator("svg.ph-chart--columns").count() == 6


def test_the_needs_list_filters_through_htmx(browser, live_server, cast, partnership):
    page = log_in(browser, live_server, cast.commission_desk_officer.username)
    page.goto(f"{live_server.url}/talent/needs/")
    assert page.locator("[data-ph-results-heading]").inner_text() == "2 labour needs found"
    with page.expect_response(lambda response: "member_state=AUT" in response.url):
        page.select_option("select[name=member_state]", "AUT")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-ph-results-heading]").inner_text() == "1 labour need found"
    assert "member_state=AUT" in page.url
    assert "7126 Plumbers and pipe fitters" in page.locator("#talent-results").inner_text()
