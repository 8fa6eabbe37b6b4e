"""The form to propose a figure no loaded file carries."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.sharing import SharingLevel
from partnerhub.facts.models import Indicator, Source
from partnerhub.facts.periods import PERIOD
from partnerhub.facts.services import OBSERVATION_LEVELS, FigureInput
from partnerhub.geo.models import Country

# The service names a source's fields as the model does; the form prefixes them.
SOURCE_FIELDS = {"publisher": "source_publisher", "dataset": "source_dataset", "address": "source_address"}


class FigureForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Proposed for"))
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.order_by("name"), label=_("Indicator"))
    country = forms.ModelChoiceField(queryset=Country.objects.order_by("name"), label=_("Country or origin"))
    destination = forms.ModelChoiceField(
        queryset=Country.objects.order_by("name"),
        required=False,
        label=_("Destination"),
        help_text=_("Only for indicators given for an origin and a destination."),
    )
    period = forms.CharField(
        max_length=7, label=_("Period"), help_text=_("A year, quarter or month: 2022, 2022-Q3, 2022-07.")
    )
    value = forms.DecimalField(max_digits=28, decimal_places=6, label=_("Value"))
    unit = forms.CharField(
        max_length=60, required=False, label=_("Unit"), help_text=_("The indicator's unit when empty.")
    )
    source_publisher = forms.CharField(max_length=200, label=_("Publisher"))
    source_dataset = forms.CharField(max_length=300, label=_("Dataset"))
    source_release_date = forms.DateField(required=False, label=_("Release date"))
    source_address = forms.URLField(
        max_length=500, required=False, assume_scheme="https", label=_("Address of the source")
    )
    method_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Method note"))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Why this figure should be the one to quote")
    )
    sharing_level = forms.ChoiceField(
        choices=[(value, label) for value, label in SharingLevel.choices if value in OBSERVATION_LEVELS],
        initial=SharingLevel.EU,
        label=_("Sharing level"),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
        if len(organisations) == 1:
            field.initial = organisations[0].pk

    def figure(self) -> FigureInput:
        data = self.cleaned_data
        source = Source(
            publisher=data["source_publisher"],
            dataset=data["source_dataset"],
            release_date=data["source_release_date"],
            address=data["source_address"],
        )
        return FigureInput(
            indicator=data["indicator"],
            country=data["country"],
            destination=data["destination"],
            period=data["period"],
            value=data["value"],
            unit=data["unit"],
            source=source,
            method_note=data["method_note"],
            sharing_level=data["sharing_level"],
        )

    def add_service_errors(self, message_dict: dict[str, list[str]]) -> None:
        for name, field_messages in message_dict.items():
            field = SOURCE_FIELDS.get(name, name)
            for message in field_messages:
                self.add_error(field if field in self.fields else None, message)


def initial_from_query(query: Mapping[str, str]) -> dict[str, Any]:
    """The form's initial values from a link's ``?indicator=<code>&country=<ISO3>&period=<period>``.

    They are only a starting point the proposer can change: a value naming no indicator, country or
    period is left out without a word.
    """
    initial: dict[str, Any] = {}
    code, iso3, period = (query.get(name, "").strip() for name in ("indicator", "country", "period"))
    indicator = Indicator.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
    if indicator is not None:
        initial["indicator"] = indicator
    country = Country.objects.filter(iso3=iso3.upper()).values_list("pk", flat=True).first() if iso3 else None
    if country is not None:
        initial["country"] = country
    if PERIOD.match(period):
        initial["period"] = period
    return initial
