"""Action Plans agreed with a partner country, their actions and the indicators that measure them."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.models import ConfidentialModel, Versioned, lock_version_field
from partnerhub.core.querysets import ConfidentialQuerySet


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    SUPERSEDED = "superseded", _("Superseded")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    STALLED = "stalled", _("Stalled")
    DROPPED = "dropped", _("Dropped")


# An action past its deadline in one of these is overdue; done and dropped actions never are.
OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.ONGOING, ActionStatus.STALLED)


class Rag(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


class ActionPlan(ConfidentialModel):
    """One version of the Action Plan an organisation keeps for a partner country.

    Agreeing a version supersedes the version of the same owner and country agreed before it.
    """

    country = models.ForeignKey(
        "geo.Country", verbose_name=_("partner country"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    objectives = models.TextField(_("objectives"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Moves on with every change of this version (core.concurrency): a save based on an older one is refused.
    revision = lock_version_field()
    lock_field: ClassVar[str] = "revision"
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["country__name", "-version", "pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])


class Action(Versioned, ConfidentialChild):
    """One action of a plan, led by one organisation; as confidential as its plan."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("description"))
    objective = models.CharField(_("objective"), max_length=300, blank=True)
    theme = models.ForeignKey("registry.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    lead_organisation = models.ForeignKey(
        "access.Organisation", verbose_name=_("lead organisation"), on_delete=models.PROTECT, related_name="+"
    )
    contributing_organisations = models.ManyToManyField(
        "access.Organisation", verbose_name=_("contributing organisations"), blank=True, related_name="+"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED, db_index=True
    )
    rag_suggested = models.CharField(
        _("suggested RAG rating"),
        max_length=6,
        choices=Rag.choices,
        blank=True,
        help_text=_("Computed from the indicators when the action or one of its indicators is updated."),
    )
    rag_override = models.CharField(_("RAG rating set by hand"), max_length=6, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField(_("reason for the rating set by hand"), blank=True)
    rag_comment = models.TextField(_("RAG comment"), blank=True)
    engagements = models.ManyToManyField(
        "registry.Engagement", verbose_name=_("engagements implementing it"), blank=True, related_name="plan_actions"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def rag(self) -> str:
        """The rating in force: set by hand when it is, suggested by the indicators otherwise."""
        return self.rag_override or self.rag_suggested

    def is_overdue(self, today) -> bool:
        return self.deadline is not None and self.deadline < today and self.status in OPEN_STATUSES


class ActionIndicator(Versioned, ConfidentialChild):
    """How an action's progress is measured: from a baseline towards a target."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    latest_value = models.DecimalField(_("latest value"), max_digits=14, decimal_places=2, null=True, blank=True)
    latest_value_on = models.DateField(_("date of the latest value"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class PlanReview(ConfidentialChild):
    """A review of a plan: opened by a coordinator of its owner, while the lead organisations
    update their actions; closing it keeps a snapshot of every action that nothing rewrites."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    note = models.TextField(_("note"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    snapshot = models.JSONField(
        _("snapshot"), default=dict, blank=True, help_text=_("Every action as it stood when the review closed.")
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(closed_at__isnull=True), name="plans_one_open_review_per_plan"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def get_absolute_url(self) -> str:
        return reverse("plans:review_detail", args=[self.pk])


class ActionFiche(Versioned, ConfidentialChild):
    """How one action is carried out: activities, budget, implementing partners, risks, timeline.

    One per action (a unique foreign key, since a child row is read through foreign keys)."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="fiches")
    activities = models.TextField(_("activities"), blank=True)
    budget = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    implementing_partners = models.TextField(_("implementing partners"), blank=True)
    risks = models.TextField(_("risks and how they are met"), blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Action Fiche")
        verbose_name_plural = _("Action Fiches")
        constraints = [models.UniqueConstraint(fields=["action"], name="plans_one_fiche_per_action")]

    def __str__(self) -> str:
        return str(self.action)

    def get_absolute_url(self) -> str:
        return reverse("plans:fiche_detail", args=[self.pk])
