"""Reviews: a coordinator opens one, the lead organisations update their actions, closing keeps
a snapshot nothing later rewrites, and two closed reviews are compared side by side."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnerhub.plans.models import Action, PlanReview
from partnerhub.plans.reviews import compare
from partnerhub.plans.services import close_review, open_review, update_action, update_indicator
from tests.plans.factories import action_for, indicator_for, plan_coordinator, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(cast):
    plan = plan_for(cast)
    action = action_for(cast, plan, description="Open a reintegration centre", lead=cast.french_foreign_affairs)
    indicator = indicator_for(cast, action)
    return plan, action, indicator


def test_the_snapshot_of_a_closed_review_is_unchanged_by_later_edits(cast, reviewed):
    plan, action, indicator = reviewed
    coordinator = plan_coordinator(cast)
    review = open_review(plan, acting_user=coordinator)
    update_indicator(indicator, {"latest_value": Decimal(300)}, acting_user=cast.french_ministry_editor)
    close_review(review, acting_user=coordinator)
    kept = PlanReview.objects.unrestricted("test").get(pk=review.pk).snapshot
    assert kept["actions"][0]["indicators"][0]["latest_value"] == "300.00"
    update_action(action, {"status": "stalled", "rag_comment": "Later"}, acting_user=cast.french_ministry_editor)
    update_indicator(indicator, {"latest_value": Decimal(900)}, acting_user=cast.french_ministry_editor)
    with pytest.raises(ValidationError):
        close_review(review, acting_user=coordinator)
    assert PlanReview.objects.unrestricted("test").get(pk=review.pk).snapshot == kept


def test_only_coordinators_of_the_owner_open_and_close_reviews_one_at_a_time(cast, reviewed):
    plan, _action, _indicator = reviewed
    with pytest.raises(PermissionDenied):
        open_review(plan, acting_user=cast.german_ministry_editor)
    with pytest.raises(PermissionDenied):
        open_review(plan, acting_user=cast.coordinator)  # a coordinator of another organisation
    review = open_review(plan, acting_user=plan_coordinator(cast))
    with pytest.raises(ValidationError):
        open_review(plan, acting_user=plan_coordinator(cast))
    with pytest.raises(PermissionDenied):
        close_review(review, acting_user=cast.german_ministry_editor)


def test_two_closed_reviews_compare_side_by_side(cast, reviewed):
    plan, action, indicator = reviewed
    coordinator = plan_coordinator(cast)
    first = close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    update_action(action, {"status": "done"}, acting_user=cast.french_ministry_editor)
    update_indicator(indicator, {"latest_value": Decimal(1000)}, acting_user=cast.french_ministry_editor)
    added = action_for(cast, plan, description="Train counsellors")
    second = close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    rows = {row.description: row for row in compare(first.snapshot, second.snapshot)}
    assert rows["Train counsellors"].before is None and added.pk
    changed = {change.label: (change.before, change.after) for change in rows["Open a reintegration centre"].changes}
    assert changed["status"] == ("Ongoing", "Done")
    assert changed["People reintegrated"] == ("", "1000.00")
    page = client_for(cast.french_ministry_editor).get(
        reverse("plans:review_compare", args=[plan.pk]), {"first": first.pk, "second": second.pk}
    )
    assert page.status_code == 200 and "New since the earlier review" in page.content.decode()
    assert (
        client_for(cast.french_ministry_editor)
        .get(reverse("plans:review_compare", args=[plan.pk]), {"first": "x", "second": second.pk})
        .status_code
        == 200
    )


def test_a_coordinator_opens_and_closes_a_review_on_the_pages(cast, reviewed):
    plan, _action, _indicator = reviewed
    client = client_for(plan_coordinator(cast))
    response = client.post(reverse("plans:review_open", args=[plan.pk]))
    assert response.status_code == 302
    review = PlanReview.objects.unrestricted("test").get(plan=plan)
    assert "Close the review" in client.get(review.get_absolute_url()).content.decode()
    assert client_for(cast.french_ministry_editor).post(review.get_absolute_url()).status_code == 403
    assert client.post(review.get_absolute_url()).status_code == 302
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Open a reintegration centre" in page and "Ongoing" in page


def test_the_snapshot_is_as_hidden_as_its_plan(cast):
    plan = plan_for(cast, sharing_level="originator")
    action_for(cast, plan, description="Confidential step")
    coordinator = plan_coordinator(cast)
    review = close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    response = client_for(cast.french_ministry_editor).get(review.get_absolute_url())
    assert response.status_code == 404
    assert not PlanReview.objects.visible_to(cast.french_ministry_editor).filter(pk=review.pk).exists()


def test_the_plan_offers_to_open_a_review_only_while_none_is_open(cast, reviewed):
    plan, _action, _indicator = reviewed
    coordinator = plan_coordinator(cast)
    client = client_for(coordinator)
    assert "Open a review" in client.get(plan.get_absolute_url()).content.decode()
    review = open_review(plan, acting_user=coordinator)
    assert "Open a review" not in client.get(plan.get_absolute_url()).content.decode()
    close_review(review, acting_user=coordinator)
    assert "Open a review" in client.get(plan.get_absolute_url()).content.decode()


def test_closing_a_review_recomputes_the_suggestion_and_keeps_the_rating_set_by_hand_beside_it(cast):
    plan = plan_for(cast)
    action = action_for(cast, plan, description="Open a reintegration centre", deadline=date(2025, 6, 30))
    indicator = indicator_for(cast, action)
    update_indicator(indicator, {"latest_value": Decimal(600)}, acting_user=cast.german_ministry_editor)
    update_action(
        action,
        {"rag_override": "green", "rag_override_reason": "Partner confirms delivery"},
        acting_user=cast.german_ministry_editor,
    )
    # A suggestion gone stale: the time elapsed changes it as much as the indicators do.
    Action.objects.unrestricted("test").filter(pk=action.pk).update(rag_suggested="green")
    coordinator = plan_coordinator(cast)
    first = close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    (kept,) = first.snapshot["actions"]
    # Past the deadline the whole way is expected: 600 of 1000 is at least half of it, so amber.
    assert (kept["rag_suggested"], kept["rag_override"], kept["rag"]) == ("amber", "green", "green")
    assert kept["rag_override_reason"] == "Partner confirms delivery"
    assert Action.objects.unrestricted("test").get(pk=action.pk).rag_suggested == "amber"
    update_indicator(indicator, {"latest_value": Decimal(200)}, acting_user=cast.german_ministry_editor)
    second = close_review(open_review(plan, acting_user=coordinator), acting_user=coordinator)
    assert second.snapshot["actions"][0]["rag_suggested"] == "red"
    page = client_for(cast.commission_desk_officer).get(
        reverse("plans:review_compare", args=[plan.pk]), {"first": first.pk, "second": second.pk}
    )
    rows = {change.label: change for change in compare(first.snapshot, second.snapshot)[0].changes}
    assert (rows["rag_suggested"].before, rows["rag_suggested"].after) == ("Amber", "Red")
    assert rows["rag_override"].after == "Green: Partner confirms delivery" and not rows["rag_override"].changed
    text = page.content.decode()
    assert "suggested by the indicators" in text and "Green: Partner confirms delivery" in text


def test_a_snapshot_kept_before_the_rating_set_by_hand_was_stored_on_its_own_still_compares():
    earlier = {"actions": [{"id": 1, "description": "Step", "rag": "red", "rag_override_reason": "Strike"}]}
    later = {"actions": [{"id": 1, "description": "Step", "rag": "amber", "rag_suggested": "amber"}]}
    rows = {change.label: change for change in compare(earlier, later)[0].changes}
    assert (rows["rag_override"].before, rows["rag_override"].after) == ("Red: Strike", "")
