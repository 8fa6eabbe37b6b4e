"""What the partner government asks for, and the comments on it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.models import ConfidentialModel
from partnerhub.core.querysets import ConfidentialQuerySet
from partnerhub.core.sharing import SharingLevel


class PartnerPriority(ConfidentialModel):
    """A priority the partner government has stated, on one of the hub's themes.

    Recorded by coordinators or by the partner country's own users; shared by
    default with the EU side and the partner country.
    """

    sharing_level = models.CharField(
        _("sharing level"),
        max_length=12,
        choices=SharingLevel.choices,
        default=SharingLevel.PARTNER,
        db_index=True,
    )

    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("partner country"),
        on_delete=models.PROTECT,
        related_name="partner_priorities",
    )
    theme = models.ForeignKey("registry.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what the partner asks for"))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the partner stated it: a strategy, a meeting, a letter."),
    )
    source_url = models.URLField(_("link to the source"), blank=True)
    stated_on = models.DateField(_("stated on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["country__name", "-stated_on", "pk"]
        verbose_name = _("partner priority")
        verbose_name_plural = _("partner priorities")

    def __str__(self) -> str:
        return f"{self.country.name}: {self.theme.name}"

    def get_absolute_url(self) -> str:
        return reverse("analysis:country_profile", args=[self.country.iso3]) + "#priorities"


class PriorityComment(ConfidentialChild):
    """A remark or proposal on a priority by someone who may read it but not change it.

    It exists for a reader only when the priority it is about does (registered in apps.py).
    """

    priority = models.ForeignKey(
        PartnerPriority, verbose_name=_("priority"), on_delete=models.CASCADE, related_name="comments"
    )
    organisation = models.ForeignKey(
        "access.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("comment or proposal"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a priority")
        verbose_name_plural = _("comments on priorities")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text[:60]}"
