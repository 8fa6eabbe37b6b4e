from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme
from partnerhub.search.services import SearchRequest
from partnerhub.search.sources import sources


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=500)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("kind").choices = [("", _("All types"))] + [(s.kind, s.label.capitalize()) for s in sources()]
        self._choices("country").choices = [("", _("All countries"))] + [
            (country.iso3, str(country)) for country in Country.objects.order_by("name")
        ]
        self._choices("theme").choices = [("", _("All themes"))] + [
            (theme.code, theme.localized_name) for theme in Theme.objects.order_by("position", "name")
        ]

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date comes before the start date."))
        return cleaned

    def search_request(self) -> SearchRequest:
        data = self.cleaned_data
        return SearchRequest(
            text=data["q"],
            kinds=(data["kind"],) if data["kind"] else (),
            country=data["country"],
            theme=data["theme"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
