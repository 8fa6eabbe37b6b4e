"""Sharing levels: how far a record travels beyond its owner organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SharingLevel(models.TextChoices):
    """Most open first. The order matters: ``widens``/``narrows`` compare by it."""

    PUBLIC = "public", _("Public")
    PARTNER = "partner", _("Partner (EU side and the partner country)")
    EU = "eu", _("EU (EU institutions and Member States)")
    RESTRICTED = "restricted", _("Restricted (owner and named organisations)")
    ORIGINATOR = "originator", _("Originator (owner organisation only)")

    @classmethod
    def rank(cls, level: str) -> int:
        return list(cls.values).index(level)

    @classmethod
    def is_confidential(cls, level: str) -> bool:
        """Levels whose views and exports are logged for the owner."""
        return level in (cls.RESTRICTED, cls.ORIGINATOR)
