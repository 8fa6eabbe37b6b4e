from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

OVERRIDE_FACTORIES = "tests.talent.override_factories"


class TalentConfig(AppConfig):
    name = "partnerhub.talent"
    label = "talent"
    verbose_name = _("Talent Partnerships")

    def ready(self) -> None:
        from partnerhub.core.confidential import record_urls, register

        register(
            "talent.MatchOverride",
            parents=("need",),
            search_fields=("reason",),
            factory=f"{OVERRIDE_FACTORIES}.hidden_override",
            # An override is read on its suggestion's page and withdrawn on its own.
            urls=record_urls(
                page=("talent:match_detail", "country.iso3", "occupation.code", "need_id"),
                change_page="talent:override_withdraw",
                api="api:get_talent_override",
            ),
            edit=f"{OVERRIDE_FACTORIES}.withdraw_hidden_override",
        )
