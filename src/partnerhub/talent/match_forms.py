"""The filters of the matching pages, exports and API, and the coordinator's override form."""

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerhub.geo.models import Country, Route
from partnerhub.talent.models import OverrideDecision

ISCO_PREFIX = re.compile(r"^\d{1,4}$")


class MatchFilterForm(forms.Form):
    """Member State, occupation group (an ISCO-08 code prefix), partner country, route and matching date."""

    member_state = forms.ModelChoiceField(
        label=_("Member State"),
        queryset=Country.objects.filter(is_eu_member=True).order_by("name"),
        to_field_name="iso3",
        required=False,
    )
    occupation = forms.CharField(
        label=_("Occupation group"),
        required=False,
        max_length=4,
        help_text=_("An ISCO-08 code or its beginning: 2 (professionals), 22 (health), 2221 (nurses)."),
    )
    country = forms.ModelChoiceField(
        label=_("Partner country"),
        queryset=Country.objects.filter(is_eu_member=False).order_by("name"),
        to_field_name="iso3",
        required=False,
    )
    route = forms.ModelChoiceField(
        label=_("Migration route"), queryset=Route.objects.order_by("name"), to_field_name="code", required=False
    )
    on = forms.DateField(
        label=_("Matching date"),
        required=False,
        help_text=_("The safeguard list in force on this date applies; today when empty."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_occupation(self) -> str:
        code: str = self.cleaned_data.get("occupation", "").strip()
        if code and not ISCO_PREFIX.match(code):
            raise forms.ValidationError(_("Give an ISCO-08 code of one to four digits, such as 22 or 2221."))
        return code

    def values(self) -> dict[str, Any]:
        """The valid filters (an invalid form filters nothing and shows its errors)."""
        if not self.is_bound or not self.is_valid():
            return {"member_state": None, "occupation": "", "country": None, "route": None, "on": None}
        return dict(self.cleaned_data)

    @property
    def day(self) -> date:
        return self.values().get("on") or timezone.localdate()


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=OverrideDecision.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Shown with the suggestion to everyone who sees the need."),
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the decision."))
        return reason
