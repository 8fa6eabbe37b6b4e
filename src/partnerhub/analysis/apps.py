from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class AnalysisConfig(AppConfig):
    name = "partnerhub.analysis"
    label = "analysis"
    verbose_name = _("Coordination analytics")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register("analysis.PartnerPriority", partner_countries="country", search_fields=("description", "source"),
                 factory=f"{FACTORIES}.hidden_priority")
        register("analysis.PriorityComment", parents=("priority",), search_fields=("text",),
                 factory=f"{FACTORIES}.hidden_priority_comment")
