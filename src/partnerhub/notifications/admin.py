from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from partnerhub.notifications.models import DigestDelivery, Follow, NotificationPreference


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "country", "theme", "created_at"]
    list_select_related = ["user", "country", "theme"]
    raw_id_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest_frequency", "language", "last_seen_at"]
    list_filter = ["digest_frequency"]
    raw_id_fields = ["user"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["user"]
    readonly_fields = [field.name for field in DigestDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
