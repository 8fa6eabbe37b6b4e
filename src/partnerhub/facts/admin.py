"""Indicators and sources are reference data the superuser may complete (a French name, a
definition, a release cycle); figures, stances and loads are read-only here: they are written
by the loader and the workflow's services, which keep their history."""

from django.contrib import admin
from django.db import models

from partnerhub.core.admin import SuperuserReadOnlyAdmin
from partnerhub.facts.models import Endorsement, FactsLoad, Indicator, Observation, Source


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("code", "name", "unit", "direction", "pair", "default_source")
    list_filter = ("direction", "pair")
    list_select_related = ("default_source",)
    search_fields = ("code", "name", "name_fr")
    filter_horizontal = ("themes",)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = ("publisher", "dataset", "release_date", "update_every_days")
    search_fields = ("publisher", "dataset")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Observation)
class ObservationAdmin(SuperuserReadOnlyAdmin):
    list_display = ("indicator", "country", "destination", "period", "value", "source", "status", "sharing_level")
    list_filter = ("status", "sharing_level")
    list_select_related = ("indicator", "country", "destination", "source")
    search_fields = ("indicator__code", "country__name", "period")
    raw_id_fields = ("revises",)


@admin.register(Endorsement)
class EndorsementAdmin(SuperuserReadOnlyAdmin):
    list_display = ("observation", "organisation", "stance", "created_at")
    list_select_related = ("observation", "organisation")
    search_fields = ("organisation__name", "reason")
    raw_id_fields = ("observation",)


@admin.register(FactsLoad)
class FactsLoadAdmin(SuperuserReadOnlyAdmin):
    list_display = ("created_at", "source_name", "file_name", "status", "started_by")
    list_filter = ("status", "source_name")
    list_select_related = ("started_by",)
    search_fields = ("source_name", "file_name")
