"""The admin's view of the two layers of history: read-only, for superusers only.

History rows repeat the titles and values of confidential records, so only
superusers (who see every record in the admin anyway) may read them, and
nobody may write or delete them: they are the audit trail.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from partnerhub.core.models import Event, ObjectChange

admin.site.site_header = _("Partnership Hub administration")
admin.site.site_title = _("Partnership Hub administration")
admin.site.index_title = _("Reference data, people and records")


class SuperuserReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Seen by superusers only, changed by nobody: records and their audit trail."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if hasattr(queryset, "unrestricted"):
            reason = "the admin is for superusers, who see every record there"
            unrestricted: QuerySet[Any] = queryset.unrestricted(reason)
            return unrestricted
        return queryset


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def changes_table(changes: dict[str, list[Any]]) -> str:
    """``{field: [old, new]}`` as a small HTML table."""
    if not changes:
        return "—"
    rows = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
        ((name, _shown(values[0]), _shown(values[1])) for name, values in changes.items()),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("field"),
        _("before"),
        _("after"),
        rows,
    )


def _shown(value: object) -> str:
    return "—" if value in (None, "") else str(value)


@admin.register(ObjectChange)
class ObjectChangeAdmin(SuperuserReadOnlyAdmin):
    list_display = ("time", "action", "content_type", "object_repr", "user", "request_id")
    list_filter = ("action", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_repr", "request_id", "user__username")
    list_select_related = ("content_type", "user")
    date_hierarchy = "time"
    fields = ("time", "action", "content_type", "object_id", "object_repr", "user", "request_id", "changes_as_table")
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_as_table(self, change: ObjectChange) -> str:
        return changes_table(change.changes)


@admin.register(Event)
class EventAdmin(SuperuserReadOnlyAdmin):
    list_display = ("time", "name", "content_type", "object_id", "user", "request_id")
    list_filter = ("name", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "request_id", "user__username")
    list_select_related = ("content_type", "user")
    date_hierarchy = "time"
    fields = ("time", "name", "content_type", "object_id", "user", "request_id", "data")
    readonly_fields = fields
