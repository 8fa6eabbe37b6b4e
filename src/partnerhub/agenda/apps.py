from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.agenda.factories"


def describe_line(line) -> str:
    return _("Line to take on %(country)s (version %(version)s)") % {
        "country": line.country.name,
        "version": line.version,
    }


class AgendaConfig(AppConfig):
    name = "partnerhub.agenda"
    label = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, record_urls, register

        register(
            "agenda.Meeting",
            partner_countries="country",
            factory=f"{FACTORIES}.hidden_meeting",
            urls=record_urls(page="agenda:meeting_detail", change_page="agenda:meeting_update", api="api:get_meeting"),
            edit=f"{FACTORIES}.retitle_meeting",
            search=Searchable(
                kind="event",
                title="title",
                body=("place", "outcome_notes"),
                countries="country",
                themes="themes",
                date="starts_at",
            ),
        )
        register(
            "agenda.LineToTake",
            partner_countries="country",
            factory=f"{FACTORIES}.hidden_line",
            urls=record_urls(page="agenda:line_detail", change_page="agenda:line_update", api="api:get_line"),
            edit=f"{FACTORIES}.reword_line",
            search=Searchable(
                kind="line",
                describe=describe_line,
                body=("text",),
                countries="country",
                themes="theme",
                date="valid_until",
            ),
        )
