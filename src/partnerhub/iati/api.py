"""The IATI data sources over the API: the subscribed publishers and their files, as on the page;
for signed-in callers (a token or a session)."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from partnerhub.access.api import TokenAuth
from partnerhub.core.api import session_auth
from partnerhub.iati.models import PublisherSubscription, RegistryDataset

router = Router(tags=["iati"], auth=[TokenAuth(), session_auth])


class DatasetOut(Schema):
    name: str
    url: str
    activities: int
    size: int | None
    last_checked_at: datetime | None
    last_changed_at: datetime | None
    last_error: str
    no_longer_published_since: datetime | None
    stale: bool


class PublisherSourceOut(Schema):
    publisher: str
    organisation: str
    last_checked_at: datetime | None
    last_error: str
    stale: bool
    datasets: list[DatasetOut]


@router.get("/iati/sources", response=list[PublisherSourceOut], url_name="list_iati_sources")
def list_sources(request: HttpRequest) -> list[PublisherSourceOut]:
    """Every subscribed IATI publisher with its files: when each was last checked and last changed,
    and whether it is stale (not checked within PARTNERHUB_IATI_SYNC_STALE_DAYS)."""
    now = timezone.now()
    subscriptions = (
        PublisherSubscription.objects.visible_to(request.user)
        .select_related("organisation")
        .prefetch_related("datasets")
    )
    return [
        PublisherSourceOut(
            publisher=s.publisher_id,
            organisation=s.organisation.short_name,
            last_checked_at=s.last_checked_at,
            last_error=s.last_error,
            stale=s.is_stale(now),
            datasets=[_dataset(d, now) for d in s.datasets.all()],
        )
        for s in subscriptions
    ]


def _dataset(dataset: RegistryDataset, now: datetime) -> DatasetOut:
    return DatasetOut(
        name=dataset.name,
        url=dataset.url,
        activities=dataset.activities,
        size=dataset.size,
        last_checked_at=dataset.last_checked_at,
        last_changed_at=dataset.last_changed_at,
        last_error=dataset.last_error,
        no_longer_published_since=dataset.vanished_at,
        stale=dataset.is_stale(now),
    )
