from django.apps import AppConfig


class ToyappConfig(AppConfig):
    name = "tests.toyapp"
    label = "toyapp"

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register(
            "toyapp.ToyRecord",
            partner_countries="countries",
            factory="tests.toyapp.factories.hidden_toy_record",
            edit="tests.toyapp.factories.retitle",
        )
        register(
            "toyapp.ToyNote",
            parents=("record",),
            factory="tests.toyapp.factories.hidden_toy_note",
            edit="tests.toyapp.factories.rewrite",
        )
