"""The calendar's filters, shared by the list, month and week pages and the API."""

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.agenda.models import MeetingKind
from partnerhub.geo.models import Country
from partnerhub.registry.filters import UNKNOWN_COUNTRY, UNKNOWN_ORGANISATION, UNKNOWN_THEME
from partnerhub.registry.models import Theme


class MeetingFilter(filters.FilterSet):
    """By partner country, theme, organisation (organiser or participant) and kind. Invalid values
    are reported on the form and left out; the API answers 422 for them."""

    country = filters.ModelChoiceFilter(
        label=_("Partner country"),
        queryset=Country.objects.partners(),
        to_field_name="iso3",
        empty_label=_("All partner countries"),
        error_messages=UNKNOWN_COUNTRY,
    )
    theme = filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        field_name="themes",
        empty_label=_("All themes"),
        error_messages=UNKNOWN_THEME,
    )
    organisation = filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        method="filter_organisation",
        empty_label=_("All organisations"),
        error_messages=UNKNOWN_ORGANISATION,
    )
    kind = filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices, empty_label=_("All kinds"))

    def filter_organisation(self, queryset: QuerySet[Any], name: str, value: Organisation | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(Q(owner=value) | Q(participants=value)).distinct()
