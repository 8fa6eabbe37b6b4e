"""Organisations, the people who belong to them, and API tokens."""

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerhub.core.names import NamedInLanguages

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class OrganisationKind(models.TextChoices):
    EU_INSTITUTION = "eu_institution", _("EU institution")
    EU_DELEGATION = "eu_delegation", _("EU delegation")
    MS_MINISTRY = "ms_ministry", _("Member State ministry")
    MS_AGENCY = "ms_agency", _("Member State agency")
    MS_EMBASSY = "ms_embassy", _("Member State embassy")
    PARTNER_AUTHORITY = "partner_authority", _("Partner-country authority")
    INTERNATIONAL = "international", _("International organisation")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


EU_INSTITUTION_KINDS = {OrganisationKind.EU_INSTITUTION, OrganisationKind.EU_DELEGATION}
MEMBER_STATE_KINDS = {
    OrganisationKind.MS_MINISTRY,
    OrganisationKind.MS_AGENCY,
    OrganisationKind.MS_EMBASSY,
}


class PolicyArea(models.TextChoices):
    INTERIOR = "interior", _("Interior")
    FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign affairs")
    DEVELOPMENT = "development", _("Development")
    LABOUR = "labour", _("Labour")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Organisation(NamedInLanguages, models.Model):
    """An actor: an EU institution, a Member State body, a partner authority, an IO.

    A Member State takes part as several organisations (its ministries,
    agencies and embassies), each with its own country: the whole of
    government shares the Member State's circle for ``restricted`` records
    that name the country.
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    policy_area = models.CharField(
        _("policy area"),
        max_length=30,
        choices=PolicyArea.choices,
        blank=True,
        help_text=_("For ministries and agencies: which part of government they belong to."),
    )
    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    iati_identifier = models.CharField(
        _("IATI organisation identifier"), max_length=100, unique=True, null=True, blank=True
    )
    aliases = models.JSONField(
        _("known aliases"),
        default=list,
        blank=True,
        help_text=_("Other names and spellings used for this organisation in source files."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def localized_label(self) -> str:
        """As ``__str__``, in the interface language (``__str__`` stays English: history stores it)."""
        return f"{self.localized_name} ({self.acronym})" if self.acronym else self.localized_name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    @property
    def is_eu_institution(self) -> bool:
        return self.kind in EU_INSTITUTION_KINDS

    @property
    def is_member_state_body(self) -> bool:
        return self.kind in MEMBER_STATE_KINDS and bool(self.country and self.country.is_eu_member)

    @property
    def is_eu_side(self) -> bool:
        return self.is_eu_institution or self.is_member_state_body

    @property
    def is_partner_authority(self) -> bool:
        return self.kind == OrganisationKind.PARTNER_AUTHORITY and self.country_id is not None


class Role(models.TextChoices):
    """Ordered from least to most rights."""

    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


EDITING_ROLES = (Role.EDITOR, Role.COORDINATOR, Role.ADMINISTRATOR)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation.short_name} ({self.get_role_display()})"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def matching(self, raw: str) -> "ApiToken | None":
        return self.select_related("user").filter(key_hash=_hash_token(raw)).first()


class ApiToken(models.Model):
    """A bearer token for scripts. Only its hash is stored; the key is shown once."""

    PREFIX = "ph_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: "User", name: str) -> tuple["ApiToken", str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=_hash_token(raw), hint=raw[:8])
        return token, raw
