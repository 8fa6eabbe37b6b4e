"""Playwright with Debian's Chromium (/usr/bin/chromium); nothing is downloaded.

Where Chromium is absent the browser tests are skipped, saying so — unless
PARTNERHUB_REQUIRE_BROWSER is set (as in .ci/run), where they fail.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("PARTNERHUB_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run: Playwright's sync API does not start twice in a thread."""
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
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A test with real transactions empties the database after it: the next one loads
    the reference data again."""
    from partnerhub.geo.models import Country
    from partnerhub.geo.reference import load_countries, load_recipient_regions, load_routes
    from partnerhub.registry.reference import load_instruments, load_themes
    from partnerhub.talent.loading import load_occupations, load_safeguard_lists

    if not Country.objects.exists():
        load_countries()
        load_routes()
        load_recipient_regions()
        load_themes()
        load_instruments()
        load_occupations()
        load_safeguard_lists()


@pytest.fixture(autouse=True)
def close_pages(browser, live_server):
    """Close each test's pages before its live server stops, so no connection is cut mid-way."""
    yield
    for context in browser.contexts:
        context.close()
