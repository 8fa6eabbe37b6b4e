"""Countries (all of ISO 3166-1), the regions they belong to and migration routes."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerhub.core.names import NamedInLanguages, localized_country_name


class Region(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Route(NamedInLanguages, models.Model):
    """A migration route, the frame of Team Europe Initiatives and Action Plans."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("migration route")
        verbose_name_plural = _("migration routes")

    def __str__(self) -> str:
        return self.localized_name


class RecipientRegion(NamedInLanguages, models.Model):
    """A region of IATI's Region codelist (vocabulary 1: the OECD DAC recipient regions),
    where publishers place regional programmes. ``countries`` are the partner countries
    it covers; its routes are those that run through one of them (``geo.reference``)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    countries: "models.ManyToManyField[Country, Any]" = models.ManyToManyField(
        "Country", verbose_name=_("countries"), blank=True, related_name="recipient_regions"
    )
    routes = models.ManyToManyField(
        Route, verbose_name=_("migration routes"), blank=True, related_name="recipient_regions"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("recipient region")
        verbose_name_plural = _("recipient regions")

    def __str__(self) -> str:
        return self.localized_name


class CountryQuerySet(models.QuerySet["Country"]):
    def partners(self) -> "CountryQuerySet":
        return self.filter(is_eu_member=False)

    def partner_or_404(self, iso3: str) -> "Country":
        """The partner country with this code, in any case; Member States and unknown codes are 404."""
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.partners(), iso3=iso3.upper())

    def member_states(self) -> "CountryQuerySet":
        return self.filter(is_eu_member=True)


class Country(models.Model):
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    numeric = models.CharField(_("ISO numeric code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    is_eu_member = models.BooleanField(_("EU Member State"), default=False, db_index=True)
    is_priority_partner = models.BooleanField(
        _("priority partner"),
        default=False,
        db_index=True,
        help_text=_("A partner country with an EU Action Plan on migration."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="countries",
    )
    routes = models.ManyToManyField(Route, verbose_name=_("migration routes"), blank=True, related_name="countries")

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """pycountry's name in the interface language (French: "Maroc")."""
        return localized_country_name(self.name)
