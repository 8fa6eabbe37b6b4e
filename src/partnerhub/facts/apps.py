from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.facts.factories"


def describe_figure(observation: Any) -> str:
    return f"{observation.indicator.name}: {observation.country.name}, {observation.period}"


class FactsConfig(AppConfig):
    name = "partnerhub.facts"
    label = "facts"
    verbose_name = _("Key facts")

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, record_urls, register

        register(
            "facts.Observation",
            partner_countries="country",
            factory=f"{FACTORIES}.hidden_observation",
            urls=record_urls(page="facts:figure_detail", api="api:get_observation"),
            edit=f"{FACTORIES}.propose_hidden_observation",
            search=Searchable(
                kind="fact",
                describe=describe_figure,
                body=("method_note", "note", "indicator.definition"),
                countries="country",
                themes="indicator.themes",
                date="period_start",
            ),
        )
        register(
            "facts.Endorsement",
            parents=("observation",),
            factory=f"{FACTORIES}.hidden_dispute",
            edit=f"{FACTORIES}.endorse_after_all",
        )
