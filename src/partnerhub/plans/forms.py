"""The forms of the plan pages and the one reading of the list's filters (page and API)."""

from typing import Any, cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.forms import ask_for_version
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, PlanReview, PlanStatus
from partnerhub.plans.services import ACTION_FIELDS, CIRCLE_FIELDS
from partnerhub.registry.forms import EclBoundField, ExplainedRadioSelect
from partnerhub.registry.models import Engagement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHARING_EXPLANATIONS = {
    SharingLevel.PUBLIC: _("Anyone, including visitors who are not signed in."),
    SharingLevel.PARTNER: _(
        "All EU institution and Member State users, and the authorities of the plan's partner country."
    ),
    SharingLevel.EU: _("All EU institution and Member State users (the LIMITE circle), but no partner-country users."),
    SharingLevel.RESTRICTED: _("The owner organisation and the organisations and Member States named below."),
    SharingLevel.ORIGINATOR: _("The owner organisation only."),
}


class PlanFilterForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Partner country"),
        queryset=Country.objects.partners(),
        to_field_name="iso3",
        required=False,
        empty_label=_("All countries"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *PlanStatus.choices], required=False)

    def filter(self, plans):
        """The plans matching the valid filters; a bad value filters nothing (the form says why)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("country"):
            plans = plans.filter(country=data["country"])
        if data.get("status"):
            plans = plans.filter(status=data["status"])
        return plans


class PlanForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = ActionPlan
        fields = [
            "owner",
            "country",
            "title",
            "period_start",
            "period_end",
            "objectives",
            "sharing_level",
            "shared_with_organisations",
            "shared_with_countries",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "sharing_level": ExplainedRadioSelect(SHARING_EXPLANATIONS),
            "shared_with_organisations": forms.SelectMultiple(attrs={"size": 8}),
            "shared_with_countries": forms.CheckboxSelectMultiple,
        }
        labels = {"owner": _("Kept by")}
        help_texts = {
            "sharing_level": _("Who may read this plan, its actions, reviews and Action Fiches."),
            "shared_with_organisations": _(
                "Only for the Restricted level: organisations outside the owner that may read it."
            ),
            "shared_with_countries": _(
                "Only for the Restricted level: Member States whose whole government may read it."
            ),
        }

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["owner"], self.fields["country"]
            ask_for_version(self, self.instance.revision, what=_("the plan"))
        else:
            owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
            owner.queryset = Organisation.objects.filter(pk__in=editing_organisation_ids(user)).order_by("name")
            owner.empty_label = None
            country = cast("forms.ModelChoiceField[Country]", self.fields["country"])
            country.queryset = Country.objects.partners()
        cast(forms.ChoiceField, self.fields["sharing_level"]).choices = SharingLevel.choices
        cast(
            "forms.ModelMultipleChoiceField[Organisation]", self.fields["shared_with_organisations"]
        ).queryset = Organisation.objects.order_by("name")
        cast(
            "forms.ModelMultipleChoiceField[Country]", self.fields["shared_with_countries"]
        ).queryset = Country.objects.member_states()

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in ("sharing_level", *CIRCLE_FIELDS)]

    def restricted_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CIRCLE_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends after it starts."))
        return data


class ActionForm(forms.ModelForm):
    """Every field for the plan's editors; the progress only for the lead organisation's."""

    bound_field_class = EclBoundField
    engagements = forms.ModelMultipleChoiceField(
        label=_("Engagements implementing it"),
        queryset=Engagement.objects.none(),
        required=False,
        help_text=_("Engagements in the plan's country that you may see."),
    )

    class Meta:
        model = Action
        fields = [
            "description",
            "objective",
            "theme",
            "lead_organisation",
            "contributing_organisations",
            "deadline",
            "status",
            "rag_override",
            "rag_override_reason",
            "rag_comment",
        ]
        widgets = {
            "deadline": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "rag_override_reason": forms.Textarea(attrs={"rows": 2}),
            "rag_comment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user, plan: ActionPlan, progress_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engagements = cast("forms.ModelMultipleChoiceField[Engagement]", self.fields["engagements"])
        engagements.queryset = Engagement.objects.visible_to(user).filter(countries=plan.country_id).order_by("title")
        if self.instance.pk:
            engagements.initial = list(
                engagements.queryset.filter(plan_actions=self.instance).values_list("pk", flat=True)
            )
            ask_for_version(self, self.instance.version, what=_("the action"))
        if progress_only:
            for name in (*ACTION_FIELDS, "contributing_organisations"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rag_override") and not (data.get("rag_override_reason") or "").strip():
            self.add_error("rag_override_reason", _("Say why the rating differs from the one the indicators suggest."))
        return data


class IndicatorForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = ActionIndicator
        fields = ["name", "unit", "baseline", "target", "latest_value", "latest_value_on"]
        widgets = {"latest_value_on": DATE}

    def __init__(self, *args: Any, measure_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            ask_for_version(self, self.instance.version, what=_("the indicator"))
        if measure_only:
            for name in ("name", "unit", "baseline", "target"):
                del self.fields[name]


class ReviewCompareForm(forms.Form):
    """Two closed reviews of one plan, the earlier first."""

    first = forms.ModelChoiceField(label=_("Earlier review"), queryset=PlanReview.objects.none())
    second = forms.ModelChoiceField(label=_("Later review"), queryset=PlanReview.objects.none())

    def __init__(self, *args: Any, reviews, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            choice = cast("forms.ModelChoiceField[PlanReview]", self.fields[name])
            choice.queryset = reviews
            choice.label_from_instance = _review_label  # type: ignore[assignment]


def _review_label(review: PlanReview) -> str:
    return date_format(review.closed_at, "SHORT_DATETIME_FORMAT") if review.closed_at else str(review.pk)


class FicheForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = ActionFiche
        fields = ["activities", "budget", "implementing_partners", "risks", "timeline"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("activities", "implementing_partners", "risks", "timeline")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            ask_for_version(self, self.instance.version, what=_("the Action Fiche"))
