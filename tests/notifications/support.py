"""Follows, addresses and moved clocks for the notification tests.

Records are made through the services, then dated where a test needs them in the past: the
timestamps are what a digest's window compares.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from partnerhub.agenda.models import LineToTake, Meeting
from partnerhub.geo.models import Country
from partnerhub.notifications import services
from partnerhub.notifications.items import Window
from partnerhub.registry.models import Engagement, Theme


def follows_morocco(user, email: str | None = None):
    """The Member State desk officer's setting: Morocco, with an e-mail address for the digest."""
    user.email = email or f"{user.username}@example.org"
    user.save(update_fields=["email"])
    services.follow_country(user, Country.objects.get(iso3="MAR"))
    return user


def follows_theme(user, code: str):
    services.follow_theme(user, Theme.objects.get(code=code))
    return user


def last_days(days: float, now: datetime | None = None) -> Window:
    now = now or timezone.now()
    return Window(now - timedelta(days=days), now)


def dated(record, when: datetime):
    """The record as if it had been created and last changed at ``when``."""
    model = type(record)
    fields = {
        Engagement: {"created_at": when, "updated_at": when},
        Meeting: {"created_at": when, "last_modified": when},
        LineToTake: {"created_at": when, "updated_at": when, "agreed_at": when},
    }[model]
    model.objects.unrestricted("the tests date their records").filter(pk=record.pk).update(**fields)
    record.refresh_from_db()
    return record


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)
