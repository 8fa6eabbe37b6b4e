"""An IATI file uploaded by a coordinator, and the background import that reads it.

A job is seen by the person who started it and by the coordinators and
administrators of the organisation it was started for; nobody else.
"""

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
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
