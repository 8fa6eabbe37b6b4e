"""The engagement filters, shared by the list page, the exports and the API."""

from collections.abc import Iterable
from datetime import date
from typing import Any, cast

import django_filters as filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.forms import read_choices_at_once
from partnerhub.core.kept import kept_ids
from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Country, CountryQuerySet
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementKind,
    EngagementQuerySet,
    EngagementStatus,
    EngagementTheme,
    Instrument,
    Participation,
    Provenance,
    Theme,
)

MIN_YEAR, MAX_YEAR = 1950, 2100


class Relevance(models.TextChoices):
    """Which records by the classifier's verdict: an import with --all also keeps activities not about migration."""

    RELEVANT = "relevant", _("About migration (default)")
    ALL = "all", _("Also records not about migration")
    OTHER = "other", _("Only records not about migration")


RELEVANCE_FILTERS = {
    Relevance.RELEVANT: Q(migration_relevant=True),
    Relevance.ALL: Q(),
    Relevance.OTHER: Q(migration_relevant=False),
}


# Filters whose values name something: a value that names nothing matches nothing.
CHOICE_FILTERS = (
    "country",
    "theme",
    "organisation",
    "instrument",
    "kind",
    "status",
    "sharing_level",
    "provenance",
    "relevance",
)


UNKNOWN_COUNTRY = {"invalid_choice": _("“%(value)s” is not a partner country to choose from.")}
UNKNOWN_THEME = {"invalid_choice": _("“%(value)s” is not a theme to choose from.")}
UNKNOWN_ORGANISATION = {
    "invalid_choice": _("“%(value)s” is not an organisation to choose from."),
    "invalid_pk_value": _("“%(pk)s” is not an organisation to choose from."),
}
UNKNOWN_INSTRUMENT = {"invalid_choice": _("“%(value)s” is not an instrument to choose from.")}


def country_choices(request: HttpRequest | None) -> CountryQuerySet:
    """On the page: the partner countries with an engagement the viewer may see, on a
    migration route or with an Action Plan (no Antarctica). The API (no request)
    accepts every partner country's code."""
    partners = Country.objects.partners()
    if request is None:
        return partners
    visible = Engagement.objects.visible_to(request.user)
    offered = partners.filter(
        Q(Exists(EngagementCountry.objects.filter(country=OuterRef("pk"), engagement__in=visible)))
        | Q(Exists(Country.routes.through.objects.filter(country=OuterRef("pk"))))
        | Q(is_priority_partner=True)
    )
    # Kept until the data changes (core.kept): every list page offers them, and finding them asks of
    # every country whether the reader sees one of its records (35 ms at 100,000 records).
    return partners.filter(pk__in=kept_ids(offered))


def organisation_choices(request: HttpRequest | None) -> models.QuerySet[Organisation]:
    """On the page: the organisations owning or taking part in an engagement the viewer may see."""
    if request is None:
        return Organisation.objects.all()
    visible = Engagement.objects.visible_to(request.user)
    offered = Organisation.objects.filter(
        Q(Exists(visible.filter(owner=OuterRef("pk"))))
        | Q(Exists(Participation.objects.filter(organisation=OuterRef("pk"), engagement__in=visible)))
    )
    return Organisation.objects.filter(pk__in=kept_ids(offered))  # kept, as the countries (40 ms)


class EngagementFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = cast("dict[str, Any]", super().clean())  # Form.clean gives cleaned_data, never None
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        for field, year in (("year_from", first), ("year_to", last)):
            if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
                self.add_error(
                    field, _("Give a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
                )
        if first is not None and last is not None and first > last:
            self.add_error("year_to", _("The last year is before the first."))
        return cleaned


class EngagementFilter(filters.FilterSet):
    """Invalid values are reported on the form and left out of the filtering."""

    q = filters.CharFilter(label=_("Search"), method="filter_text")
    country = filters.ModelMultipleChoiceFilter(
        label=_("Partner country"),
        queryset=country_choices,
        to_field_name="iso3",
        method="filter_country",
        error_messages=UNKNOWN_COUNTRY,
    )
    theme = filters.ModelMultipleChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        method="filter_theme",
        error_messages=UNKNOWN_THEME,
    )
    organisation = filters.ModelMultipleChoiceFilter(
        label=_("Organisation"),
        queryset=organisation_choices,
        method="filter_organisation",
        error_messages=UNKNOWN_ORGANISATION,
    )
    instrument = filters.ModelMultipleChoiceFilter(
        label=_("Instrument"),
        queryset=Instrument.objects.all(),
        to_field_name="code",
        field_name="instrument__code",
        error_messages=UNKNOWN_INSTRUMENT,
    )
    kind = filters.MultipleChoiceFilter(label=_("Kind"), choices=EngagementKind.choices)
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=EngagementStatus.choices)
    sharing_level = filters.MultipleChoiceFilter(label=_("Sharing level"), choices=SharingLevel.choices)
    provenance = filters.MultipleChoiceFilter(label=_("Provenance"), choices=Provenance.choices)
    relevance = filters.ChoiceFilter(
        label=_("Migration relevance"),
        choices=Relevance.choices,
        method="filter_relevance",
        empty_label=None,
    )
    year_from = filters.NumberFilter(
        label=_("Active from year"),
        method="filter_years",
        widget=forms.NumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
    )
    year_to = filters.NumberFilter(
        label=_("Active until year"),
        method="filter_years",
        widget=forms.NumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
    )
    ordering = filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("updated_at", "updated"), ("title", "title"), ("start_date", "start")),
        field_labels={
            "updated_at": _("Last updated"),
            "title": _("Title"),
            "start_date": _("Start"),
            # django-filter formats its own "(descending)" labels once, at import, in English.
            "-updated": _("Last updated (descending)"),
            "-title": _("Title (descending)"),
            "-start": _("Start (descending)"),
        },
    )

    class Meta:
        form = EngagementFilterForm

    def filter_text(self, queryset: EngagementQuerySet, name: str, value: str) -> EngagementQuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(iati_identifier__icontains=value)
            | Q(external_reference__icontains=value)
        )

    def filter_country(
        self, queryset: EngagementQuerySet, name: str, countries: Iterable[Country]
    ) -> EngagementQuerySet:
        if not countries:
            return queryset
        return queryset.filter(
            Exists(EngagementCountry.objects.filter(engagement=OuterRef("pk"), country__in=countries))
        )

    def filter_theme(self, queryset: EngagementQuerySet, name: str, themes: Iterable[Theme]) -> EngagementQuerySet:
        if not themes:
            return queryset
        theme_ids: set[int] = set().union(*(theme.descendant_ids() for theme in themes))
        return queryset.filter(
            Exists(EngagementTheme.objects.filter(engagement=OuterRef("pk"), theme_id__in=theme_ids))
        )

    def filter_organisation(
        self, queryset: EngagementQuerySet, name: str, organisations: Iterable[Organisation]
    ) -> EngagementQuerySet:
        if not organisations:
            return queryset
        participates = Exists(Participation.objects.filter(engagement=OuterRef("pk"), organisation__in=organisations))
        return queryset.filter(Q(owner__in=organisations) | Q(participates))

    def filter_years(self, queryset: EngagementQuerySet, name: str, value: object) -> EngagementQuerySet:
        # Both bounds are applied together, once, from the cleaned data.
        return queryset

    def filter_relevance(self, queryset: EngagementQuerySet, name: str, value: object) -> EngagementQuerySet:
        # Applied in filter_queryset, where a missing value means the default.
        return queryset

    @property
    def unknown_values(self) -> list[str]:
        """The messages of the filters given a value that names nothing (then nothing matches)."""
        errors = self.form.errors
        return [str(message) for name in CHOICE_FILTERS for message in errors.get(name, [])]

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, values) of each filter applied, for the summary above the results."""
        data = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        active = []
        for name, field in self.form.fields.items():
            value = data.get(name)
            if name in ("ordering", "relevance") or not value:
                continue
            active.append((str(field.label), ", ".join(_choice_labels(field, value))))
        relevance = data.get("relevance")
        if relevance and relevance != Relevance.RELEVANT:
            active.append((str(self.form.fields["relevance"].label), str(Relevance(relevance).label)))
        return active

    @property
    def form(self) -> forms.Form:
        form: forms.Form = super().form
        # Replacing a method on one field instance, which the type checker cannot follow.
        organisations: Any = form.fields["organisation"]
        organisations.label_from_instance = organisation_label
        read_choices_at_once(form)
        return form

    def filter_queryset(self, queryset: EngagementQuerySet) -> EngagementQuerySet:
        if self.unknown_values:
            return queryset.none()
        queryset = super().filter_queryset(queryset)
        relevance = self.form.cleaned_data.get("relevance") or Relevance.RELEVANT
        queryset = queryset.filter(RELEVANCE_FILTERS[Relevance(relevance)])
        first, last = self.form.cleaned_data.get("year_from"), self.form.cleaned_data.get("year_to")
        if first is not None:
            queryset = queryset.annotate(_last_day=Coalesce("end_date", "start_date")).filter(
                _last_day__gte=date(int(first), 1, 1)
            )
        if last is not None:
            queryset = queryset.filter(start_date__lte=date(int(last), 12, 31))
        return queryset


def organisation_label(organisation: Organisation) -> str:
    return organisation.localized_label


def _choice_labels(field: Any, value: Any) -> list[str]:
    values = list(value) if isinstance(value, list | tuple) or hasattr(value, "model") else [value]
    if values and isinstance(values[0], models.Model):
        return [field.label_from_instance(item) for item in values]
    labels = dict(getattr(field, "choices", []) or [])
    return [str(labels.get(item, item)) for item in values]
