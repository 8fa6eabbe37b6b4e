"""Notifications over the API: the caller's items (the same as the in-app list, the same visibility)
and what the caller follows. Reading and changing one's own follows needs a log-in or a token."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Query, Router
from ninja.errors import ValidationError as InputError

from partnerhub.access.api import TokenAuth
from partnerhub.core.api import NumberedPagination, session_auth
from partnerhub.notifications import services
from partnerhub.notifications.badge import LIST_DAYS
from partnerhub.notifications.digests import absolute
from partnerhub.notifications.forms import SinceForm
from partnerhub.notifications.items import Item, Window, items_for
from partnerhub.notifications.models import DigestFrequency, Follow, NotificationPreference
from partnerhub.notifications.schemas import FollowsIn, FollowsOut, NotificationOut, NotificationsOut

router = Router(tags=["notifications"], auth=[TokenAuth(), session_auth])

SINCE = Query(
    None, description="Changes since this day (ISO 8601); the last 30 days when omitted; at most a year back."
)


@router.get("/notifications", response=NotificationsOut, url_name="list_notifications")
def list_notifications(
    request: HttpRequest, pagination: Query[NumberedPagination.Input], since: date | None = SINCE
) -> NotificationsOut:
    """Paginated like every list (``page``, ``page_size``); ``count`` counts the items of all pages."""
    now = timezone.now()
    window = Window(_since(since, now), now)
    preference = NotificationPreference.objects.filter(user=_user(request)).first()
    last_seen = preference.last_seen_at if preference else None
    page = NumberedPagination().paginate_queryset(items_for(_user(request), window), pagination, request)
    return NotificationsOut(
        since=window.since,
        until=window.until,
        count=page["count"],
        next=page["next"],
        previous=page["previous"],
        items=[_out(item, last_seen) for item in page["items"]],
    )


def _since(since: date | None, now: datetime) -> datetime:
    """The page's rule for the date (not in the future, within a year); broken: 422 naming ``since``."""
    if since is None:
        return now - timedelta(days=LIST_DAYS)
    form = SinceForm({"since": since.isoformat()})
    if not form.is_valid():
        raise InputError(
            [{"type": "value_error", "loc": ["query", "since"], "msg": message} for message in form.errors["since"]]
        )
    return timezone.make_aware(datetime.combine(since, datetime.min.time()))


def _out(item: Item, last_seen: datetime | None) -> NotificationOut:
    return NotificationOut(
        kind=item.kind,
        label=item.label,
        country=item.country.iso3 if item.country else None,
        title=item.title,
        detail=item.detail,
        url=absolute(item.path),
        time=item.time,
        unread=last_seen is None or item.time > last_seen,
    )


@router.get("/follows", response=FollowsOut, url_name="get_follows")
def get_follows(request: HttpRequest) -> FollowsOut:
    return _follows(request)


@router.put("/follows", response={200: FollowsOut}, url_name="put_follows")
def put_follows(request: HttpRequest, body: FollowsIn) -> FollowsOut:
    """Replaces what the caller follows with exactly these partner countries and themes; an unknown
    code answers 422 naming ``countries`` or ``themes`` and changes nothing."""
    services.replace_follows(
        _user(request),
        country_codes=body.countries,
        theme_codes=body.themes,
        frequency=body.digest_frequency.value if body.digest_frequency else None,
        language=get_language() or "",
    )
    return _follows(request)


def _follows(request: HttpRequest) -> FollowsOut:
    follows = Follow.objects.filter(user=_user(request)).select_related("country", "theme")
    preference = NotificationPreference.objects.filter(user=_user(request)).first()
    return FollowsOut(
        countries=sorted(follow.country.iso3 for follow in follows if follow.country),
        themes=sorted(follow.theme.code for follow in follows if follow.theme),
        digest_frequency=DigestFrequency(preference.digest_frequency if preference else DigestFrequency.WEEKLY),
    )


def _user(request: HttpRequest) -> User:
    """The router's authentication lets only logged-in users and token holders through."""
    assert isinstance(request.user, User)
    return request.user
