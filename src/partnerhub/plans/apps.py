from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.plans.factories"


class PlansConfig(AppConfig):
    name = "partnerhub.plans"
    label = "plans"
    verbose_name = _("Action Plans")

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, record_urls, register

        register(
            "plans.ActionPlan",
            partner_countries="country",
            factory=f"{FACTORIES}.hidden_plan",
            urls=record_urls(page="plans:plan_detail", change_page="plans:plan_update", api="api:get_plan"),
            edit=f"{FACTORIES}.retitle_plan",
            search=Searchable(
                kind="plan",
                title="title",
                body=("objectives",),
                countries="country",
                themes="actions.theme",
                date="period_start",
            ),
        )
        register(
            "plans.Action",
            parents=("plan",),
            factory=f"{FACTORIES}.hidden_action",
            urls=record_urls(change_page="plans:action_update", api="api:get_action"),
            edit=f"{FACTORIES}.rate_action",
            search=Searchable(
                kind="action",
                title="description",
                body=("objective", "rag_comment"),
                countries="plan.country",
                themes="theme",
                date="deadline",
            ),
        )
        register(
            "plans.ActionIndicator",
            parents=("action",),
            factory=f"{FACTORIES}.hidden_indicator",
            urls=record_urls(change_page="plans:indicator_update", api="api:get_indicator"),
            edit=f"{FACTORIES}.measure_indicator",
        )
        register(
            "plans.PlanReview",
            parents=("plan",),
            factory=f"{FACTORIES}.hidden_review",
            # A review is closed on its own page.
            urls=record_urls(page="plans:review_detail", change_page="plans:review_detail", api="api:get_review"),
            edit=f"{FACTORIES}.close_hidden_review",
        )
        register(
            "plans.ActionFiche",
            parents=("action",),
            factory=f"{FACTORIES}.hidden_fiche",
            # A fiche is read on its page and written on its action's.
            urls=record_urls(
                page="plans:fiche_detail", change_page=("plans:fiche_edit", "action_id"), api="api:get_fiche"
            ),
            edit=f"{FACTORIES}.rewrite_fiche",
        )
