"""The superuser's read-only window on partner priorities and their comments, overlap pairs and finder runs.

They are written through the country profile, the overlap review and the
finder, which keep their history and rules; the admin only shows them.
"""

from django.contrib import admin
from django.db import models

from partnerhub.analysis.models import OverlapPair, OverlapRun, PartnerPriority, PriorityComment
from partnerhub.core.admin import SuperuserReadOnlyAdmin


@admin.register(PartnerPriority)
class PartnerPriorityAdmin(SuperuserReadOnlyAdmin):
    list_display = ("country", "theme", "source", "stated_on", "owner", "sharing_level")
    list_filter = ("sharing_level",)
    list_select_related = ("country", "theme", "owner")
    search_fields = ("country__name", "country__iso3", "theme__name", "description", "source")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(PriorityComment)
class PriorityCommentAdmin(SuperuserReadOnlyAdmin):
    list_display = ("priority", "organisation", "author", "created_at")
    list_select_related = ("priority__country", "priority__theme", "organisation", "author")
    search_fields = ("text", "priority__country__name")


@admin.register(OverlapPair)
class OverlapPairAdmin(SuperuserReadOnlyAdmin):
    list_display = ("first", "second", "score", "text_similarity", "decision", "decided_by", "found_at")
    list_filter = ("decision",)
    list_select_related = ("first", "second", "decided_by")
    search_fields = ("first__title", "second__title")
    raw_id_fields = ("first", "second")


@admin.register(OverlapRun)
class OverlapRunAdmin(SuperuserReadOnlyAdmin):
    list_display = ("created_at", "country", "status", "stage", "started_by", "finished_at")
    list_filter = ("status",)
    list_select_related = ("country", "started_by")
    search_fields = ("country__name", "country__iso3")
