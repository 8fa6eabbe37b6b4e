"""What an import found in a file, in three tiers, each naming row, column and reason."""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerhub.core.jobs import finding


class Tier(models.TextChoices):
    CRITICAL = "critical", _("Critical: row not imported")
    ERROR = "error", _("Error: imported, field left empty")
    WARNING = "warning", _("Warning: imported as it is")


# Short names for badges; the labels above explain them.
TIER_NAMES = {Tier.CRITICAL: _("Critical"), Tier.ERROR: _("Error"), Tier.WARNING: _("Warning")}


@dataclass(frozen=True)
class Finding:
    tier: str
    reason: str
    # Row 1 is the header row; None for findings about the whole file.
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "tier": self.tier, "reason": self.reason}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Finding":
        return cls(tier=values["tier"], reason=values["reason"], row=values.get("row"), column=values.get("column"))

    def as_job_finding(self) -> dict[str, Any]:
        """The entry of ``Job.findings``: where names the row and the column (as ``field``) when known."""
        where = {name: value for name, value in (("row", self.row), ("field", self.column)) if value is not None}
        return finding(where, self.tier, str(self.reason))

    @classmethod
    def from_job_finding(cls, entry: dict[str, Any]) -> "Finding":
        where = entry["where"]
        return cls(tier=entry["severity"], reason=entry["message"], row=where.get("row"), column=where.get("field"))

    def for_engagement(self) -> dict[str, str]:
        """The shape ``Engagement.import_findings`` keeps."""
        return {"tier": self.tier, "field": self.column or "", "message": self.reason}


class SheetRefused(Exception):
    """The whole file is refused before any row is read: ``reason`` says why, ``message``
    also names the file once the reader knows which (``read_sheet`` adds it)."""

    def __init__(self, reason: str, file_name: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.file_name = file_name

    @property
    def message(self) -> str:
        if not self.file_name:
            return self.reason
        return _("“%(name)s”: %(reason)s") % {"name": self.file_name, "reason": self.reason}
