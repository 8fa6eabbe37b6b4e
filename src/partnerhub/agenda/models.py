"""The engagement calendar: who meets which authority of a partner country, when and where."""

import hashlib
import secrets
import zoneinfo
from datetime import date, datetime, tzinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.models import ConfidentialModel
from partnerhub.core.querysets import ConfidentialQuerySet


class Counterpart(models.Model):
    """An authority of a partner country met by the hub's organisations: reference data kept by
    coordinators, so that two meetings with the same counterpart are matched exactly."""

    country = models.ForeignKey(
        "geo.Country", verbose_name=_("partner country"), on_delete=models.PROTECT, related_name="+"
    )
    authority = models.CharField(_("authority"), max_length=200, help_text=_("The ministry or agency."))
    office = models.CharField(_("office"), max_length=200, blank=True, help_text=_("The directorate or department."))
    function = models.CharField(
        _("person's function"), max_length=200, blank=True, help_text=_("For example: Director-General.")
    )

    class Meta:
        ordering = ["country__name", "authority", "office", "function"]
        verbose_name = _("counterpart")
        verbose_name_plural = _("counterparts")
        constraints = [
            models.UniqueConstraint(fields=["country", "authority", "office", "function"], name="one_counterpart")
        ]

    def __str__(self) -> str:
        return " – ".join(part for part in (self.authority, self.office, self.function) if part)


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("Give an IANA time zone name, for example Africa/Casablanca."), code="time_zone")


class MeetingKind(models.TextChoices):
    MISSION = "mission", _("Mission")
    VISIT = "visit", _("Visit")
    POLITICAL_DIALOGUE = "dialogue", _("Political dialogue")
    NEGOTIATION_ROUND = "negotiation", _("Negotiation round")
    COORDINATION = "coordination", _("Coordination meeting")
    REGIONAL_PROCESS = "regional", _("Regional process meeting")


class Meeting(ConfidentialModel):
    """An event of the calendar, organised by its owner organisation.

    ``sequence`` counts the changes of date or place (the iCalendar SEQUENCE), so that calendars
    holding the event replace it.
    """

    kind = models.CharField(_("kind"), max_length=14, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_time_zone],
        help_text=_("Where the meeting takes place, as an IANA name: Africa/Casablanca."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    country = models.ForeignKey(
        "geo.Country", verbose_name=_("partner country"), on_delete=models.PROTECT, related_name="+"
    )
    participants = models.ManyToManyField(
        "access.Organisation", verbose_name=_("participating organisations"), blank=True, related_name="+"
    )
    counterpart = models.ForeignKey(
        Counterpart,
        verbose_name=_("counterpart"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    themes = models.ManyToManyField("registry.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    engagements = models.ManyToManyField(
        "registry.Engagement", verbose_name=_("linked engagements"), blank=True, related_name="+"
    )
    confirmed = models.BooleanField(_("confirmed"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    outcome_notes = models.TextField(_("outcome notes"), blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agenda:meeting_detail", args=[self.pk])

    @property
    def zone(self) -> tzinfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_tentative(self) -> bool:
        return not self.confirmed

    @property
    def uid(self) -> str:
        """Stable across changes: the iCalendar UID."""
        return f"meeting-{self.pk}@partnerhub"


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class FeedTokenQuerySet(models.QuerySet["FeedToken"]):
    def active(self) -> "FeedTokenQuerySet":
        return self.filter(revoked_at__isnull=True)

    def matching(self, raw: str) -> "FeedToken | None":
        return self.active().select_related("user").filter(token_hash=hash_feed_token(raw)).first()


class FeedToken(models.Model):
    """The secret of a personal calendar feed address. Only its hash is kept; revoked, it opens nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)


class LineStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")


class LineToTake(ConfidentialModel):
    """One version of the key messages for everyone meeting a partner government (optionally on
    one theme). Versions of a country and theme are numbered in order; an agreed version is never
    changed again, a new version replaces it. It holds until ``valid_until``, then shows as expired."""

    country = models.ForeignKey(
        "geo.Country", verbose_name=_("partner country"), on_delete=models.PROTECT, related_name="+"
    )
    theme = models.ForeignKey(
        "registry.Theme",
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the lines for every meeting with the country."),
    )
    version = models.PositiveIntegerField(_("version"), editable=False)
    text = models.TextField(_("key messages"))
    status = models.CharField(_("status"), max_length=8, choices=LineStatus.choices, default=LineStatus.DRAFT)
    valid_until = models.DateField(_("holds until"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["country__name", "theme__code", "-version", "pk"]
        verbose_name = _("line to take")
        verbose_name_plural = _("lines to take")

    def __str__(self) -> str:
        return f"{self.country.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("agenda:line_detail", args=[self.pk])

    def is_expired(self, today: date) -> bool:
        return self.valid_until < today
