"""The superuser's window on Talent Partnerships: the records are read-only here, written through the services,
which keep their history; the ISCO-08 reference data is read-only too (loaded from its fixture)."""

from django.contrib import admin

from partnerhub.core.admin import SuperuserReadOnlyAdmin
from partnerhub.talent.models import (
    EscoOccupation,
    Occupation,
    PipelineFigure,
    SafeguardList,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)


@admin.register(Occupation)
class OccupationAdmin(SuperuserReadOnlyAdmin):
    list_display = ("code", "title", "level")
    list_filter = ("level",)
    search_fields = ("code", "title")


@admin.register(EscoOccupation)
class EscoOccupationAdmin(SuperuserReadOnlyAdmin):
    list_display = ("label", "occupation", "uri")
    list_select_related = ("occupation",)
    search_fields = ("label",)


@admin.register(SafeguardList)
class SafeguardListAdmin(SuperuserReadOnlyAdmin):
    list_display = ("name", "published", "in_force_from", "in_force_until", "covers_isco")


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
