"""In a real browser: a desk officer follows Morocco from its profile, the unread count appears in
the navigation once the page has loaded, and opening the list marks everything read."""

import pytest

from tests.browser.test_content_security_policy import watch_violations
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_a_country_see_the_count_and_read_the_list(browser, live_server, cast):
    page = log_in(browser, live_server, cast.german_ministry_editor.username)
    problems = watch_violations(page)

    page.goto(f"{live_server.url}/countries/MAR/")
    with page.expect_navigation():
        page.get_by_role("button", name="Follow Morocco").click()
    assert page.get_by_role("button", name="Following Morocco · stop").is_visible()

    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    cast.engagement(
        cast.french_foreign_affairs, cast.french_ministry_editor, title="French secret", sharing_level="originator"
    )
    page.goto(f"{live_server.url}/", wait_until="networkidle")
    badge = page.locator("[data-ph-unread]")
    badge.wait_for()
    assert badge.inner_text().startswith("1")

    page.get_by_role("link", name="Notifications").first.click()
    page.wait_for_load_state("networkidle")
    assert "EU return programme" in page.content() and "French secret" not in page.content()
    page.goto(f"{live_server.url}/", wait_until="networkidle")
    assert page.locator("[data-ph-unread]").count() == 0
    page.goto(f"{live_server.url}/notifications/follows/", wait_until="networkidle")
    assert page.get_by_role("button", name="Stop following Morocco").is_visible()
    assert problems == []
