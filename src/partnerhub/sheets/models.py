"""An uploaded spreadsheet between its preview and the user's confirmation."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerhub.core.jobs import Job
from partnerhub.sheets.findings import Finding
from partnerhub.sheets.reader import SheetContent, SheetRow


class BatchStage(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed, not imported yet")
    IMPORTED = "imported", _("Imported")


class ImportBatch(Job):
    """The rows read from one upload, their findings and what the import would do.

    Reading and matching the upload is the job's work: a previewed batch is done,
    at the stage "previewed", until its uploader confirms it ("imported"). The
    cells are kept as read, so that confirming matches them again against the
    registry as it is then, without the file being uploaded twice; what the
    reader found about them is kept in the job's ``findings``.
    """

    Stage = BatchStage

    # A batch holds confidential rows: it goes with its uploader.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=BatchStage.choices, blank=True)
    organisation = models.ForeignKey(
        "access.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    # [{"number": 2, "cells": {"title": …}}]: the rows as read.
    rows = models.JSONField(default=list)
    # One entry per row: reference, title, action, engagement id, findings.
    outcome = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("sheets:batch_preview", args=[self.pk])

    @property
    def is_imported(self) -> bool:
        return self.stage == BatchStage.IMPORTED

    def content(self) -> SheetContent:
        """The upload as read; a finding naming a row read belongs to that row, the others to the file."""
        findings = [Finding.from_job_finding(entry) for entry in self.findings]
        numbers = {row["number"] for row in self.rows}
        rows = [
            SheetRow(row["number"], row["cells"], [f for f in findings if f.row == row["number"]]) for row in self.rows
        ]
        return SheetContent(self.file_name, rows, [f for f in findings if f.row not in numbers])

    def keep_content(self, content: SheetContent) -> None:
        self.rows = [{"number": row.number, "cells": row.cells} for row in content.rows]
        row_findings = [finding for row in content.rows for finding in row.findings]
        self.findings = [finding.as_job_finding() for finding in [*content.findings, *row_findings]]

    def keep_preview(self, counts: dict[str, Any]) -> None:
        """Ends the reading and matching of the upload: done, previewed, rows matched of rows read."""
        self.status, self.stage = Job.Status.DONE, BatchStage.PREVIEWED
        self.progress_total = counts["rows_read"]
        self.progress_done = counts["rows_read"] - counts["skipped"]
        self.started_at = self.finished_at = self.last_progress_at = timezone.now()

    def mark_imported(self) -> None:
        self.stage, self.imported_at = BatchStage.IMPORTED, timezone.now()
