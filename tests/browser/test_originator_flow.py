"""In a real browser: a German ministry editor records an originator-level
engagement; a French ministry editor finds no trace of it by list, search,
export or URL.

Uses Playwright with Debian's Chromium (/usr/bin/chromium); nothing is
downloaded. Where Chromium is absent the test is skipped, saying so — unless
PARTNERHUB_REQUIRE_BROWSER is set (as in .ci/run), where it fails.
"""

import os
import shutil

import pytest

from tests.personas import PASSWORD

CHROMIUM = os.environ.get("PARTNERHUB_CHROMIUM", "/usr/bin/chromium")
TITLE = "Bilateral readmission talks — confidential track 2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium chromium-driver"
        if os.environ.get("PARTNERHUB_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright runs an event loop in this thread; the ORM calls made by the
    # test's own fixtures stay synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def log_in(browser, live_server, username):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


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
