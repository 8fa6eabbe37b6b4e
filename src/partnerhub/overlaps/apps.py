from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class OverlapsConfig(AppConfig):
    name = "partnerhub.overlaps"
    label = "overlaps"
    verbose_name = _("Possible overlaps")

    def ready(self) -> None:
        from partnerhub.core.confidential import record_urls, register

        # A possible overlap exists for a reader only when both engagements do.
        register(
            "overlaps.OverlapPair",
            parents=("first", "second"),
            factory=f"{FACTORIES}.hidden_overlap_pair",
            # Decisions on a pair are taken on its page.
            urls=record_urls(
                page="overlaps:overlap_detail", change_page="overlaps:overlap_detail", api="api:get_overlap"
            ),
            edit=f"{FACTORIES}.decide_pair",
        )
