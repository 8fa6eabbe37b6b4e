"""Follows and digests in the admin: read by superusers only (they are people's own choices and a
record of what was mailed to them), changed by nobody but the users themselves and send-digests."""

from django.contrib import admin

from partnerhub.core.admin import SuperuserReadOnlyAdmin
from partnerhub.notifications.models import DigestDelivery, Follow, NotificationPreference


@admin.register(Follow)
class FollowAdmin(SuperuserReadOnlyAdmin):
    list_display = ["user", "country", "theme", "created_at"]
    list_select_related = ["user", "country", "theme"]
    search_fields = ["user__username", "country__name", "theme__name"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SuperuserReadOnlyAdmin):
    list_display = ["user", "digest_frequency", "language", "last_seen_at"]
    list_filter = ["digest_frequency"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(SuperuserReadOnlyAdmin):
    list_display = [
        "user",
        "frequency",
        "period_start",
        "window_start",
        "window_end",
        "status",
        "item_count",
        "sent_at",
    ]
    list_filter = ["frequency", "status"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
