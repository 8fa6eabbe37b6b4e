from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.plans.factories"


class PlansConfig(AppConfig):
    name = "partnerhub.plans"
    label = "plans"
    verbose_name = _("Action Plans")

    def ready(self) -> None:
        from partnerhub.core.confidential import record_urls, register

        register(
            "plans.ActionPlan",
            partner_countries="country",
            search_fields=("title", "objectives"),
            factory=f"{FACTORIES}.hidden_plan",
            urls=record_urls(page="plans:plan_detail", change_page="plans:plan_update", api="api:get_plan"),
            edit=f"{FACTORIES}.retitle_plan",
        )
        register(
            "plans.Action",
            parents=("plan",),
            search_fields=("description", "objective", "rag_comment", "rag_override_reason"),
            factory=f"{FACTORIES}.hidden_action",
            urls=record_urls(change_page="plans:action_update", api="api:get_action"),
            edit=f"{FACTORIES}.rate_action",
        )
        register(
            "plans.ActionIndicator",
            parents=("action",),
            search_fields=("name",),
            factory=f"{FACTORIES}.hidden_indicator",
            urls=record_urls(change_page="plans:indicator_update", api="api:get_indicator"),
            edit=f"{FACTORIES}.measure_indicator",
        )
        register(
            "plans.PlanReview",
            parents=("plan",),
            search_fields=("note",),
            factory=f"{FACTORIES}.hidden_review",
            # A review is closed on its own page.
            urls=record_urls(page="plans:review_detail", change_page="plans:review_detail", api="api:get_review"),
            edit=f"{FACTORIES}.close_hidden_review",
        )
        register(
            "plans.ActionFiche",
            parents=("action",),
            search_fields=("activities", "implementing_partners", "risks", "timeline"),
            factory=f"{FACTORIES}.hidden_fiche",
            # A fiche is read on its page and written on its action's.
            urls=record_urls(
                page="plans:fiche_detail", change_page=("plans:fiche_edit", "action_id"), api="api:get_fiche"
            ),
            edit=f"{FACTORIES}.rewrite_fiche",
        )
