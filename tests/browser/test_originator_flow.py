"""In a real browser: a German ministry editor records an originator-level
engagement; a French ministry editor finds no trace of it by list, search,
export or URL.

Uses Playwright with Debian's Chromium (/usr/bin/chromium); nothing is
downloaded. Where Chromium is absent the test is skipped, saying so — unless
PARTNERHUB_REQUIRE_BROWSER is set (as in .ci/run), where it fails.
"""

import pytest

from tests.support.browser import log_in

TITLE = "Bilateral readmission talks — confidential track 2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_originator_record_stays_with_its_owner(browser, live_server, cast):
    editor = log_in(browser, live_server, cast.german_ministry_editor.username)
    editor.goto(f"{live_server.url}/engagements/new/")
    editor.fill("input[name=title]", TITLE)
    editor.select_option("select[name=kind]", "negotiation")
    editor.fill("textarea[name=description]", "Talks on readmission procedures with the partner.")
    originator = editor.locator("input[name=sharing_level][value=originator]")
    editor.click(f"label[for={originator.get_attribute('id')}]")  # ECL styles the label
    assert originator.is_checked()
    editor.locator("#engagement-form button[type=submit]").click()
    editor.wait_for_load_state()
    assert "/engagements/" in editor.url and TITLE in editor.content()
    detail_url = editor.url
    editor.goto(f"{live_server.url}/engagements/")
    assert TITLE in editor.content(), "the owner sees the new record in the list"

    other = log_in(browser, live_server, cast.french_ministry_editor.username)
    other.goto(f"{live_server.url}/engagements/")
    assert TITLE not in other.content()
    other.goto(f"{live_server.url}/engagements/?q=readmission")
    assert TITLE not in other.content()
    export = other.request.get(f"{live_server.url}/engagements/export.csv")
    assert export.ok and TITLE not in export.text()
    response = other.goto(detail_url)
    assert response.status == 404 and TITLE not in other.content()
