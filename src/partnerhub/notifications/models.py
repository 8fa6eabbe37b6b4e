"""What a user follows, how often they want a digest, and each digest window already handled.

None of these is a confidential record of an organisation: a follow is a person's choice. What a
digest or the in-app list shows is decided when it is built (``notifications.items``), never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """One partner country or one theme a user follows: exactly one of the two."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("partner country"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    theme = models.ForeignKey(
        "registry.Theme", verbose_name=_("theme"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country__name", "theme__position", "theme__name", "pk"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, theme__isnull=True) | Q(country__isnull=True, theme__isnull=False),
                name="follow_country_or_theme",
            ),
            models.UniqueConstraint(fields=["user", "country"], name="follow_country_once"),
            models.UniqueConstraint(fields=["user", "theme"], name="follow_theme_once"),
        ]

    def __str__(self) -> str:
        return str(self.country or self.theme)


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    NONE = "none", _("No e-mail")


class NotificationPreference(models.Model):
    """A user's digest frequency, the language of their e-mails and when they last opened the list."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest_frequency = models.CharField(
        _("e-mail digest"), max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    language = models.CharField(
        _("language of the e-mails"),
        max_length=8,
        blank=True,
        help_text=_("The interface language in use when the settings were last saved."),
    )
    last_seen_at = models.DateTimeField(_("notifications last opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.digest_frequency})"


class DeliveryStatus(models.TextChoices):
    # Claimed by a run, not yet handed to the e-mail backend: a crash leaves it so, and its items
    # come in the next digest (the next window starts where the last delivered one ended).
    PENDING = "pending", _("Being sent")
    SENT = "sent", _("Sent")
    NOTHING_NEW = "empty", _("Nothing new: not sent")


class DigestDelivery(models.Model):
    """One digest period of one user: claimed once (the unique constraint), whatever the runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(_("frequency"), max_length=8, choices=DigestFrequency.choices)
    period_start = models.DateField(_("period"), help_text=_("The day of a daily digest, the Monday of a weekly one."))
    window_start = models.DateTimeField(_("changes since"))
    window_end = models.DateTimeField(_("changes until"))
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-window_end", "-pk"]
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "frequency", "period_start"], name="one_digest_per_period"),
            models.CheckConstraint(condition=Q(window_end__gte=models.F("window_start")), name="digest_window_order"),
        ]
        indexes = [models.Index(fields=["user", "-window_end"])]

    def __str__(self) -> str:
        return f"{self.user} {self.frequency} {self.period_start}"
