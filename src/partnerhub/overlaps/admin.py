"""The superuser's read-only window on overlap pairs and finder runs.

They are written through the overlap review and the finder, which keep their
history and rules; the admin only shows them.
"""

from django.contrib import admin

from partnerhub.core.admin import SuperuserReadOnlyAdmin
from partnerhub.overlaps.models import OverlapPair, OverlapRun


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
