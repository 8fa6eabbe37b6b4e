"""Import jobs in the admin: seen by superusers, changed by nobody (they are the record of what ran)."""

from django.contrib import admin

from partnerhub.core.admin import SuperuserReadOnlyAdmin
from partnerhub.iati.models import ImportJob, PublisherSubscription, RegistryDataset


@admin.register(ImportJob)
class ImportJobAdmin(SuperuserReadOnlyAdmin):
    list_display = (
        "original_name",
        "organisation",
        "started_by",
        "status",
        "activities_read",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "keep_all")
    list_select_related = ("organisation", "started_by")
    search_fields = ("original_name", "organisation__name", "organisation__acronym", "started_by__username")
    date_hierarchy = "created_at"
    fields = (
        "original_name",
        "stored_name",
        "organisation",
        "started_by",
        "keep_all",
        "status",
        "files_done",
        "files_total",
        "activities_read",
        "bytes_read",
        "bytes_total",
        "current_file",
        "error_message",
        "report",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields


@admin.register(PublisherSubscription)
class PublisherSubscriptionAdmin(SuperuserReadOnlyAdmin):
    """Subscriptions are made and ended on the data sources page, by the organisations' editors."""

    list_display = ("publisher_id", "organisation", "keep_all", "last_checked_at", "last_error_at")
    list_select_related = ("organisation",)
    search_fields = ("publisher_id",)


@admin.register(RegistryDataset)
class RegistryDatasetAdmin(SuperuserReadOnlyAdmin):
    list_display = ("name", "subscription", "activities", "last_checked_at", "last_changed_at", "vanished_at")
    list_select_related = ("subscription",)
    list_filter = ("subscription",)
    search_fields = ("name", "url")
