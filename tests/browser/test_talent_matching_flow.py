"""The Talent matching in Chromium, as a German ministry's coordinator uses it: Germany's need for nurses
meets Moroccan supply, ranked, and Nigerian supply, blocked by the WHO safeguards list in force; the
coordinator records a reasoned decision to allow it, which then shows on the suggestion; a Member State
ministry outside the need's circle gets 404 on the suggestion's page."""

import pytest

from tests.support.browser import log_in
from tests.talent import builders
from tests.talent.override_factories import german_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_allows_a_blocked_suggestion_with_a_reason(browser, live_server, cast):
    builders.need(cast.german_interior, "DEU", "2221", 400, languages="en", sharing_level="restricted")
    builders.supply(cast.moroccan_interior, "MAR", "2221", workers=300, sharing_level="public")
    builders.supply(cast.commission, "NGA", "2221", workers=900, sharing_level="public")
    coordinator = german_coordinator(cast)

    page = log_in(browser, live_server, coordinator.username)
    page.goto(f"{live_server.url}/talent/matching/needs/?member_state=DEU")
    ranked, blocked = page.locator("table.ph-match-table").all()
    assert "Morocco" in ranked.inner_text()
    assert "Nigeria" in blocked.inner_text() and "WHO SSL 2023" in blocked.inner_text()

    blocked.get_by_role("link", name="Nigeria").click()
    page.wait_for_load_state()
    suggestion_url = page.url
    assert "blocked" in page.locator("main h2").first.inner_text()
    page.select_option("select[name=decision]", "allow")
    page.fill("textarea[name=reason]", "Government-to-government agreement signed with Nigeria's health ministry.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()

    body = page.locator("main").inner_text()
    assert "Allow despite the safeguard: decided by" in body
    assert "Government-to-government agreement signed" in body
    assert "blocked" not in page.locator("main h2").first.inner_text()

    outsider = log_in(browser, live_server, cast.french_ministry_editor.username)
    response = outsider.goto(suggestion_url)
    assert response is not None and response.status == 404
