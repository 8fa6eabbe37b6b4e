from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class OverlapsConfig(AppConfig):
    name = "partnerhub.overlaps"
    label = "overlaps"
    verbose_name = _("Possible overlaps")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        # A possible overlap exists for a reader only when both engagements do.
        register("overlaps.OverlapPair", parents=("first", "second"), search_fields=("decision_note",),
                 factory=f"{FACTORIES}.hidden_overlap_pair")
