"""Admin for themes and instruments, and the superuser's read-only window on engagements.

Engagements are written only through ``registry.services`` (history, rules,
events), never from the admin. Superusers read every record here and nowhere
else; a superuser opening a restricted or originator record is logged for its
owner, like any other reader.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from partnerhub.core.admin import SuperuserReadOnlyAdmin, changes_table
from partnerhub.core.history import events_of, history_of
from partnerhub.core.querysets import ScopedQuerySet
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementTheme,
    Instrument,
    MoneyLine,
    Participation,
    Theme,
)
from partnerhub.registry.services import log_confidential_access

NAMED_EVENTS = (
    "engagement.created",
    "engagement.sharing_changed",
    "engagement.deleted",
    "engagement.viewed",
    "engagement.exported",
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "interest", "position")
    list_filter = ("interest", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "description")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "managed_by", "period", "flexible_crisis_response")
    list_filter = ("flexible_crisis_response",)
    search_fields = ("code", "name", "managed_by", "description")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = cast(ScopedQuerySet[Any], super().get_queryset(request))
        return rows.unrestricted("the admin is for superusers, who see every record there")


class CountryShareInline(ReadOnlyInline):
    model = EngagementCountry
    fields = ("country", "share")
    verbose_name_plural = _("countries")


class ThemeShareInline(ReadOnlyInline):
    model = EngagementTheme
    fields = ("theme", "share")
    verbose_name_plural = _("themes")


class ParticipationInline(ReadOnlyInline):
    model = Participation
    fields = ("organisation", "role")
    verbose_name_plural = _("organisations involved")


class MoneyLineInline(ReadOnlyInline):
    model = MoneyLine
    fields = (
        "kind",
        "amount",
        "currency",
        "transaction_date",
        "period_start",
        "value_date",
        "amount_eur",
        "eur_rate_date",
        "is_correction",
    )


class LinkInline(ReadOnlyInline):
    model = EngagementLink
    fk_name = "source"
    fields = ("kind", "target")
    verbose_name_plural = _("links to other engagements")


@admin.register(Engagement)
class EngagementAdmin(SuperuserReadOnlyAdmin):
    list_display = (
        "title",
        "owner",
        "kind",
        "status",
        "sharing_level",
        "start_date",
        "end_date",
        "provenance",
        "is_demo",
        "updated_at",
    )
    list_filter = (
        "sharing_level",
        "kind",
        "status",
        "provenance",
        "is_demo",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "instrument",
    )
    search_fields = ("title", "external_reference", "iati_identifier", "owner__name", "owner__acronym")
    list_select_related = ("owner",)
    date_hierarchy = "start_date"
    # The public page answers 404 to a superuser who is not in the record's circle.
    view_on_site = False
    fieldsets = (
        (None, {"fields": ("title", "description", "language", "kind", "status", "instrument")}),
        (_("Dates"), {"fields": ("planned_start", "planned_end", "actual_start", "actual_end")}),
        (_("Sharing"), {"fields": ("owner", "sharing_level", "shared_with_organisations", "shared_with_countries")}),
        (
            _("Origin"),
            {
                "fields": (
                    "provenance",
                    "iati_identifier",
                    "external_reference",
                    "is_demo",
                    "created_by",
                    "created_at",
                    "updated_by",
                    "updated_at",
                )
            },
        ),
        (_("History"), {"fields": ("change_history", "named_events")}),
    )
    readonly_fields = tuple(
        name for _title, options in fieldsets for name in cast("tuple[str, ...]", options["fields"])
    )
    inlines = (CountryShareInline, ThemeShareInline, ParticipationInline, MoneyLineInline, LinkInline)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET" and self.has_view_permission(request):
            engagement = self.get_object(request, object_id)
            if engagement is not None:
                log_confidential_access(engagement, "viewed", acting_user=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The admin's own log knows nothing of service writes: show the field-level history."""
        engagement = self.get_object(request, object_id)
        if engagement is None or not self.has_view_permission(request, engagement):
            return super().history_view(request, object_id, extra_context)
        content_type = ContentType.objects.get_for_model(Engagement)
        query = urlencode({"content_type__id__exact": content_type.pk, "object_id": engagement.pk})
        return redirect(f"{reverse('admin:core_objectchange_changelist')}?{query}")

    @admin.display(description=_("change history"))
    def change_history(self, engagement: Engagement) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (_when(change.time), change.get_action_display(), change.user or "—", changes_table(change.changes))
                for change in history_of(engagement)
            ),
        )
        return _table((_("when"), _("what"), _("who"), _("changes")), rows)

    @admin.display(description=_("named events"))
    def named_events(self, engagement: Engagement) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (_when(event.time), event.name, event.user or "—", _data_text(event.data))
                for event in events_of(engagement, NAMED_EVENTS)
            ),
        )
        return _table((_("when"), _("event"), _("who"), _("details")), rows)


def _table(headings: Iterable[object], rows: str) -> str:
    if not rows:
        return "—"
    head = format_html_join("", "<th>{}</th>", ((heading,) for heading in headings))
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, rows)


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT")


def _data_text(data: dict[str, Any]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in data.items()) or "—"
