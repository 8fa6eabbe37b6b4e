"""The count in the top navigation: new records since the user last opened the list, in one query.

Each kind is a ``visible_to(user)`` subquery counted by the database, so the number never includes
what the user may not see now. It counts the records behind the list's items (new and changed
engagements, new meetings, newly agreed lines to take, actions reported stalled); clash alerts and
actions that became overdue, which are worked out in Python, appear in the list without moving
the count.
"""

from datetime import timedelta
from typing import Any

from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from partnerhub.agenda.models import LineStatus, LineToTake, Meeting
from partnerhub.core.models import Event
from partnerhub.core.types import AnyUser
from partnerhub.notifications.models import Follow, NotificationPreference
from partnerhub.plans.models import Action, ActionStatus, PlanStatus
from partnerhub.registry.models import Engagement

LIST_DAYS = 30


class CountDistinct(Func):
    """COUNT(DISTINCT pk) as a plain expression, so that the subquery is not grouped."""

    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def unread_count(user: AnyUser | None) -> int:
    if user is None or not user.is_authenticated:
        return 0
    floor = timezone.now() - timedelta(days=LIST_DAYS)
    since = Greatest(Coalesce(OuterRef("last_seen_at"), Value(floor)), Value(floor))
    user_id = int(user.pk)
    followed = _followed(user_id)
    counts = [
        _counted(
            Engagement.objects.visible_to(user)
            .about_migration()
            .filter(followed("countries", "themes"), updated_at__gt=since)
        ),
        _counted(
            Meeting.objects.visible_to(user).filter(
                followed("country", "themes"), created_at__gt=since, cancelled=False
            )
        ),
        _counted(
            LineToTake.objects.visible_to(user).filter(
                followed("country", "theme"), status=LineStatus.AGREED, agreed_at__gt=since
            )
        ),
        _counted(
            Action.objects.visible_to(user).filter(
                followed("plan__country", "theme"),
                status=ActionStatus.STALLED,
                plan__status__in=(PlanStatus.DRAFT, PlanStatus.AGREED),
                updated_at__gt=since,
                pk__in=Event.objects.filter(
                    name="action.status_changed",
                    content_type__app_label="plans",
                    content_type__model="action",
                    data__new=ActionStatus.STALLED,
                    time__gt=floor,
                ).values("object_id"),
            )
        ),
    ]
    total = counts[0] + counts[1] + counts[2] + counts[3]
    row = (
        NotificationPreference.objects.filter(user_id=int(user.pk))
        .annotate(unread=total)
        .values_list("unread", flat=True)
    )
    return next(iter(row), 0) or 0


def _followed(user_id: int) -> Any:
    follows = Follow.objects.filter(user_id=user_id)
    countries = follows.filter(country__isnull=False).values("country_id")
    themes = follows.filter(theme__isnull=False).values("theme_id")

    def followed(country: str, theme: str) -> Q:
        # Following a pillar follows the themes under it (the taxonomy has two levels).
        return (
            Q(**{f"{country}__in": countries}) | Q(**{f"{theme}__in": themes}) | Q(**{f"{theme}__parent__in": themes})
        )

    return followed


def _counted(records: QuerySet[Any]) -> Any:
    return Coalesce(
        Subquery(records.order_by().annotate(n=CountDistinct(F("pk"))).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )
