"""In a real browser: a coordinator of the ministry keeping a plan opens a review, the lead
organisation's editor updates its action, the coordinator closes the review, and two closed
reviews are compared side by side.

Uses Playwright with Debian's Chromium, skipped where it is absent (see test_originator_flow.py).
"""

import pytest

from partnerhub.plans.services import close_review, open_review
from tests.plans.factories import action_for, plan_coordinator, plan_for
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_review_is_opened_reported_on_closed_and_compared(browser, live_server, cast):
    plan = plan_for(cast)
    action_for(cast, plan, description="Open a reintegration centre", lead=cast.french_foreign_affairs)
    coordinator = plan_coordinator(cast)
    close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)  # the earlier review
    plan_url = f"{live_server.url}{plan.get_absolute_url()}"

    chair = log_in(browser, live_server, coordinator.username)
    chair.goto(plan_url)
    chair.get_by_role("button", name="Open a review").click()
    chair.wait_for_load_state()
    assert "Close the review" in chair.content()
    review_url = chair.url

    editor = log_in(browser, live_server, cast.french_ministry_editor.username)
    editor.goto(plan_url)
    editor.get_by_role("link", name="Update the action").click()
    editor.wait_for_load_state()
    editor.select_option("select[name=status]", "done")
    editor.fill("textarea[name=rag_comment]", "Centre opened in Oujda")
    editor.locator("main form button[type=submit]").click()
    editor.wait_for_load_state()
    assert "Centre opened in Oujda" in editor.content()

    chair.goto(review_url)
    assert "Updated in this review" in chair.content()
    chair.get_by_role("button", name="Close the review and keep its snapshot").click()
    chair.wait_for_load_state()
    assert "Centre opened in Oujda" in chair.content()

    chair.goto(plan_url)
    chair.get_by_role("link", name="Compare two reviews").click()
    chair.wait_for_load_state()
    values = [option.get_attribute("value") for option in chair.locator("select[name=first] option").all()]
    first, second = [value for value in values if value]  # the earlier review, then this one
    chair.select_option("select[name=first]", first)
    chair.select_option("select[name=second]", second)
    chair.get_by_role("button", name="Compare").click()
    chair.wait_for_load_state()
    table = chair.locator("main table").inner_text()
    assert "Ongoing" in table and "Done" in table
