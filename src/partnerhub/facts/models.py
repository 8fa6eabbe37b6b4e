"""Key facts: indicators, the sources that publish them, observations and the organisations' stances.

An observation is one figure of one indicator for one country (or origin × destination pair) and
period, from one source. Several sources may give a figure for the same indicator, country and
period; at most one of them is the agreed figure at a time (a partial unique constraint).
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.jobs import Job
from partnerhub.core.models import ConfidentialModel
from partnerhub.core.names import NamedInLanguages
from partnerhub.core.querysets import ConfidentialQuerySet


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher-better", _("Higher is better")
    HIGHER_WORSE = "higher-worse", _("Higher is worse")
    NEUTRAL = "neutral", _("Neutral")


class Freshness(models.TextChoices):
    FRESH = "fresh", _("Fresh")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    UNKNOWN = "unknown", _("Not known")


class ObservationStatus(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    DISPUTED = "disputed", _("Disputed")
    SUPERSEDED = "superseded", _("Superseded")


# The figures still under discussion: endorsed, disputed and agreed from these.
UNDER_DISCUSSION = (ObservationStatus.PROPOSED, ObservationStatus.DISPUTED)


class Stance(models.TextChoices):
    ENDORSE = "endorse", _("Endorses")
    DISPUTE = "dispute", _("Disputes")


class Source(models.Model):
    """A publisher's dataset, with its latest release loaded (its vintage) and how often it is released."""

    publisher = models.CharField(_("publisher"), max_length=200)
    dataset = models.CharField(_("dataset"), max_length=300)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    address = models.URLField(_("address"), max_length=500, blank=True)
    update_every_days = models.PositiveIntegerField(_("released every (days)"), null=True, blank=True)

    class Meta:
        ordering = ["publisher", "dataset"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [models.UniqueConstraint(fields=["publisher", "dataset"], name="facts_one_source_per_dataset")]

    def __str__(self) -> str:
        return f"{self.publisher} – {self.dataset}"

    def freshness(self, today: date) -> str:
        """Fresh within its release cycle, due for a sixth of a cycle more (60 days for a yearly
        dataset, as humanitarian data portals count), overdue after that."""
        if self.release_date is None or not self.update_every_days:
            return Freshness.UNKNOWN
        age = today - self.release_date
        cycle = timedelta(days=self.update_every_days)
        if age <= cycle:
            return Freshness.FRESH
        if age <= cycle + max(cycle // 6, timedelta(days=1)):
            return Freshness.DUE
        return Freshness.OVERDUE


class Indicator(NamedInLanguages, models.Model):
    """What is measured, as its publisher defines it. Reference data: its figures carry the sharing."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_fr = models.CharField(_("name in French"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=60)
    definition = models.TextField(_("definition"), blank=True)
    direction = models.CharField(_("direction"), max_length=14, choices=Direction.choices, default=Direction.NEUTRAL)
    themes = models.ManyToManyField("registry.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    pair = models.BooleanField(
        _("origin × destination"), default=False, help_text=_("Figures are given for a pair of countries.")
    )
    default_source = models.ForeignKey(
        Source, verbose_name=_("default source"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Observation(ConfidentialModel):
    """One figure: an indicator for a country (the origin of a pair) and period, from a source."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="observations"
    )
    country = models.ForeignKey("geo.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(
        "geo.Country",
        verbose_name=_("destination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For origin × destination indicators: the destination or asylum country."),
    )
    period = models.CharField(
        _("period"), max_length=7, help_text=_("A year, quarter or month: 2022, 2022-Q3, 2022-07.")
    )
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), max_digits=28, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=60)
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="observations")
    method_note = models.TextField(_("method note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ObservationStatus.choices,
        default=ObservationStatus.IMPORTED,
        db_index=True,
    )
    revises = models.ForeignKey(
        "self",
        verbose_name=_("revises the agreed figure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A revised release of an agreed figure: the agreed one stands until a coordinator decides."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposing_organisation = models.ForeignKey(
        "access.Organisation",
        verbose_name=_("proposed by the organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Why the figure is proposed as the one to quote."))
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["indicator__code", "country__name", "-period_start", "pk"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [
            models.Index(fields=["indicator", "country", "period_start"], name="facts_obs_series"),
            models.Index(fields=["source", "indicator"], name="facts_obs_source"),
        ]
        # NULLs are distinct in unique constraints: a country's figures and a pair's each get theirs.
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "country", "period"],
                condition=models.Q(status="agreed", destination__isnull=True),
                name="facts_one_agreed_figure",
            ),
            models.UniqueConstraint(
                fields=["indicator", "country", "destination", "period"],
                condition=models.Q(status="agreed", destination__isnull=False),
                name="facts_one_agreed_pair_figure",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.country_id}→{self.destination_id}" if self.destination_id else str(self.country_id)
        return f"{self.indicator_id} {where} {self.period}: {self.value}"


class Endorsement(ConfidentialChild):
    """An organisation's stance on a figure: it endorses it, or disputes it with a reason."""

    observation = models.ForeignKey(
        Observation, verbose_name=_("observation"), on_delete=models.CASCADE, related_name="endorsements"
    )
    organisation = models.ForeignKey(
        "access.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(fields=["observation", "organisation"], name="facts_one_stance_per_organisation"),
            models.CheckConstraint(
                condition=~models.Q(stance="dispute", reason=""), name="facts_a_dispute_gives_its_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.stance} {self.observation_id}"


class FactsLoad(Job):
    """One run of a statistics loader (``partnerhub load-facts``): which file, what it found."""

    source_name = models.CharField(_("source"), max_length=40)
    file_name = models.CharField(_("file"), max_length=255)

    class Meta(Job.Meta):
        verbose_name = _("key facts load")
        verbose_name_plural = _("key facts loads")

    def __str__(self) -> str:
        return f"{self.source_name} {self.file_name}"
