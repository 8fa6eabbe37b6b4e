"""What the crisis page and the banners read: every confidential record through ``visible_to(user)``,
counts only over what the reader sees.

The crisis page gathers, for the crisis's country: the instruments of the reference data that offer a
rapid or crisis response, the engagements running or planned there, the focal points (EU-side readers),
the latest agreed key facts, the current agreed lines to take, and lessons from similar crises.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from partnerhub.agenda.lines import current_lines
from partnerhub.agenda.models import LineToTake
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import circle_of
from partnerhub.facts.models import Observation, ObservationStatus
from partnerhub.geo.models import Country
from partnerhub.knowledge.models import Crisis, FocalPoint, Lesson
from partnerhub.registry.models import Engagement, EngagementStatus, EngagementTheme, Instrument

# The reference data's flexible_crisis_response values that count, in the order shown.
FLEXIBLE_VALUES = ("yes", "partial")
RUNNING_OR_PLANNED = (EngagementStatus.IMPLEMENTATION, EngagementStatus.PIPELINE)
SIMILAR_LESSONS = 10
SHOWN_ENGAGEMENTS = 50


def visible_crises(user: AnyUser | None) -> QuerySet[Crisis]:
    """Open crises first (newest start first), then closed ones (latest closed first)."""
    return (
        Crisis.objects.visible_to(user)
        .select_related("country", "owner")
        .prefetch_related("themes")
        .order_by(
            Case(When(closed_on__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-closed_on",
            "-started_on",
            "-pk",
        )
    )


def open_crises(user: AnyUser | None, *, country: Country | None = None) -> list[Crisis]:
    """The open crises ``user`` may see, of one country or of all; one query."""
    crises = Crisis.objects.visible_to(user).filter(closed_on__isnull=True).select_related("country")
    if country is not None:
        crises = crises.filter(country=country)
    return list(crises.order_by("-started_on", "-pk"))


def flexible_instruments() -> list[Instrument]:
    """Instruments whose reference data says they offer a rapid or crisis response: "yes" before "partial"."""
    instruments = Instrument.objects.filter(flexible_crisis_response__in=FLEXIBLE_VALUES)
    return sorted(instruments, key=lambda i: (FLEXIBLE_VALUES.index(i.flexible_crisis_response), i.code))


@dataclass
class CountryEngagements:
    """The running and planned engagements in the country the reader may see, affected themes first."""

    rows: list[Engagement]
    total: int
    by_status: list[tuple[str, int]] = field(default_factory=list)
    shown: int = 0


def engagements_in_country(user: AnyUser | None, crisis: Crisis, theme_ids: list[int]) -> CountryEngagements:
    on_affected_theme = Exists(
        EngagementTheme.objects.visible_to(user).filter(engagement=OuterRef("pk"), theme_id__in=theme_ids)
    )
    in_country = Engagement.objects.visible_to(user).filter(
        status__in=RUNNING_OR_PLANNED, country_shares__country=crisis.country
    )
    rows = list(
        in_country.distinct()
        .annotate(on_affected_theme=on_affected_theme)
        .select_related("owner")
        .order_by("-on_affected_theme", "status", "title", "pk")[:SHOWN_ENGAGEMENTS]
    )
    counts = {
        row["status"]: row["count"]
        for row in in_country.order_by().values("status").annotate(count=Count("pk", distinct=True))
    }
    labels = dict(EngagementStatus.choices)
    by_status = [(str(labels[status]), counts[status]) for status in RUNNING_OR_PLANNED if counts.get(status)]
    return CountryEngagements(rows=rows, total=sum(counts.values()), by_status=by_status, shown=len(rows))


def focal_points_for(user: AnyUser | None, crisis: Crisis, theme_ids: list[int]) -> list[FocalPoint] | None:
    """``None`` for readers outside the EU side (the section is not shown); else those covering the
    country, those on an affected theme first."""
    if not circle_of(user).eu_side:
        return None
    through = FocalPoint.themes.through
    on_theme = Exists(through.objects.filter(focalpoint_id=OuterRef("pk"), theme_id__in=theme_ids))
    people = (
        FocalPoint.objects.visible_to(user)
        .filter(countries=crisis.country)
        .annotate(on_affected_theme=on_theme)
        .select_related("organisation")
        .order_by("-on_affected_theme", "name", "pk")
    )
    return list(people)


def agreed_facts(user: AnyUser | None, country: Country) -> list[Observation]:
    """The latest agreed figure of each indicator for the country, as the reader may see them."""
    agreed = (
        Observation.objects.visible_to(user)
        .filter(country=country, destination__isnull=True, status=ObservationStatus.AGREED)
        .select_related("indicator", "source")
        .order_by("indicator__code", "-period_start", "-pk")
    )
    latest: dict[int, Observation] = {}
    for figure in agreed:
        latest.setdefault(figure.indicator_id, figure)
    return list(latest.values())


def lines_to_take(user: AnyUser | None, country: Country, theme_ids: list[int]) -> list[LineToTake]:
    """The current agreed lines of the country: those on an affected theme, then the country's general
    ones, then the other themes'."""
    lines = list(current_lines(user, [country.pk]).values())

    def rank(line: LineToTake) -> tuple[int, int]:
        if line.theme_id in theme_ids:
            return (0, line.pk)
        return (1 if line.theme_id is None else 2, line.pk)

    return sorted(lines, key=rank)


SIMILAR_RULE_HELP = gettext_lazy(
    "Lessons you may read that were learnt in another crisis you may see, where that crisis shares an "
    "affected theme with this one or was in the same country; newest first."
)


def similar_lessons(user: AnyUser | None, crisis: Crisis, theme_ids: list[int]) -> list[Lesson]:
    similar_crises = (
        Crisis.objects.visible_to(user)
        .exclude(pk=crisis.pk)
        .filter(Q(country_id=crisis.country_id) | Q(themes__in=theme_ids))
        .values("pk")
    )
    lessons = (
        Lesson.objects.visible_to(user)
        .filter(crisis__in=similar_crises)
        .select_related("crisis__country")
        .order_by("-dated", "-pk")
    )
    return list(lessons[:SIMILAR_LESSONS])


def crisis_page(user: AnyUser | None, crisis: Crisis) -> dict[str, Any]:
    """Everything the crisis page shows besides the crisis itself."""
    theme_ids = [theme.pk for theme in crisis.themes.all()]
    return {
        "instruments": flexible_instruments(),
        "engagements": engagements_in_country(user, crisis, theme_ids),
        "focal_points": focal_points_for(user, crisis, theme_ids),
        "facts": agreed_facts(user, crisis.country),
        "lines": lines_to_take(user, crisis.country, theme_ids),
        "lessons": similar_lessons(user, crisis, theme_ids),
        "affected_theme_ids": theme_ids,
    }
