"""The superuser's read-only window on Talent Partnerships' records: they are written through the services,
which keep their history."""

from django.contrib import admin

from partnerhub.core.admin import SuperuserReadOnlyAdmin
from partnerhub.talent.models import (
    PipelineFigure,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)


@admin.register(TalentNeed)
class TalentNeedAdmin(SuperuserReadOnlyAdmin):
    list_display = (
        "occupation",
        "member_state",
        "people_per_year",
        "first_year",
        "last_year",
        "owner",
        "sharing_level",
    )
    list_select_related = ("occupation", "member_state", "owner")
    list_filter = ("sharing_level",)


@admin.register(TalentSupply)
class TalentSupplyAdmin(SuperuserReadOnlyAdmin):
    list_display = (
        "occupation",
        "country",
        "yearly_graduates",
        "available_workers",
        "partner_reports_shortage",
        "owner",
    )
    list_select_related = ("occupation", "country", "owner")
    list_filter = ("partner_reports_shortage", "sharing_level")


@admin.register(TalentPartnership)
class TalentPartnershipAdmin(SuperuserReadOnlyAdmin):
    list_display = ("title", "country", "status", "owner", "sharing_level")
    list_select_related = ("country", "owner")
    list_filter = ("status",)
    search_fields = ("title",)
    # The linked engagements are confidential records of their own, read on the partnership's page.
    exclude = ("engagements",)


@admin.register(TalentScheme)
class TalentSchemeAdmin(SuperuserReadOnlyAdmin):
    list_display = ("title", "kind", "partnership", "starts_on", "ends_on")
    list_select_related = ("partnership",)
    raw_id_fields = ("partnership",)


@admin.register(PipelineFigure)
class PipelineFigureAdmin(SuperuserReadOnlyAdmin):
    list_display = ("scheme", "period", "enrolled", "trained", "certified", "recruited", "moved", "returned")
    list_select_related = ("scheme",)
    raw_id_fields = ("scheme",)
