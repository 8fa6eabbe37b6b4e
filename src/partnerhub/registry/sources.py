"""How fresh a data source is: shown on engagement pages and in the API."""

from datetime import datetime, timedelta

from django.utils import timezone

from partnerhub.registry.models import DataSource


def is_stale(source: DataSource, now: datetime | None = None) -> bool:
    """Older than the source's own limit, or never refreshed at all."""
    if source.last_refreshed_at is None:
        return True
    now = now or timezone.now()
    return now - source.last_refreshed_at > timedelta(days=source.stale_after_days)
