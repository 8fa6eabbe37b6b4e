"""In a real browser, under the Content-Security-Policy: no page reports a
violation, and what used to need inline script still works — the money
selector of a country profile, the HTMX filters of the engagement list, ECL's
components and the Swagger UI of the API documentation."""

import pytest

from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/engagements/",
    "/",
    "/engagements/new/",
    "/countries/",
    "/countries/MAR/",
    "/team-europe/",
    "/overlaps/",
    "/import/sheet/",
    "/iati/imports/",
    "/account/",
    "/talent/",
    "/talent/needs/",
    "/talent/needs/new/",
    "/talent/partnerships/new/",
]


def watch_violations(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_main_pages_run_without_a_policy_violation(browser, live_server, cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Reintegration support in Morocco")
    page = log_in(browser, live_server, cast.commission_desk_officer.username)
    problems = watch_violations(page)
    for path in PAGES:
        page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        assert page.evaluate("typeof window.htmx") == "object", path
        assert page.evaluate("document.documentElement.classList.contains('no-js')") is False, path
    assert problems == []


def test_money_selector_and_htmx_filters_work_without_inline_script(browser, live_server, cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Reintegration support in Morocco")
    page = log_in(browser, live_server, cast.commission_desk_officer.username)
    problems = watch_violations(page)

    page.goto(f"{live_server.url}/countries/MAR/")
    with page.expect_navigation():
        page.select_option("#money-kind", "disbursement")
    assert "money=disbursement" in page.url

    page.goto(f"{live_server.url}/engagements/")
    page.locator("#id_q").press_sequentially("no such engagement anywhere")
    page.get_by_text("Reintegration support in Morocco").wait_for(state="detached")
    assert "q=no%20such%20engagement" in page.url
    assert problems == []


def test_api_documentation_renders_under_the_policy(browser, live_server, cast):
    page = browser.new_context(locale="en-GB").new_page()
    problems = watch_violations(page)
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 0
    assert problems == []
