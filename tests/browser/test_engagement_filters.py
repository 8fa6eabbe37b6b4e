"""In a real browser: the country chooser of the engagement list is searched by
typing, narrows the list without a reload, and the summary names the filter."""

import pytest

from tests.support.browser import log_in
from tests.support.builders import money, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_desk_officer_finds_morocco_by_typing_and_the_list_narrows(browser, live_server, cast):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Reintegration in the Oriental",
        money_lines=[money("commitment", "100000")],
    )
    record(cast.commission, cast.commission_desk_officer, title="Tunisian border posts", countries=[("TUN", None)])
    page = log_in(browser, live_server, cast.commission_desk_officer.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/engagements/")
    page.wait_for_load_state("networkidle")

    page.get_by_label("Search the list: Partner country").press_sequentially("moro")
    visible = page.locator("select[name=country] option:not([hidden])")
    assert visible.all_inner_texts() == ["Morocco"]
    with page.expect_response(lambda response: "country=MAR" in response.url):
        page.select_option("select[name=country]", "MAR")
    page.wait_for_load_state("networkidle")

    results = page.locator("#engagement-results").inner_text()
    assert "Reintegration in the Oriental" in results and "Tunisian border posts" not in results
    assert "Partner country: Morocco" in page.locator("[data-active-filters]").inner_text()
    assert "country=MAR" in page.url and "id_country" not in page.url
