from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class RegistryConfig(AppConfig):
    name = "partnerhub.registry"
    label = "registry"
    verbose_name = _("Engagement registry")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register("registry.Engagement", partner_countries="countries", search_fields=("title", "description"),
                 factory=f"{FACTORIES}.hidden_engagement")
        # Rows with no sharing level of their own: as confidential as their engagement(s).
        for model, factory in (("MoneyLine", "hidden_money_line"), ("EngagementCountry", "hidden_country_share"),
                               ("EngagementRegion", "hidden_region_share"), ("EngagementTheme", "hidden_theme_share"),
                               ("Participation", "hidden_participation"), ("EngagementSector", "hidden_sector")):
            register(f"registry.{model}", parents=("engagement",), factory=f"{FACTORIES}.{factory}")
        register("registry.EngagementLink", parents=("source", "target"), factory=f"{FACTORIES}.hidden_link")
