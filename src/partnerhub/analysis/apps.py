from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class AnalysisConfig(AppConfig):
    name = "partnerhub.analysis"
    label = "analysis"
    verbose_name = _("Coordination analytics")

    def ready(self) -> None:
        from partnerhub.analysis.figures.cache import connect_version_signals
        from partnerhub.analysis.figures.counted_signals import connect_counted_signals
        from partnerhub.core.confidential import record_urls, register

        connect_version_signals()
        connect_counted_signals()

        register(
            "analysis.PartnerPriority",
            partner_countries="country",
            factory=f"{FACTORIES}.hidden_priority",
            # A priority is read on its country's page, among others: it has no page of its own.
            urls=record_urls(change_page=("analysis:priority_update", "country.iso3", "pk"), api="api:update_priority"),
            edit=f"{FACTORIES}.restate_priority",
        )
        register(
            "analysis.PriorityComment",
            parents=("priority",),
            factory=f"{FACTORIES}.hidden_priority_comment",
            edit=f"{FACTORIES}.comment_again",
        )
