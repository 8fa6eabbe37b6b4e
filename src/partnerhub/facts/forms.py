"""The filters of the indicator pages: route, region and period."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerhub.facts.periods import PERIOD
from partnerhub.geo.models import Region, Route


class FactsFilterForm(forms.Form):
    route = forms.ModelChoiceField(
        label=_("Migration route"),
        queryset=Route.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All routes"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    period = forms.RegexField(
        label=_("Period"),
        regex=PERIOD,
        required=False,
        help_text=_("A year, quarter or month: 2022, 2022-Q3, 2022-07. Empty: each country's latest."),
        error_messages={"invalid": _("“%(value)s” is not a year, quarter or month (2022, 2022-Q3, 2022-07).")},
    )

    def problems(self) -> list[str]:
        """Each wrong filter as a sentence naming it; empty when the filters are right."""
        if self.is_valid():
            return []
        return [
            _("%(field)s: %(error)s") % {"field": self.fields[name].label, "error": error}
            for name, errors in self.errors.items()
            for error in errors
        ]

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None
