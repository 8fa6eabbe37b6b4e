"""The superuser's read-only window on the calendar.

Meetings and counterparts are written through the agenda's pages, which keep their history and
rules; the admin only shows them.
"""

from django.contrib import admin

from partnerhub.agenda.models import Counterpart, FeedToken, LineToTake, Meeting
from partnerhub.core.admin import SuperuserReadOnlyAdmin


@admin.register(Counterpart)
class CounterpartAdmin(SuperuserReadOnlyAdmin):
    list_display = ("country", "authority", "office", "function")
    list_select_related = ("country",)
    search_fields = ("authority", "office", "function", "country__name")


@admin.register(Meeting)
class MeetingAdmin(SuperuserReadOnlyAdmin):
    list_display = ("title", "kind", "starts_at", "country", "owner", "sharing_level")
    list_filter = ("kind", "sharing_level")
    list_select_related = ("country", "owner")
    search_fields = ("title", "place", "country__name")
    # The linked engagements are confidential records of their own: the admin of engagements shows them.
    exclude = ("engagements",)


@admin.register(LineToTake)
class LineToTakeAdmin(SuperuserReadOnlyAdmin):
    list_display = ("country", "theme", "version", "status", "valid_until", "owner", "sharing_level")
    list_filter = ("status", "sharing_level")
    list_select_related = ("country", "theme", "owner")
    search_fields = ("text", "country__name")


@admin.register(FeedToken)
class FeedTokenAdmin(SuperuserReadOnlyAdmin):
    list_display = ("user", "created_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)
