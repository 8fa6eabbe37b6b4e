"""In Chromium: a desk officer types in the header's box, sees a suggestion, reads highlighted
results, filters them by type with HTMX (the page is not reloaded) and opens a result."""

import pytest

from tests.agenda.factories import meeting
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_filter_by_type_and_open_a_result(browser, live_server, cast):
    engagement = cast.engagement(
        cast.commission, cast.commission_desk_officer, title="Reintegration counselling in Morocco"
    )
    meeting(cast.commission, cast.commission_desk_officer, title="Mission on reintegration")
    page = log_in(browser, live_server, cast.commission_desk_officer.username)
    page.goto(f"{live_server.url}/engagements/")

    box = page.locator("header input[name=q]")
    box.press_sequentially("reintegrat", delay=20)
    suggestion = page.locator("#ph-search-suggestions a", has_text="Reintegration counselling in Morocco")
    suggestion.wait_for()
    box.fill("reintegration")
    box.press("Enter")
    page.wait_for_url("**/search/?q=reintegration")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-search-hit]").count() == 2
    assert page.locator("[data-search-hit] mark", has_text="Reintegration").count() >= 1

    page.evaluate("window.notReloaded = true")
    with page.expect_response(lambda response: "kind=event" in response.url):
        page.select_option("#id_kind", "event")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("[data-search-hit]").count() == 1
    assert page.locator("[data-search-hit=event]").count() == 1
    assert "kind=event" in page.url

    page.select_option("#id_kind", "engagement")
    page.wait_for_load_state("networkidle")
    page.locator("[data-search-hit=engagement] a").click()
    page.wait_for_url(f"**/engagements/{engagement.pk}/")
    assert "Reintegration counselling in Morocco" in page.content()
