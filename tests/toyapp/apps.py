from django.apps import AppConfig


class ToyappConfig(AppConfig):
    name = "tests.toyapp"
    label = "toyapp"

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register(
            "toyapp.ToyRecord",
            partner_countries="countries",
            search_fields=("title",),
            factory="tests.toyapp.factories.hidden_toy_record",
            edit="tests.toyapp.factories.retitle",
        )
        register(
            "toyapp.ToyNote",
            parents=("record",),
            search_fields=("text",),
            factory="tests.toyapp.factories.hidden_toy_note",
            edit="tests.toyapp.factories.rewrite",
        )
