from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.plans.factories"


class PlansConfig(AppConfig):
    name = "partnerhub.plans"
    label = "plans"
    verbose_name = _("Action Plans")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register(
            "plans.ActionPlan",
            partner_countries="country",
            search_fields=("title", "objectives"),
            factory=f"{FACTORIES}.hidden_plan",
            urls=plan_urls,
            edit=f"{FACTORIES}.retitle_plan",
        )
        register(
            "plans.Action",
            parents=("plan",),
            search_fields=("description", "objective", "rag_comment", "rag_override_reason"),
            factory=f"{FACTORIES}.hidden_action",
            urls=action_urls,
            edit=f"{FACTORIES}.rate_action",
        )
        register(
            "plans.ActionIndicator",
            parents=("action",),
            search_fields=("name",),
            factory=f"{FACTORIES}.hidden_indicator",
            urls=indicator_urls,
            edit=f"{FACTORIES}.measure_indicator",
        )
        register(
            "plans.PlanReview",
            parents=("plan",),
            search_fields=("note",),
            factory=f"{FACTORIES}.hidden_review",
            urls=review_urls,
            edit=f"{FACTORIES}.close_hidden_review",
        )
        register(
            "plans.ActionFiche",
            parents=("action",),
            search_fields=("activities", "implementing_partners", "risks", "timeline"),
            factory=f"{FACTORIES}.hidden_fiche",
            urls=fiche_urls,
            edit=f"{FACTORIES}.rewrite_fiche",
        )


def plan_urls(plan):
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        page=reverse("plans:plan_detail", args=[plan.pk]),
        change_page=reverse("plans:plan_update", args=[plan.pk]),
        api=reverse("api:get_plan", args=[plan.pk]),
    )


def action_urls(action):
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        change_page=reverse("plans:action_update", args=[action.pk]),
        api=reverse("api:get_action", args=[action.pk]),
    )


def indicator_urls(indicator):
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        change_page=reverse("plans:indicator_update", args=[indicator.pk]),
        api=reverse("api:get_indicator", args=[indicator.pk]),
    )


def review_urls(review):
    """A review is closed on its own page."""
    from partnerhub.core.confidential import RecordUrls

    page = reverse("plans:review_detail", args=[review.pk])
    return RecordUrls(page=page, change_page=page, api=reverse("api:get_review", args=[review.pk]))


def fiche_urls(fiche):
    """A fiche is read on its page and written on its action's."""
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        page=reverse("plans:fiche_detail", args=[fiche.pk]),
        change_page=reverse("plans:fiche_edit", args=[fiche.action_id]),
        api=reverse("api:get_fiche", args=[fiche.pk]),
    )
