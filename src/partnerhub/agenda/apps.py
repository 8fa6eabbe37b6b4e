from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.agenda.factories"


class AgendaConfig(AppConfig):
    name = "partnerhub.agenda"
    label = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register(
            "agenda.Meeting",
            partner_countries="country",
            search_fields=("title", "place", "outcome_notes"),
            factory=f"{FACTORIES}.hidden_meeting",
            urls=meeting_urls,
            edit=f"{FACTORIES}.retitle_meeting",
        )
        register(
            "agenda.LineToTake",
            partner_countries="country",
            search_fields=("text",),
            factory=f"{FACTORIES}.hidden_line",
            urls=line_urls,
            edit=f"{FACTORIES}.reword_line",
        )


def meeting_urls(meeting):
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        page=reverse("agenda:meeting_detail", args=[meeting.pk]),
        change_page=reverse("agenda:meeting_update", args=[meeting.pk]),
        api=reverse("api:get_meeting", args=[meeting.pk]),
    )


def line_urls(line):
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        page=reverse("agenda:line_detail", args=[line.pk]),
        change_page=reverse("agenda:line_update", args=[line.pk]),
        api=reverse("api:get_line", args=[line.pk]),
    )
