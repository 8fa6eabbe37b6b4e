"""When the nightly IATI sync is due (``partnerhub sync-iati --nightly``)."""

from datetime import date, datetime

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def sync_hour() -> int | None:
    """The hour of the nightly sync, or None when the setting is empty."""
    raw = str(settings.IATI_SYNC_HOUR).strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise CommandError(
            _("PARTNERHUB_IATI_SYNC_HOUR: give an hour from 0 to 23 (UTC), or leave it empty; it is “%(value)s”.")
            % {"value": raw}
        )
    return int(raw)


def is_due(now: datetime, hour: int, last_queued: date | None) -> bool:
    """Due once a day, during the hour set."""
    return now.hour == hour and last_queued != now.date()
