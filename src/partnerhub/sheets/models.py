"""An uploaded spreadsheet between its preview and the user's confirmation."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.sheets.findings import Finding
from partnerhub.sheets.reader import SheetContent, SheetRow


class ImportBatch(models.Model):
    """The rows read from one upload, their findings and what the import would do.

    The cells are kept as read, so that confirming matches them again against
    the registry as it is then, without the file being uploaded twice.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not imported yet")
        IMPORTED = "imported", _("Imported")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "access.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    # [{"number": 2, "cells": {"title": …}, "findings": [finding, …]}]: what the reader found.
    rows = models.JSONField(default=list)
    file_findings = models.JSONField(default=list)
    # One entry per row: reference, title, action, engagement id, findings.
    outcome = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("sheets:batch_preview", args=[self.pk])

    @property
    def is_imported(self) -> bool:
        return self.status == self.Status.IMPORTED

    def content(self) -> SheetContent:
        rows = [
            SheetRow(row["number"], row["cells"], [Finding.from_dict(f) for f in row["findings"]])
            for row in self.rows
        ]
        return SheetContent(self.file_name, rows, [Finding.from_dict(f) for f in self.file_findings])

    def keep_content(self, content: SheetContent) -> None:
        self.rows = [
            {"number": row.number, "cells": row.cells, "findings": [f.as_dict() for f in row.findings]}
            for row in content.rows
        ]
        self.file_findings = [finding.as_dict() for finding in content.findings]
