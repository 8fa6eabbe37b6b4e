from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.agenda.factories"


class AgendaConfig(AppConfig):
    name = "partnerhub.agenda"
    label = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from partnerhub.core.confidential import record_urls, register

        register(
            "agenda.Meeting",
            partner_countries="country",
            search_fields=("title", "place", "outcome_notes"),
            factory=f"{FACTORIES}.hidden_meeting",
            urls=record_urls(page="agenda:meeting_detail", change_page="agenda:meeting_update", api="api:get_meeting"),
            edit=f"{FACTORIES}.retitle_meeting",
        )
        register(
            "agenda.LineToTake",
            partner_countries="country",
            search_fields=("text",),
            factory=f"{FACTORIES}.hidden_line",
            urls=record_urls(page="agenda:line_detail", change_page="agenda:line_update", api="api:get_line"),
            edit=f"{FACTORIES}.reword_line",
        )
