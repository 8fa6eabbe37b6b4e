"""Institutional memory and crisis response: lessons (with evaluations and pilot results), the
documents that evidence them, crises declared for a partner country, and the directory of focal points.

Lessons and crises are confidential records (registered in ``apps.py``); focal points are people,
kept to the minimum a colleague needs to reach them and read by EU-side users only.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.models import ConfidentialModel, Versioned
from partnerhub.core.querysets import ConfidentialQuerySet
from partnerhub.core.types import AnyUser

# -- lessons ------------------------------------------------------------------------------------------


class LessonKind(models.TextChoices):
    LESSON = "lesson", _("Lesson learnt")
    EVALUATION = "evaluation", _("Evaluation")
    PILOT = "pilot", _("Pilot result")


class Impact(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Actor(models.TextChoices):
    """Who should act on a lesson's recommendations."""

    EU_INSTITUTIONS = "eu_institutions", _("EU institutions")
    EU_DELEGATIONS = "eu_delegations", _("EU Delegations")
    MEMBER_STATES = "member_states", _("Member States")
    PARTNER_AUTHORITIES = "partner_authorities", _("Partner country's authorities")
    IMPLEMENTING_PARTNERS = "implementing_partners", _("Implementing partners")
    ALL = "all", _("All actors")


class Lesson(Versioned, ConfidentialModel):
    """What an experience taught: what was tried, what worked and what did not, under which
    conditions, and what should change. Evaluations and pilot results add outcome figures."""

    kind = models.CharField(_("kind"), max_length=12, choices=LessonKind.choices, default=LessonKind.LESSON)
    title = models.CharField(_("title"), max_length=300)
    countries = models.ManyToManyField("geo.Country", verbose_name=_("countries"), blank=True, related_name="+")
    themes = models.ManyToManyField("registry.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    engagements = models.ManyToManyField(
        "registry.Engagement", verbose_name=_("linked engagements"), blank=True, related_name="+"
    )
    instruments = models.ManyToManyField(
        "registry.Instrument", verbose_name=_("instruments"), blank=True, related_name="+"
    )
    crisis = models.ForeignKey(
        "knowledge.Crisis",
        verbose_name=_("learnt in the crisis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tried = models.TextField(_("what was tried"), blank=True)
    worked = models.TextField(_("what worked"), blank=True)
    did_not_work = models.TextField(_("what did not work"), blank=True)
    conditions = models.TextField(_("under which conditions"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    impact = models.CharField(_("impact"), max_length=8, choices=Impact.choices, default=Impact.MEDIUM)
    what_to_change = models.TextField(_("what to change"), blank=True)
    who_should_act = models.CharField(_("who should act"), max_length=24, choices=Actor.choices, blank=True)
    dated = models.DateField(_("date"), db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-dated", "-pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:lesson_detail", args=[self.pk])


class OutcomeFigure(ConfidentialChild):
    """One measured outcome of an evaluation or a pilot: as confidential as its lesson."""

    lesson = models.ForeignKey(Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="outcomes")
    label = models.CharField(_("what was measured"), max_length=300)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True, blank=True)
    period = models.CharField(_("period"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["lesson", "pk"]
        verbose_name = _("outcome figure")
        verbose_name_plural = _("outcome figures")

    def __str__(self) -> str:
        return self.label


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"


class Attachment(ConfidentialChild):
    """A document evidencing a lesson: stored under a random name outside the web root, served only
    as a download to who may read the lesson, never rendered; its text is kept for the search."""

    lesson = models.ForeignKey(Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(_("stored as"), max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_kind = models.CharField(_("type"), max_length=8, choices=AttachmentKind.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    extracted_text = models.TextField(_("text"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lesson", "original_name", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


# -- crises ---------------------------------------------------------------------------------------------


class Severity(models.TextChoices):
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")
    EXTREME = "extreme", _("Extreme")


class Crisis(ConfidentialModel):
    """A crisis a coordinator declared for a partner country; closing it keeps the record."""

    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_eu_member": False},
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("start date"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    themes = models.ManyToManyField("registry.Theme", verbose_name=_("affected themes"), blank=True, related_name="+")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("crisis")
        verbose_name_plural = _("crises")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def get_absolute_url(self) -> str:
        return reverse("knowledge:crisis_detail", args=[self.pk])


# -- directory of focal points -------------------------------------------------------------------------


class FocalPointRole(models.TextChoices):
    MIGRATION_AMBASSADOR = "ambassador", _("Migration ambassador")
    DELEGATION_OFFICER = "delegation", _("EU Delegation migration officer")
    LIAISON_OFFICER = "liaison", _("Liaison officer")
    MINISTRY_FOCAL_POINT = "ministry", _("Ministry focal point")
    AGENCY_FOCAL_POINT = "agency", _("Agency focal point")
    OTHER = "other", _("Other")


class FocalPointQuerySet(models.QuerySet["FocalPoint"]):
    def visible_to(self, user: AnyUser | None) -> "FocalPointQuerySet":
        """EU-side users read the whole directory; anyone else only their own entry."""
        from partnerhub.core.visibility import circle_of

        if user is None or not user.is_authenticated:
            return self.none()
        if circle_of(user).eu_side:
            return self.all()
        return self.filter(user=user)


class FocalPoint(models.Model):
    """A person to call about a country, a theme or an organisation's work: only what a colleague
    needs to reach them. Removing an entry deletes it; no copy is kept in the history."""

    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200)
    role = models.CharField(_("role"), max_length=12, choices=FocalPointRole.choices, default=FocalPointRole.OTHER)
    organisation = models.ForeignKey(
        "access.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("ISO 639-1 codes, separated by commas: en, fr, ar.")
    )
    countries = models.ManyToManyField("geo.Country", verbose_name=_("countries covered"), blank=True, related_name="+")
    themes = models.ManyToManyField("registry.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="focal_point",
        help_text=_("The person's own account, so that they can see and correct their entry."),
    )
    last_confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FocalPointQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:focal_point_detail", args=[self.pk])
