"""Possible overlaps between engagements of different owners, and the runs of the finder that raises them.

The tables keep the names they had when these models lived in ``analysis``
(moved with ``SeparateDatabaseAndState``, no data moved).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.jobs import Job, status_field


class OverlapDecision(models.TextChoices):
    PENDING = "pending", _("Not reviewed yet")
    DUPLICATE = "duplicate", _("Duplicate")
    COMPLEMENTARY = "complementary", _("Complementary")
    UNRELATED = "unrelated", _("Not related")


class OverlapPair(ConfidentialChild):
    """Two engagements of different owners that may do the same thing in the same place.

    ``first`` is always the one with the lower id, so a pair is stored once. The
    fingerprints record both sides as they were when the pair was last found or
    decided: a reviewed pair comes back only when one of them changes. A pair, and each
    change of its history, exists for a reader only when both engagements do (apps.py).
    """

    first = models.ForeignKey("registry.Engagement", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("registry.Engagement", on_delete=models.CASCADE, related_name="+")
    countries = models.ManyToManyField("geo.Country", verbose_name=_("shared countries"), related_name="+")
    score = models.FloatField(_("score"))
    text_similarity = models.FloatField(_("text similarity"))
    explanation = models.JSONField(_("why"), default=dict)
    first_fingerprint = models.CharField(max_length=64)
    second_fingerprint = models.CharField(max_length=64)
    decision = models.CharField(
        _("decision"),
        max_length=15,
        choices=OverlapDecision.choices,
        default=OverlapDecision.PENDING,
        db_index=True,
    )
    decision_note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    found_at = models.DateTimeField(_("found at"))

    class Meta:
        db_table = "analysis_overlappair"
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="overlap_pair_once"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="overlap_pair_ordered"),
        ]
        verbose_name = _("possible overlap")
        verbose_name_plural = _("possible overlaps")

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score:.2f})"


class OverlapRun(Job):
    """One run of the overlap finder, for the whole portfolio or one partner country.

    Pages show when the last run finished and whether one is waiting or running;
    the report's counts cover every engagement, so they are for operators only.
    """

    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("partner country"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty for a run over the whole portfolio."),
    )
    status = status_field(db_index=True)

    class Meta(Job.Meta):
        db_table = "analysis_overlaprun"
        verbose_name = _("overlap finder run")
        verbose_name_plural = _("overlap finder runs")

    def __str__(self) -> str:
        scope = self.country.iso3 if self.country is not None else _("whole portfolio")
        return f"{scope} ({self.get_status_display()})"
