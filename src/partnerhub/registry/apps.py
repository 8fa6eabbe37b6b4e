from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from partnerhub.core.confidential import RecordUrls
    from partnerhub.registry.models import Engagement

FACTORIES = "tests.core.factories"


class RegistryConfig(AppConfig):
    name = "partnerhub.registry"
    label = "registry"
    verbose_name = _("Engagement registry")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        register(
            "registry.Engagement",
            partner_countries="countries",
            search_fields=("title", "description"),
            factory=f"{FACTORIES}.hidden_engagement",
            urls=engagement_urls,
            edit=f"{FACTORIES}.retitle",
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


def engagement_urls(engagement: "Engagement") -> "RecordUrls":
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        page=reverse("registry:engagement_detail", args=[engagement.pk]),
        change_page=reverse("registry:engagement_update", args=[engagement.pk]),
        api=reverse("api:get_engagement", args=[engagement.pk]),
    )
