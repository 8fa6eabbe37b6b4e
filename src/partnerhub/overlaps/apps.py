from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

FACTORIES = "tests.core.factories"


class OverlapsConfig(AppConfig):
    name = "partnerhub.overlaps"
    label = "overlaps"
    verbose_name = _("Possible overlaps")

    def ready(self) -> None:
        from partnerhub.core.confidential import register

        # A possible overlap exists for a reader only when both engagements do.
        register(
            "overlaps.OverlapPair",
            parents=("first", "second"),
            search_fields=("decision_note",),
            factory=f"{FACTORIES}.hidden_overlap_pair",
            urls=overlap_urls,
            edit=f"{FACTORIES}.decide_pair",
        )


def overlap_urls(pair):
    """Decisions on a pair are taken on its page."""
    from partnerhub.core.confidential import RecordUrls

    return RecordUrls(
        page=reverse("overlaps:overlap_detail", args=[pair.pk]),
        change_page=reverse("overlaps:overlap_detail", args=[pair.pk]),
        api=reverse("api:get_overlap", args=[pair.pk]),
    )
