"""Logging in through the real login page in Chromium (tests/browser)."""

from tests.support.personas import PASSWORD


def log_in(browser, live_server, username: str):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page
