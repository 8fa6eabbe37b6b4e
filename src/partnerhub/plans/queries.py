"""What other pages read of the plans: the overdue and stalled actions a reader may see."""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from partnerhub.core.types import AnyUser
from partnerhub.plans.models import OPEN_STATUSES, Action, ActionStatus, PlanStatus


def actions_needing_attention(user: AnyUser | None, *, country=None, today: date | None = None, limit: int = 10):
    """Actions of current plans the user may see that are overdue (deadline past, not done or
    dropped) or stalled, the oldest deadline first."""
    today = today or timezone.localdate()
    actions = Action.objects.visible_to(user).filter(plan__status__in=(PlanStatus.DRAFT, PlanStatus.AGREED))
    if country is not None:
        actions = actions.filter(plan__country=country)
    late = Q(deadline__lt=today, status__in=OPEN_STATUSES) | Q(status=ActionStatus.STALLED)
    return list(
        actions.filter(late).select_related("plan__country", "lead_organisation").order_by("deadline", "pk")[:limit]
    )
