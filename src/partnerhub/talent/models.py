"""Talent Partnerships: Member States' labour needs and partner countries' supply by occupation (ISCO-08),
the partnerships that pair them, their schemes and pipeline figures, and the safeguards the matching applies.

The hub matches occupations and countries; it holds no personal data about jobseekers.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.jobs import Job
from partnerhub.core.models import ConfidentialModel, Versioned
from partnerhub.core.querysets import ConfidentialQuerySet
from partnerhub.geo.models import Country

# -- reference data: the occupations and the safeguard lists -----------------------------------------


class OccupationLevel(models.IntegerChoices):
    MAJOR = 1, _("Major group")
    SUB_MAJOR = 2, _("Sub-major group")
    MINOR = 3, _("Minor group")
    UNIT = 4, _("Unit group")


class Occupation(models.Model):
    """One group of the ISCO-08 structure; needs and supply name unit groups (four digits)."""

    code = models.CharField(_("ISCO-08 code"), max_length=4, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=OccupationLevel.choices)
    title = models.CharField(_("title"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent group"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def group_code(self, level: int) -> str:
        """The code of the group at ``level`` (1 to 4) this occupation belongs to: 2221 → 222 at level 3."""
        return self.code[:level]


class EscoOccupation(models.Model):
    """An ESCO occupation (European Commission) under an ISCO-08 unit group, loaded with ``load-esco``."""

    uri = models.URLField(_("ESCO concept URI"), max_length=200, unique=True)
    label = models.CharField(_("preferred label"), max_length=300)
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("ISCO-08 unit group"), on_delete=models.CASCADE, related_name="esco_occupations"
    )

    class Meta:
        ordering = ["label"]
        verbose_name = _("ESCO occupation")
        verbose_name_plural = _("ESCO occupations")

    def __str__(self) -> str:
        return self.label


class SafeguardList(models.Model):
    """One edition of a list of countries protected from active recruitment in some occupations,
    such as the WHO Health Workforce Support and Safeguards List. The edition in force on a date applies."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    published = models.DateField(_("published"))
    in_force_from = models.DateField(_("in force from"))
    in_force_until = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("Empty while the list is the current one.")
    )
    covers_isco = models.CharField(
        _("occupations covered"),
        max_length=200,
        help_text=_("ISCO-08 codes, separated by spaces; a code covers every group under it (221 covers 2211)."),
    )
    source_url = models.URLField(_("source address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    countries: "models.ManyToManyField[Country, SafeguardListing]" = models.ManyToManyField(
        "geo.Country", verbose_name=_("countries"), through="SafeguardListing", related_name="+"
    )

    class Meta:
        ordering = ["-in_force_from"]
        verbose_name = _("safeguard list")
        verbose_name_plural = _("safeguard lists")

    def __str__(self) -> str:
        return self.name

    @property
    def covered_codes(self) -> list[str]:
        return self.covers_isco.split()

    def covers(self, occupation_code: str) -> bool:
        return any(occupation_code.startswith(code) for code in self.covered_codes)


class SafeguardListing(models.Model):
    """A country on a safeguard list, with the basis on which it is listed."""

    safeguard_list = models.ForeignKey(SafeguardList, on_delete=models.CASCADE, related_name="listings")
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    confidence = models.CharField(_("confidence"), max_length=40, blank=True)

    class Meta:
        ordering = ["safeguard_list", "country__name"]
        constraints = [
            models.UniqueConstraint(fields=["safeguard_list", "country"], name="talent_listed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.safeguard_list_id}: {self.country_id}"


# -- needs and supply ----------------------------------------------------------------------------


class LanguageLevel(models.TextChoices):
    """The Common European Framework of Reference for Languages."""

    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


EQF_LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(8)]


class OccupationFigure(Versioned, ConfidentialModel):
    """What a need and a supply record share: an occupation over a span of years, with its source."""

    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": OccupationLevel.UNIT},
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    eqf_level = models.PositiveSmallIntegerField(
        _("qualification level (EQF)"), null=True, blank=True, validators=EQF_LEVEL_VALIDATORS
    )
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        help_text=_("ISO 639-1 codes separated by spaces, for example de en."),
    )
    language_level = models.CharField(
        _("language level (CEFR)"), max_length=2, choices=LanguageLevel.choices, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        abstract = True

    @property
    def language_codes(self) -> list[str]:
        return self.languages.split()


class TalentNeed(OccupationFigure):
    """A Member State's demand: people sought per year in one occupation."""

    member_state = models.ForeignKey(
        "geo.Country",
        verbose_name=_("Member State"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_eu_member": True},
    )
    region = models.CharField(_("region"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    people_per_year = models.PositiveIntegerField(_("people sought per year"))

    class Meta:
        ordering = ["member_state__name", "occupation__code", "pk"]
        verbose_name = _("labour need")
        verbose_name_plural = _("labour needs")
        indexes = [models.Index(fields=["occupation", "member_state"], name="talent_need_occupation")]
        constraints = [
            models.CheckConstraint(condition=models.Q(last_year__gte=models.F("first_year")), name="talent_need_years")
        ]

    def __str__(self) -> str:
        return f"{self.member_state_id} {self.occupation_id}: {self.people_per_year}/year"

    def get_absolute_url(self) -> str:
        return reverse("talent:need_detail", args=[self.pk])


class TalentSupply(OccupationFigure):
    """A partner country's offer: graduates or available workers per year in one occupation."""

    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("partner country"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_eu_member": False},
    )
    yearly_graduates = models.PositiveIntegerField(_("graduates per year"), null=True, blank=True)
    available_workers = models.PositiveIntegerField(_("workers available per year"), null=True, blank=True)
    training_capacity = models.PositiveIntegerField(_("training places per year"), null=True, blank=True)
    partner_reports_shortage = models.BooleanField(
        _("the partner reports a shortage in this occupation itself"), default=False
    )

    class Meta:
        ordering = ["country__name", "occupation__code", "pk"]
        verbose_name = _("talent supply")
        verbose_name_plural = _("talent supply")
        indexes = [models.Index(fields=["occupation", "country"], name="talent_supply_occupation")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")), name="talent_supply_years"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.occupation_id}"

    def get_absolute_url(self) -> str:
        return reverse("talent:supply_detail", args=[self.pk])

    @property
    def people_per_year(self) -> int:
        """The people a Member State could hope for each year: the available workers where the partner
        counts them, the graduates otherwise."""
        return self.available_workers if self.available_workers is not None else (self.yearly_graduates or 0)


# -- partnerships, schemes and their pipeline --------------------------------------------------------


class PartnershipStatus(models.TextChoices):
    EXPLORING = "exploring", _("Exploring")
    NEGOTIATING = "negotiating", _("Negotiating")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class TalentPartnership(Versioned, ConfidentialModel):
    """Member State(s) and one partner country pairing needs and skills in chosen occupations."""

    title = models.CharField(_("title"), max_length=300)
    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("partner country"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_eu_member": False},
    )
    member_states = models.ManyToManyField(
        "geo.Country",
        verbose_name=_("Member States"),
        related_name="+",
        limit_choices_to={"is_eu_member": True},
    )
    occupations = models.ManyToManyField(Occupation, verbose_name=_("occupations"), blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=PartnershipStatus.choices, default=PartnershipStatus.EXPLORING
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    engagements = models.ManyToManyField(
        "registry.Engagement", verbose_name=_("linked engagements"), blank=True, related_name="talent_partnerships"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["country__name", "title", "pk"]
        verbose_name = _("Talent Partnership")
        verbose_name_plural = _("Talent Partnerships")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("talent:partnership_detail", args=[self.pk])


class SchemeKind(models.TextChoices):
    TRAINING = "training", _("Training in the partner country")
    MOBILITY = "mobility", _("Mobility to the EU")
    RETURN = "return", _("Return and reintegration of skills")


class TalentScheme(ConfidentialChild):
    """One scheme under a partnership; as confidential as the partnership."""

    partnership = models.ForeignKey(
        TalentPartnership, verbose_name=_("Talent Partnership"), on_delete=models.CASCADE, related_name="schemes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SchemeKind.choices)
    title = models.CharField(_("title"), max_length=300)
    occupations = models.ManyToManyField(Occupation, verbose_name=_("occupations"), blank=True, related_name="+")
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["kind", "title", "pk"]
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")

    def __str__(self) -> str:
        return self.title


PIPELINE_STAGES = ("enrolled", "trained", "certified", "recruited", "moved", "returned")


class PipelineFigure(ConfidentialChild):
    """How many people passed each stage of a scheme in one period (a year, quarter or month)."""

    scheme = models.ForeignKey(
        TalentScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="pipeline"
    )
    period = models.CharField(
        _("period"), max_length=7, help_text=_("A year, quarter or month: 2025, 2025-Q3, 2025-07.")
    )
    period_start = models.DateField(_("period start"))
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    trained = models.PositiveIntegerField(_("trained"), default=0)
    certified = models.PositiveIntegerField(_("certified"), default=0)
    recruited = models.PositiveIntegerField(_("recruited"), default=0)
    moved = models.PositiveIntegerField(_("moved to the EU"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name = _("pipeline figure")
        verbose_name_plural = _("pipeline figures")
        constraints = [models.UniqueConstraint(fields=["scheme", "period"], name="talent_one_figure_per_period")]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.period}"


# -- the coordinators' decisions on suggestions --------------------------------------------------------


class OverrideDecision(models.TextChoices):
    ALLOW = "allow", _("Allow despite the safeguard")
    BLOCK = "block", _("Block the suggestion")


class MatchOverride(ConfidentialChild):
    """A coordinator's recorded decision on one suggestion (a need and a partner country's supply in one
    occupation): read by those who see the need, kept in history, withdrawn rather than deleted."""

    need = models.ForeignKey(TalentNeed, verbose_name=_("need"), on_delete=models.CASCADE, related_name="overrides")
    country = models.ForeignKey(
        "geo.Country", verbose_name=_("partner country"), on_delete=models.PROTECT, related_name="+"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation offered"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=5, choices=OverrideDecision.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "pk"]
        verbose_name = _("override")
        verbose_name_plural = _("overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "country", "occupation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="talent_one_override",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="talent_an_override_gives_its_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.need_id}×{self.country_id}/{self.occupation_id}"


# -- exports of the matching too large to build within a request ------------------------------------


class MatchSide(models.TextChoices):
    NEEDS = "needs", _("Needs and the partner countries suggested")
    SUPPLY = "supply", _("Supply and the Member States suggested")


class MatchExport(Job):
    """An export of suggestions run in the background: computed with the visibility of the user who asked
    for it, and served to that user only."""

    # The file holds what its requester may see: it goes with them.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    side = models.CharField(_("side"), max_length=6, choices=MatchSide.choices)
    file_format = models.CharField(_("format"), max_length=4)
    # The page's filters as ISO3, route and ISCO codes: {"member_state": "DEU", "occupation": "22", ...}.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    matching_date = models.DateField(_("matching date"))
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("matching export")
        verbose_name_plural = _("matching exports")

    def __str__(self) -> str:
        return self.file_name or f"{self.side}.{self.file_format}"

    def get_absolute_url(self) -> str:
        return reverse("talent:match_export_job", args=[self.pk])
