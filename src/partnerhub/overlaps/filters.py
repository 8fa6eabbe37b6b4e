"""The overlap filters, shared by the list page and the API."""

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from partnerhub.geo.models import Country
from partnerhub.overlaps.models import OverlapDecision
from partnerhub.overlaps.services import DECISIONS
from partnerhub.registry.filters import UNKNOWN_COUNTRY

ALL_DECISIONS = "all"


class OverlapFilter(filters.FilterSet):
    """Pairs by partner country, decision and minimum score.

    An invalid value is reported on the form and not applied; the API answers 422
    for it instead. ``default_decision`` applies when no valid decision is given:
    the page lists the pairs to review, the API every pair.
    """

    country = filters.ModelChoiceFilter(
        label=_("Partner country"),
        field_name="countries",
        queryset=Country.objects.partners(),
        to_field_name="iso3",
        empty_label=_("All partner countries"),
        error_messages=UNKNOWN_COUNTRY,
    )
    decision = filters.ChoiceFilter(
        label=_("Decision"),
        method="filter_decision",
        empty_label=None,
        choices=[
            (OverlapDecision.PENDING, _("To review")),
            *[(value, OverlapDecision(value).label) for value in DECISIONS],
            (ALL_DECISIONS, _("All, reviewed or not")),
        ],
    )
    min_score = filters.NumberFilter(
        label=_("Minimum score"),
        field_name="score",
        lookup_expr="gte",
        min_value=0,
        max_value=1,
        decimal_places=2,
        help_text=_("From 0 to 1, for example 0.6."),
    )

    def __init__(self, *args, default_decision: str = ALL_DECISIONS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.default_decision = default_decision

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("decision"):
            queryset = self.filter_decision(queryset, "decision", self.default_decision)
        return queryset

    def filter_decision(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value or value == ALL_DECISIONS:
            return queryset
        return queryset.filter(decision=value)
