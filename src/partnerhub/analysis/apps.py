from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class AnalysisConfig(AppConfig):
    name = "partnerhub.analysis"
    label = "analysis"
    verbose_name = _("Coordination analytics")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register(
            "analysis.PartnerPriority",
            partner_countries="country",
            search_fields=("description", "source"),
            factory=f"{FACTORIES}.hidden_priority",
            urls=priority_urls,
            edit=f"{FACTORIES}.restate_priority",
        )
        register(
            "analysis.PriorityComment",
            parents=("priority",),
            search_fields=("text",),
            factory=f"{FACTORIES}.hidden_priority_comment",
            edit=f"{FACTORIES}.comment_again",
        )


def priority_urls(priority):
    """A priority is read on its country's page, among others: it has no page of its own."""
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        change_page=reverse("analysis:priority_update", args=[priority.country.iso3, priority.pk]),
        api=reverse("api:update_priority", args=[priority.pk]),
    )
