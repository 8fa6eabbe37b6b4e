"""The superuser's read-only window on partner priorities and their comments.

They are written through the country profile, which keeps their history and
rules; the admin only shows them.
"""

from django.contrib import admin
from django.db import models

from partnerhub.analysis.models import PartnerPriority, PriorityComment
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
