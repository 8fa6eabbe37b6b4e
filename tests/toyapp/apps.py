from django.apps import AppConfig


class ToyappConfig(AppConfig):
    name = "tests.toyapp"
    label = "toyapp"

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, register

        register(
            "toyapp.ToyRecord",
            partner_countries="countries",
            factory="tests.toyapp.factories.hidden_toy_record",
            # Found by the search box with its notes' text, as a lesson is with its attachments' text.
            search=Searchable(kind="toy", title="title", body=("notes.text",), countries="countries"),
            edit="tests.toyapp.factories.retitle",
        )
        register(
            "toyapp.ToyNote",
            parents=("record",),
            factory="tests.toyapp.factories.hidden_toy_note",
            edit="tests.toyapp.factories.rewrite",
        )
