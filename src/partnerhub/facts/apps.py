from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.facts.factories"


class FactsConfig(AppConfig):
    name = "partnerhub.facts"
    label = "facts"
    verbose_name = _("Key facts")

    def ready(self) -> None:
        from partnerhub.core.confidential import record_urls, register

        register(
            "facts.Observation",
            partner_countries="country",
            search_fields=("method_note",),
            factory=f"{FACTORIES}.hidden_observation",
            urls=record_urls(page="facts:figure_detail", api="api:get_observation"),
            edit=f"{FACTORIES}.propose_hidden_observation",
        )
        register(
            "facts.Endorsement",
            parents=("observation",),
            search_fields=("reason",),
            factory=f"{FACTORIES}.hidden_dispute",
            edit=f"{FACTORIES}.endorse_after_all",
        )
