"""The superuser's read-only window on plans: they are written through the services, which keep their history."""

from django.contrib import admin

from partnerhub.core.admin import SuperuserReadOnlyAdmin
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, PlanReview


@admin.register(ActionPlan)
class ActionPlanAdmin(SuperuserReadOnlyAdmin):
    list_display = ("title", "country", "owner", "status", "version", "sharing_level")
    list_filter = ("status",)
    list_select_related = ("country", "owner")
    search_fields = ("title",)


@admin.register(Action)
class ActionAdmin(SuperuserReadOnlyAdmin):
    list_display = ("description", "plan", "lead_organisation", "deadline", "status", "rag_override", "rag_suggested")
    list_filter = ("status",)
    list_select_related = ("plan", "lead_organisation")
    raw_id_fields = ("plan",)
    # The linked engagements are confidential records of their own, read on the plan's page.
    exclude = ("engagements",)


@admin.register(ActionIndicator)
class ActionIndicatorAdmin(SuperuserReadOnlyAdmin):
    list_display = ("name", "action", "baseline", "target", "latest_value", "latest_value_on")
    raw_id_fields = ("action",)


@admin.register(PlanReview)
class PlanReviewAdmin(SuperuserReadOnlyAdmin):
    list_display = ("plan", "opened_at", "opened_by", "closed_at", "closed_by")
    list_select_related = ("plan", "opened_by", "closed_by")
    raw_id_fields = ("plan",)


@admin.register(ActionFiche)
class ActionFicheAdmin(SuperuserReadOnlyAdmin):
    list_display = ("action", "budget", "updated_at")
    list_select_related = ("action",)
    raw_id_fields = ("action",)
