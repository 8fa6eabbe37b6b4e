"""Admin for countries, regions and migration routes.

Codes, names and EU membership come from ISO 3166-1 and the Treaty (see
``geo.reference``), so they are read-only on existing countries; the priority
flag, the region and the routes are the editorial part.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from partnerhub.geo.models import Country, Region, Route

ISO_FIELDS = ("iso3", "iso2", "numeric", "name", "official_name", "is_eu_member")


class RouteCountryInline(admin.TabularInline):
    model = Country.routes.through
    fields = ("country",)
    autocomplete_fields = ("country",)
    extra = 0
    verbose_name = _("country on this route")
    verbose_name_plural = _("countries on this route")


class CountryCountAdmin(admin.ModelAdmin[Any]):
    """Shows how many countries a region or route groups, counted in the list query."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        counted: QuerySet[Any] = super().get_queryset(request).annotate(country_count=Count("countries"))
        return counted

    @admin.display(description=_("countries"), ordering="country_count")
    def country_count(self, obj: Any) -> int:
        count: int = obj.country_count
        return count


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("iso3", "name", "is_eu_member", "is_priority_partner", "region")
    list_filter = ("is_eu_member", "is_priority_partner", "region", "routes")
    search_fields = ("iso3", "iso2", "name", "official_name")
    list_select_related = ("region",)
    filter_horizontal = ("routes",)
    fields = (*ISO_FIELDS, "is_priority_partner", "region", "routes")

    def get_readonly_fields(self, request: HttpRequest, obj: Country | None = None) -> tuple[str, ...]:
        # A new country (one ISO 3166-1 lacks, such as Kosovo) needs its codes typed in.
        return ISO_FIELDS if obj is not None else ()


@admin.register(Region)
class RegionAdmin(CountryCountAdmin):
    list_display = ("code", "name", "country_count")
    search_fields = ("code", "name")


@admin.register(Route)
class RouteAdmin(CountryCountAdmin):
    list_display = ("code", "name", "country_count", "source")
    search_fields = ("code", "name", "description")
    fields = ("code", "name", "description", "source")
    inlines = (RouteCountryInline,)
