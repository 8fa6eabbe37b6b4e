"""The forms of the crisis pages: declare or change a crisis, close it."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Country
from partnerhub.knowledge.crisis_services import CIRCLE_FIELDS
from partnerhub.knowledge.models import Crisis
from partnerhub.registry.forms import EclBoundField, ExplainedRadioSelect
from partnerhub.registry.models import Theme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHARING_EXPLANATIONS = {
    SharingLevel.PUBLIC: _("Anyone, including visitors who are not signed in."),
    SharingLevel.PARTNER: _(
        "All EU institution and Member State users, and the authorities of the crisis's partner country."
    ),
    SharingLevel.EU: _("All EU institution and Member State users (the LIMITE circle), but no partner-country users."),
    SharingLevel.RESTRICTED: _("The owner organisation and the organisations and Member States named below."),
    SharingLevel.ORIGINATOR: _("The owner organisation only."),
}


class CrisisForm(forms.ModelForm):
    """Never saved itself: the crisis services write."""

    bound_field_class = EclBoundField

    class Meta:
        model = Crisis
        fields = [
            "owner",
            "title",
            "country",
            "started_on",
            "severity",
            "themes",
            "description",
            "sharing_level",
            "shared_with_organisations",
            "shared_with_countries",
        ]
        widgets = {
            "started_on": DATE,
            "themes": forms.SelectMultiple(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "sharing_level": ExplainedRadioSelect(SHARING_EXPLANATIONS),
            "shared_with_organisations": forms.SelectMultiple(attrs={"size": 8}),
            "shared_with_countries": forms.CheckboxSelectMultiple,
        }
        labels = {"owner": _("Declared by")}
        help_texts = {
            "sharing_level": _("Who may read this crisis. Most crises are for the EU side (the default)."),
            "shared_with_organisations": _(
                "Only for the Restricted level: organisations outside the owner that may read it."
            ),
            "shared_with_countries": _(
                "Only for the Restricted level: Member States whose whole government may read it."
            ),
        }

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["owner"]
        else:
            owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
            owner.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
            owner.empty_label = None
            self.initial.setdefault("sharing_level", SharingLevel.EU)
        cast("forms.ModelChoiceField[Country]", self.fields["country"]).queryset = Country.objects.partners()
        cast("forms.ModelMultipleChoiceField[Theme]", self.fields["themes"]).queryset = Theme.objects.order_by(
            "position", "name"
        )
        cast(
            "forms.ModelMultipleChoiceField[Organisation]", self.fields["shared_with_organisations"]
        ).queryset = Organisation.objects.order_by("name")
        cast(
            "forms.ModelMultipleChoiceField[Country]", self.fields["shared_with_countries"]
        ).queryset = Country.objects.member_states()

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in ("sharing_level", *CIRCLE_FIELDS)]

    def restricted_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CIRCLE_FIELDS]


class CloseCrisisForm(forms.Form):
    bound_field_class = EclBoundField

    closed_on = forms.DateField(label=_("Closed on"), widget=DATE, required=False, help_text=_("Empty: today."))
    closing_note = forms.CharField(
        label=_("Closing note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What ended the crisis, what follows; kept with the record."),
    )
