"""The forms of the Talent Partnerships pages, and the one reading of each list's filters (page and API)."""

from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.forms import ask_for_version
from partnerhub.core.querysets import unrestricted_block
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser, StrOrPromise
from partnerhub.core.visibility import circle_of, editing_organisation_ids
from partnerhub.geo.models import Country, Region, Route
from partnerhub.registry.forms import EclBoundField, ExplainedRadioSelect
from partnerhub.registry.models import Engagement
from partnerhub.talent.models import (
    PIPELINE_STAGES,
    Occupation,
    OccupationLevel,
    PartnershipStatus,
    PipelineFigure,
    TalentNeed,
    TalentPartnership,
    TalentScheme,
    TalentSupply,
)
from partnerhub.talent.services import CIRCLE_FIELDS, FIRST_YEAR, LAST_YEAR, NEED_SHARING_LEVELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHARING_EXPLANATIONS = {
    SharingLevel.PUBLIC: _("Anyone, including visitors who are not signed in."),
    SharingLevel.PARTNER: _("All EU institution and Member State users, and the authorities of the partner country."),
    SharingLevel.EU: _("All EU institution and Member State users (the LIMITE circle), but no partner-country users."),
    SharingLevel.RESTRICTED: _("The owner organisation and the organisations and Member States named below."),
    SharingLevel.ORIGINATOR: _("The owner organisation only."),
}
OCCUPATION_GROUP = RegexValidator(
    r"^\d{1,4}$", _("Give an ISCO-08 code of one to four digits, for example 22 or 2221.")
)


# -- the occupation choice: unit groups, grouped by major group ----------------------------------


def occupation_choices() -> list[tuple[Any, Any]]:
    """("", "—") then one group per major group, each listing its unit groups as "2221 Nursing professionals"."""
    groups = Occupation.objects.filter(level__in=(OccupationLevel.MAJOR, OccupationLevel.UNIT)).order_by("code")
    majors: dict[str, str] = {}
    units: dict[str, list[tuple[int, str]]] = {}
    for occupation in groups:
        if occupation.level == OccupationLevel.MAJOR:
            majors[occupation.code] = str(occupation)
        else:
            units.setdefault(occupation.code[0], []).append((occupation.pk, str(occupation)))
    return [("", "—"), *((majors.get(major, major), options) for major, options in units.items())]


