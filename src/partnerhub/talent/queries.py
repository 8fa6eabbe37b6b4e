"""What the talent pages, API and exports read: the records a user may see, a partnership's pipeline
period by period, and the partner's stated priorities on legal pathways."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from partnerhub.analysis.models import PartnerPriority
from partnerhub.core.types import AnyUser
from partnerhub.registry.models import Engagement
from partnerhub.talent.models import (
    PIPELINE_STAGES,
    PipelineFigure,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)

LEGAL_PATHWAYS = "LEGAL"


def visible_needs(user: AnyUser | None) -> QuerySet[TalentNeed]:
    return TalentNeed.objects.visible_to(user).select_related("member_state", "occupation", "owner")


def visible_supply(user: AnyUser | None) -> QuerySet[TalentSupply]:
    return TalentSupply.objects.visible_to(user).select_related("country", "occupation", "owner")


def visible_partnerships(user: AnyUser | None) -> QuerySet[TalentPartnership]:
    return (
        TalentPartnership.objects.visible_to(user)
        .select_related("country", "owner")
        .prefetch_related("member_states", "occupations")
    )


def visible_schemes(user: AnyUser | None) -> QuerySet[TalentScheme]:
    return TalentScheme.objects.visible_to(user).select_related("partnership__owner", "partnership__country")


def visible_pipeline(user: AnyUser | None) -> QuerySet[PipelineFigure]:
    return PipelineFigure.objects.visible_to(user).select_related(
        "scheme__partnership__owner", "scheme__partnership__country"
    )


@dataclass(frozen=True)
class PeriodTotals:
    """The six stages of one period, added up over the schemes shown."""

    period: str
    counts: tuple[int, ...]

    def stages(self) -> list[tuple[str, int]]:
        return list(zip(PIPELINE_STAGES, self.counts, strict=True))


def totals_by_period(figures: Iterable[PipelineFigure]) -> list[PeriodTotals]:
    """Per period (earliest first), each stage summed over the figures given: those the reader sees."""
    sums: dict[tuple, list[int]] = {}
    for figure in figures:
        key = (figure.period_start, figure.period)
        row = sums.setdefault(key, [0] * len(PIPELINE_STAGES))
        for index, stage in enumerate(PIPELINE_STAGES):
            row[index] += getattr(figure, stage)
    return [PeriodTotals(period, tuple(counts)) for (_start, period), counts in sorted(sums.items())]


def linked_engagements(partnership: TalentPartnership, user: AnyUser | None) -> list[Engagement]:
    """The engagements linked to the partnership that the reader may see; the others are not mentioned."""
    through = TalentPartnership.engagements.through.objects.filter(talentpartnership=partnership)
    return list(
        Engagement.objects.visible_to(user)
        .filter(pk__in=through.values("engagement_id"))
        .select_related("owner")
        .order_by("title", "pk")
    )


def legal_pathway_priorities(country_id: int, user: AnyUser | None) -> list[PartnerPriority]:
    """The partner's stated priorities on legal pathways (the LEGAL theme and those under it) the reader sees."""
    legal = Q(theme__code=LEGAL_PATHWAYS) | Q(theme__parent__code=LEGAL_PATHWAYS)
    return list(
        PartnerPriority.objects.visible_to(user)
        .filter(legal, country_id=country_id)
        .select_related("theme")
        .order_by("-stated_on", "pk")
    )
