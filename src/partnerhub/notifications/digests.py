"""Sending the e-mail digests: which users are due, which window each digest covers, and the
claim that makes a second run (or a second runner) send nothing twice.

A digest covers the changes since the end of the user's last digest window that was delivered
(sent, or found empty), up to the moment it is built. Its period (the day of a daily digest, the
week of a weekly one) is claimed first by a ``DigestDelivery`` row, unique per user and period:
whatever happens next, that period is never sent again. If sending fails after the claim, the row
stays *pending* and its window is covered by the next period's digest, so nothing is skipped.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from partnerhub.notifications.items import Item, Window, grouped, items_for
from partnerhub.notifications.models import (
    DeliveryStatus,
    DigestDelivery,
    DigestFrequency,
    Follow,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

PERIOD_LENGTH = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}


@dataclass
class DigestRunReport:
    sent: int = 0
    nothing_new: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "nothing_new": self.nothing_new, "failed": self.failed}


def period_start(frequency: str, now: datetime) -> date:
    """The day of a daily digest, the Monday of a weekly one (in the site's time zone)."""
    today = timezone.localtime(now).date()
    return today - timedelta(days=today.weekday()) if frequency == DigestFrequency.WEEKLY else today


def due_preferences(now: datetime) -> list[NotificationPreference]:
    """The preferences of active users with an e-mail address who follow something and have no
    digest yet for the current period of their frequency."""
    preferences = (
        NotificationPreference.objects.exclude(digest_frequency=DigestFrequency.NONE)
        .filter(user__is_active=True, user_id__in=Follow.objects.values("user_id"))
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    claimed = {
        (user_id, frequency, start)
        for user_id, frequency, start in DigestDelivery.objects.filter(
            period_start__gte=period_start(DigestFrequency.WEEKLY, now)
        ).values_list("user_id", "frequency", "period_start")
    }
    return [
        preference
        for preference in preferences
        if (preference.user_id, preference.digest_frequency, period_start(preference.digest_frequency, now))
        not in claimed
    ]


def window_start(user_id: int, frequency: str, now: datetime) -> datetime:
    """Where the last delivered window ended; after only failed periods, where the first of them
    began; for a first digest, one period back."""
    deliveries = DigestDelivery.objects.filter(user_id=user_id)
    delivered = deliveries.filter(status__in=(DeliveryStatus.SENT, DeliveryStatus.NOTHING_NEW))
    last_end = delivered.order_by("-window_end").values_list("window_end", flat=True).first()
    if last_end is not None:
        return last_end
    first_start = deliveries.order_by("window_start").values_list("window_start", flat=True).first()
    return first_start if first_start is not None else now - PERIOD_LENGTH[DigestFrequency(frequency)]


def send_due_digests(now: datetime | None = None) -> DigestRunReport:
    """Every due digest, each user on their own: one failure stops no one else's."""
    now = now or timezone.now()
    report = DigestRunReport()
    for preference in due_preferences(now):
        try:
            outcome = deliver_digest(preference, now)
        except Exception:  # a bad address or a mail server's refusal must not stop the others
            logger.exception("The digest of user %s could not be sent", preference.user_id)
            report.failed.append(preference.user.get_username())
            continue
        if outcome == DeliveryStatus.SENT:
            report.sent += 1
        elif outcome == DeliveryStatus.NOTHING_NEW:
            report.nothing_new += 1
    return report


def deliver_digest(preference: NotificationPreference, now: datetime) -> str | None:
    """Claim the period, build the items with the user as the reader, send them if there are any.
    None when another run claimed the period first."""
    delivery = claim_period(preference, now)
    if delivery is None:
        return None
    user = preference.user
    with translation.override(preference.language or settings.LANGUAGE_CODE):
        window = Window(delivery.window_start, delivery.window_end)
        items = items_for(user, window)
        if not items:
            _finish(delivery, DeliveryStatus.NOTHING_NEW, 0)
            return DeliveryStatus.NOTHING_NEW
        digest_message(user, items, window, preference.digest_frequency).send()
    _finish(delivery, DeliveryStatus.SENT, len(items))
    return DeliveryStatus.SENT


def claim_period(preference: NotificationPreference, now: datetime) -> DigestDelivery | None:
    frequency = preference.digest_frequency
    start = window_start(preference.user_id, frequency, now)
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(
                user_id=preference.user_id,
                frequency=frequency,
                period_start=period_start(frequency, now),
                window_start=min(start, now),
                window_end=now,
            )
    except IntegrityError:
        return None


def _finish(delivery: DigestDelivery, status: str, count: int) -> None:
    delivery.status = status
    delivery.item_count = count
    delivery.sent_at = timezone.now() if status == DeliveryStatus.SENT else None
    delivery.save(update_fields=["status", "item_count", "sent_at"])


# -- the message -------------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return str(settings.PARTNERHUB_SITE_URL).rstrip("/") + path


def digest_message(user: Any, items: list[Item], window: Window, frequency: str) -> EmailMultiAlternatives:
    """Plain text and HTML, every link absolute (``PARTNERHUB_SITE_URL``)."""
    context = {
        "user": user,
        "groups": grouped(items),
        "count": len(items),
        "window": window,
        "frequency": frequency,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "site_url": absolute(""),
        "list_url": absolute(reverse("notifications:notification_list")),
        "settings_url": absolute(reverse("notifications:follow_settings")),
    }
    subject = ngettext(
        "Partnership Hub: %(count)s new item in what you follow",
        "Partnership Hub: %(count)s new items in what you follow",
        len(items),
    ) % {"count": len(items)}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/digest_email.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(render_to_string("notifications/digest_email.html", context), "text/html")
    return message