class OccupationChoiceField(forms.ModelChoiceField):
    """A unit group (four digits), chosen from a list grouped by major group."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Occupation.objects.filter(level=OccupationLevel.UNIT), **kwargs)

    def label_from_instance(self, obj: Occupation) -> str:
        return str(obj)


def _grouped(field: forms.Field) -> None:
    # Read when the form is built, so that a page shows the occupations loaded by then.
    cast(forms.ChoiceField, field).choices = occupation_choices()


# -- the records' forms ---------------------------------------------------------------------


class SharedRecordForm(forms.ModelForm):
    """The owner organisation (on creation), the sharing level and the restricted circle, as on plans."""

    bound_field_class = EclBoundField
    sharing_levels: list[str] = list(SharingLevel.values)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["owner"]
            ask_for_version(self, self.instance.version, what=_("the record"))
        else:
            owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
            owner.queryset = Organisation.objects.filter(pk__in=editing_organisation_ids(user)).order_by("name")
            owner.empty_label = None
        sharing = cast(forms.ChoiceField, self.fields["sharing_level"])
        sharing.choices = [(value, label) for value, label in SharingLevel.choices if value in self.sharing_levels]
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


SHARED_WIDGETS = {
    "sharing_level": ExplainedRadioSelect(SHARING_EXPLANATIONS),
    "shared_with_organisations": forms.SelectMultiple(attrs={"size": 8}),
    "shared_with_countries": forms.CheckboxSelectMultiple,
    "note": forms.Textarea(attrs={"rows": 3}),
    "description": forms.Textarea(attrs={"rows": 4}),
}
SHARED_HELP = {
    "shared_with_organisations": _("Only for the Restricted level: organisations outside the owner that may read it."),
    "shared_with_countries": _("Only for the Restricted level: Member States whose whole government may read it."),
}
FIGURE_FIELDS = [
    "occupation",
    "first_year",
    "last_year",
    "eqf_level",
    "languages",
    "language_level",
    "source",
    "source_url",
    "note",
]
SHARED_FIELDS = ["sharing_level", "shared_with_organisations", "shared_with_countries"]


class OccupationFigureForm(SharedRecordForm):
    occupation = OccupationChoiceField(label=_("Occupation (ISCO-08 unit group)"))
    first_year = forms.IntegerField(label=_("First year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    last_year = forms.IntegerField(label=_("Last year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    eqf_level = forms.IntegerField(label=_("Qualification level (EQF)"), min_value=1, max_value=8, required=False)
    source_url = forms.URLField(label=_("Source address"), max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        _grouped(self.fields["occupation"])

    def clean_languages(self) -> str:
        from partnerhub.talent.services import unknown_languages

        languages: str = self.cleaned_data.get("languages") or ""
        wrong = unknown_languages(languages)
        if wrong:
            raise forms.ValidationError(_("Not ISO 639-1 language codes: %(codes)s.") % {"codes": ", ".join(wrong)})
        return " ".join(languages.replace(",", " ").lower().split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year is not before the first year."))
        return data


class NeedForm(OccupationFigureForm):
    sharing_levels = NEED_SHARING_LEVELS

    class Meta:
        model = TalentNeed
        fields = ["owner", "member_state", "region", "sector", "people_per_year", *FIGURE_FIELDS, *SHARED_FIELDS]
        widgets = SHARED_WIDGETS
        labels = {"owner": _("Kept by")}
        help_texts = {
            **SHARED_HELP,
            "sharing_level": _("Who may read this need. A need concerns a Member State: it has no partner level."),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        member_state = cast("forms.ModelChoiceField[Country]", self.fields["member_state"])
        member_state.queryset = Country.objects.member_states()


class SupplyForm(OccupationFigureForm):
    class Meta:
        model = TalentSupply
        fields = [
            "owner",
            "country",
            "yearly_graduates",
            "available_workers",
            "training_capacity",
            "partner_reports_shortage",
            *FIGURE_FIELDS,
            *SHARED_FIELDS,
        ]
        widgets = SHARED_WIDGETS
        labels = {"owner": _("Kept by")}
        help_texts = {**SHARED_HELP, "sharing_level": _("Who may read this supply record.")}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        cast("forms.ModelChoiceField[Country]", self.fields["country"]).queryset = Country.objects.partners()


class PartnershipForm(SharedRecordForm):
    engagements = forms.ModelMultipleChoiceField(
        label=_("Linked engagements"),
        queryset=Engagement.objects.none(),
        required=False,
        help_text=_("Engagements you may see; links to engagements you may not see stay as they are."),
    )

    class Meta:
        model = TalentPartnership
        fields = [
            "owner",
            "title",
            "country",
            "member_states",
            "occupations",
            "status",
            "started_on",
            "description",
            "engagements",
            *SHARED_FIELDS,
        ]
        widgets = {
            **SHARED_WIDGETS,
            "started_on": DATE,
            "member_states": forms.CheckboxSelectMultiple,
            "occupations": forms.SelectMultiple(attrs={"size": 10}),
        }
        labels = {"owner": _("Kept by")}
        help_texts = {**SHARED_HELP, "sharing_level": _("Who may read this partnership, its schemes and pipeline.")}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        # Django reads the instance's linked engagements into the initial values itself, unscoped;
        # they are narrowed to the ones the user sees below, the others are kept by the service.
        with unrestricted_block("a partnership form's initial links, narrowed to the visible ones below"):
            super().__init__(*args, user=user, **kwargs)
        cast("forms.ModelChoiceField[Country]", self.fields["country"]).queryset = Country.objects.partners()
        member_states = cast("forms.ModelMultipleChoiceField[Country]", self.fields["member_states"])
        member_states.queryset = Country.objects.member_states()
        occupations = cast("forms.ModelMultipleChoiceField[Occupation]", self.fields["occupations"])
        occupations.queryset = Occupation.objects.filter(level=OccupationLevel.UNIT)
        _grouped(occupations)
        engagements = cast("forms.ModelMultipleChoiceField[Engagement]", self.fields["engagements"])
        engagements.queryset = Engagement.objects.visible_to(user).order_by("title")
        if self.instance.pk:
            self.initial["engagements"] = list(
                engagements.queryset.filter(talent_partnerships=self.instance).values_list("pk", flat=True)
            )


class SchemeForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = TalentScheme
        fields = ["kind", "title", "occupations", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "occupations": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        occupations = cast("forms.ModelMultipleChoiceField[Occupation]", self.fields["occupations"])
        occupations.queryset = Occupation.objects.filter(level=OccupationLevel.UNIT)
        _grouped(occupations)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The scheme ends after it starts."))
        return data


class PipelineForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = PipelineFigure
        fields = ["period", *PIPELINE_STAGES, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


# -- the lists' filters -----------------------------------------------------------------------


class FilterForm(forms.Form):
    """A bad value filters nothing and is reported on the form (the API answers 422 for it)."""

    occupation = forms.CharField(
        label=_("Occupation group"),
        required=False,
        validators=[OCCUPATION_GROUP],
        help_text=_("An ISCO-08 code at any level: 2 (professionals), 22, 222 or 2221."),
    )

    def cleaned(self) -> dict[str, Any]:
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in (None, "")}


def _partner_choice(label: StrOrPromise) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Country.objects.partners(),
        to_field_name="iso3",
        required=False,
        empty_label=_("All partner countries"),
    )


def _member_state_choice() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Member State"),
        queryset=Country.objects.member_states(),
        to_field_name="iso3",
        required=False,
        empty_label=_("All Member States"),
    )


def _route_choice() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Route"),
        queryset=Route.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All routes"),
    )


class NeedFilterForm(FilterForm):
    member_state = _member_state_choice()
    sector = forms.CharField(label=_("Sector"), required=False, max_length=120)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    own = forms.BooleanField(label=_("Only my organisations' needs"), required=False)

    field_order = ["member_state", "occupation", "sector", "year", "own"]

    def filter(self, needs: QuerySet[TalentNeed], user: AnyUser) -> QuerySet[TalentNeed]:
        data = self.cleaned()
        if "member_state" in data:
            needs = needs.filter(member_state=data["member_state"])
        if "occupation" in data:
            needs = needs.filter(occupation__code__startswith=data["occupation"])
        if "sector" in data:
            needs = needs.filter(sector__icontains=data["sector"])
        if "year" in data:
            needs = needs.filter(first_year__lte=data["year"], last_year__gte=data["year"])
        if data.get("own"):
            needs = needs.filter(owner__in=circle_of(user).organisation_ids)
        return needs


class SupplyFilterForm(FilterForm):
    country = _partner_choice(_("Partner country"))
    route = _route_choice()
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    shortage = forms.TypedChoiceField(
        label=_("Shortage in the partner country"),
        choices=[
            ("", _("Either")),
            ("true", _("The partner reports a shortage")),
            ("false", _("No shortage reported")),
        ],
        required=False,
        coerce=lambda value: value == "true",
        empty_value=None,
    )

    field_order = ["country", "route", "region", "occupation", "shortage"]

    def filter(self, supply: QuerySet[TalentSupply], user: AnyUser) -> QuerySet[TalentSupply]:
        data = self.cleaned()
        if "country" in data:
            supply = supply.filter(country=data["country"])
        if "route" in data:
            supply = supply.filter(country__routes=data["route"])
        if "region" in data:
            supply = supply.filter(country__region=data["region"])
        if "occupation" in data:
            supply = supply.filter(occupation__code__startswith=data["occupation"])
        if "shortage" in data:
            supply = supply.filter(partner_reports_shortage=data["shortage"])
        return supply


class PartnershipFilterForm(FilterForm):
    country = _partner_choice(_("Partner country"))
    member_state = _member_state_choice()
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *PartnershipStatus.choices], required=False
    )
    route = _route_choice()

    field_order = ["country", "member_state", "status", "route", "occupation"]

    def filter(self, partnerships: QuerySet[TalentPartnership], user: AnyUser) -> QuerySet[TalentPartnership]:
        data = self.cleaned()
        if "country" in data:
            partnerships = partnerships.filter(country=data["country"])
        if "member_state" in data:
            partnerships = partnerships.filter(member_states=data["member_state"])
        if "status" in data:
            partnerships = partnerships.filter(status=data["status"])
        if "route" in data:
            partnerships = partnerships.filter(country__routes=data["route"])
        if "occupation" in data:
            partnerships = partnerships.filter(occupations__code__startswith=data["occupation"])
        # Several Member States or occupations of one partnership match once.
        return partnerships.distinct() if {"member_state", "occupation"} & data.keys() else partnerships
