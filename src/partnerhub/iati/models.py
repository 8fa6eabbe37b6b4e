"""An IATI file uploaded by a coordinator, and the background import that reads it.

A job is seen by the person who started it and by the coordinators and
administrators of the organisation it was started for; nobody else.
"""

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.jobs import Job, status_field
from partnerhub.core.visibility import iati_importing_organisation_ids


def importing_organisation_ids(user) -> models.QuerySet:
    """The organisations for which ``user`` may import IATI files (a subquery)."""
    return iati_importing_organisation_ids(user)


def may_import_iati(user) -> bool:
    return importing_organisation_ids(user).exists()


@dataclass(frozen=True)
class JobProgress:
    """How far an import has got; ``percent`` is None until the size is known."""

    files_done: int = 0
    files_total: int = 0
    activities_read: int = 0
    bytes_read: int = 0
    bytes_total: int = 0
    current_file: str = ""

    @property
    def percent(self) -> int | None:
        if not self.files_total:
            return None
        current_share = self.bytes_read / self.bytes_total if self.bytes_total else 0
        done = (self.files_done + min(current_share, 1)) / self.files_total
        return min(int(done * 100), 100)


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ImportJobQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(started_by=user) | Q(organisation_id__in=importing_organisation_ids(user)))


class ImportJob(Job):
    status = status_field(_("Importing"))
    organisation = models.ForeignKey(
        "access.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="iati_import_jobs",
    )
    # Relative to settings.UPLOAD_DIR; a random name, never the uploader's.
    stored_name = models.CharField(_("stored file"), max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    keep_all = models.BooleanField(_("every activity kept"), default=False)
    files_done = models.PositiveIntegerField(_("files read"), default=0)
    files_total = models.PositiveIntegerField(_("files"), default=0)
    activities_read = models.PositiveIntegerField(_("activities read"), default=0)
    bytes_read = models.BigIntegerField(_("bytes read"), default=0)
    bytes_total = models.BigIntegerField(_("file size in bytes"), default=0)
    current_file = models.CharField(_("current file"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("IATI import")
        verbose_name_plural = _("IATI imports")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("iati:import_job_detail", args=[self.pk])

    @property
    def file_path(self) -> Path:
        return Path(settings.UPLOAD_DIR) / self.stored_name

    @property
    def live_progress_path(self) -> Path:
        return self.file_path.with_suffix(".progress.json")

    def progress(self) -> JobProgress:
        """What the worker last wrote: its side file while it runs, the row afterwards."""
        if self.status == self.Status.RUNNING:
            live = self._read_live_progress()
            if live is not None:
                return live
        return JobProgress(
            self.files_done,
            self.files_total,
            self.activities_read,
            self.bytes_read,
            self.bytes_total,
            self.current_file,
        )

    def write_live_progress(self, progress: JobProgress) -> None:
        # Each file is imported in one transaction: rows written from inside it
        # stay invisible to the page until it commits, and SQLite admits no
        # second writer meanwhile. A side file reaches the page at once.
        path = self.live_progress_path
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w") as stream:
            json.dump(asdict(progress), stream)
        os.replace(temporary, path)

    def forget_live_progress(self) -> None:
        self.live_progress_path.unlink(missing_ok=True)

    def _read_live_progress(self) -> JobProgress | None:
        try:
            return JobProgress(**json.loads(self.live_progress_path.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def last_sign_of_life(self) -> datetime:
        """The worker writes its progress to the side file while it runs."""
        try:
            return datetime.fromtimestamp(self.live_progress_path.stat().st_mtime, tz=UTC)
        except OSError:
            return super().last_sign_of_life()


# -- kept current from the IATI Registry (iati.sync) -------------------------

PUBLISHER_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,99}$"


class PublisherSubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PublisherSubscriptionQuerySet":
        """Publishers' files are public, and so is which of them the hub reads; the page asks for a log-in."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class PublisherSubscription(models.Model):
    """The hub reads this IATI publisher's activity files from the IATI Registry, nightly.

    One subscription per publisher for the whole hub: the organisation that
    asked for it is recorded, and its editors may end it."""

    publisher_id = models.CharField(
        _("IATI Registry publisher"),
        max_length=100,
        unique=True,
        help_text=_("The publisher's identifier in the IATI Registry, e.g. ec-intpa, giz, sida."),
    )
    organisation = models.ForeignKey(
        "access.Organisation",
        verbose_name=_("asked for by"),
        on_delete=models.CASCADE,
        related_name="iati_subscriptions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)
    keep_all = models.BooleanField(_("every activity kept, not only those about migration"), default=False)
    # The registry's list of the publisher's datasets, last read in full.
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # Set while a sync runs, so that two runs never read the same publisher at once.
    sync_started_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PublisherSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["publisher_id"]
        verbose_name = _("IATI publisher subscription")
        verbose_name_plural = _("IATI publisher subscriptions")

    def __str__(self) -> str:
        return self.publisher_id

    def is_stale(self, now: datetime | None = None) -> bool:
        return is_stale(self.last_checked_at, now)


def is_stale(last_checked_at: datetime | None, now: datetime | None = None) -> bool:
    """Not checked successfully within ``IATI_SYNC_STALE_DAYS`` (or never)."""
    if last_checked_at is None:
        return True
    now = now or datetime.now(UTC)
    return now - last_checked_at > timedelta(days=settings.IATI_SYNC_STALE_DAYS)


class RegistryDataset(models.Model):
    """One activity file of a subscribed publisher, and what the last sync saw of it."""

    subscription = models.ForeignKey(
        PublisherSubscription, verbose_name=_("publisher"), on_delete=models.CASCADE, related_name="datasets"
    )
    name = models.CharField(_("dataset"), max_length=200, unique=True)
    url = models.URLField(_("address"), max_length=2000, blank=True)
    registry_hash = models.CharField(_("hash in the registry"), max_length=128, blank=True)
    content_hash = models.CharField(_("hash of the file imported"), max_length=64, blank=True)
    etag = models.CharField("ETag", max_length=300, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=100, blank=True)
    size = models.BigIntegerField(_("size in bytes"), null=True, blank=True)
    activities = models.PositiveIntegerField(_("activities"), default=0)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_changed_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # The registry no longer lists it: its activities were withdrawn.
    vanished_at = models.DateTimeField(_("no longer published since"), null=True, blank=True)
    data_source = models.ForeignKey(
        "registry.DataSource",
        verbose_name=_("data source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["subscription", "name"]
        verbose_name = _("IATI Registry dataset")
        verbose_name_plural = _("IATI Registry datasets")

    def __str__(self) -> str:
        return self.name

    def is_stale(self, now: datetime | None = None) -> bool:
        return self.vanished_at is None and is_stale(self.last_checked_at, now)
