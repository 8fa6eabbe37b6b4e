from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class RegistryConfig(AppConfig):
    name = "partnerhub.registry"
    label = "registry"
    verbose_name = _("Engagement registry")

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, record_urls, register

        register(
            "registry.Engagement",
            partner_countries="countries",
            factory=f"{FACTORIES}.hidden_engagement",
            urls=record_urls(
                page="registry:engagement_detail",
                change_page="registry:engagement_update",
                api="api:get_engagement",
            ),
            edit=f"{FACTORIES}.retitle",
            search=Searchable(
                kind="engagement",
                title="title",
                body=("description",),
                countries="countries",
                themes="themes",
                date="start_date",
            ),
        )
        # Rows with no sharing level of their own: as confidential as their engagement(s).
        for model, factory, edit in (
            ("MoneyLine", "hidden_money_line", "change_money"),
            ("EngagementCountry", "hidden_country_share", "change_country_share"),
            ("EngagementRegion", "hidden_region_share", "retitle_parent"),
            ("EngagementTheme", "hidden_theme_share", "change_theme_share"),
            ("Participation", "hidden_participation", "change_participation"),
            ("EngagementSector", "hidden_sector", "retitle_parent"),
        ):
            register(
                f"registry.{model}",
                parents=("engagement",),
                factory=f"{FACTORIES}.{factory}",
                edit=f"{FACTORIES}.{edit}",
            )
        register(
            "registry.EngagementLink",
            parents=("source", "target"),
            factory=f"{FACTORIES}.hidden_link",
            edit=f"{FACTORIES}.change_link",
        )
