from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "partnerhub.knowledge"
    label = "knowledge"
    verbose_name = _("Lessons, crises and focal points")

    def ready(self) -> None:
        from partnerhub.core.confidential import record_urls, register

        # crises and directory
        # A crisis is about one partner country (its authorities read it at the partner level). Focal
        # points are not confidential by level (FocalPointQuerySet.visible_to: EU side, or one's own entry).
        register(
            "knowledge.Crisis",
            partner_countries="country",
            search_fields=("title", "description", "closing_note"),
            factory="tests.knowledge.crisis_factories.hidden_crisis",
            urls=record_urls(
                page="knowledge:crisis_detail", change_page="knowledge:crisis_update", api="api:get_crisis"
            ),
            edit="tests.knowledge.crisis_factories.raise_severity",
        )
        # end of crises and directory
