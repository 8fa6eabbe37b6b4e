from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.talent.factories"
OVERRIDE_FACTORIES = "tests.talent.override_factories"


class TalentConfig(AppConfig):
    name = "partnerhub.talent"
    label = "talent"
    verbose_name = _("Talent Partnerships")

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, record_urls, register

        register(
            "talent.TalentNeed",
            # A need names a Member State, never a partner country: the services refuse the partner level.
            partner_countries="member_state",
            factory=f"{FACTORIES}.hidden_need",
            urls=record_urls(page="talent:need_detail", change_page="talent:need_update", api="api:get_talent_need"),
            edit=f"{FACTORIES}.resize_need",
        )
        register(
            "talent.TalentSupply",
            partner_countries="country",
            factory=f"{FACTORIES}.hidden_supply",
            urls=record_urls(
                page="talent:supply_detail", change_page="talent:supply_update", api="api:get_talent_supply"
            ),
            edit=f"{FACTORIES}.count_graduates",
        )
        register(
            "talent.TalentPartnership",
            partner_countries="country",
            factory=f"{FACTORIES}.hidden_partnership",
            urls=record_urls(
                page="talent:partnership_detail",
                change_page="talent:partnership_update",
                api="api:get_talent_partnership",
            ),
            edit=f"{FACTORIES}.pause_partnership",
            search=Searchable(
                kind="partnership",
                title="title",
                body=("description", "schemes.title", "schemes.description"),
                countries="country",
                date="started_on",
            ),
        )
        register(
            "talent.TalentScheme",
            parents=("partnership",),
            factory=f"{FACTORIES}.hidden_scheme",
            # A scheme is read on its partnership's page.
            urls=record_urls(change_page="talent:scheme_update", api="api:get_talent_scheme"),
            edit=f"{FACTORIES}.retitle_scheme",
        )
        register(
            "talent.PipelineFigure",
            parents=("scheme",),
            factory=f"{FACTORIES}.hidden_pipeline",
            urls=record_urls(change_page="talent:pipeline_update", api="api:get_talent_pipeline_figure"),
            edit=f"{FACTORIES}.count_moves",
        )
        register(
            "talent.MatchOverride",
            parents=("need",),
            factory=f"{OVERRIDE_FACTORIES}.hidden_override",
            # An override is read on its suggestion's page and withdrawn on its own.
            urls=record_urls(
                page=("talent:match_detail", "country.iso3", "occupation.code", "need_id"),
                change_page="talent:override_withdraw",
                api="api:get_talent_override",
            ),
            edit=f"{OVERRIDE_FACTORIES}.withdraw_hidden_override",
        )
