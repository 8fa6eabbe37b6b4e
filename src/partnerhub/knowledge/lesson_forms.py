"""The forms of the lesson pages, and the one reading of the list's filters (page, API and exports)."""

from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.forms import ask_for_version
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.knowledge import lesson_queries
from partnerhub.knowledge.lesson_services import CIRCLE_FIELDS
from partnerhub.knowledge.models import Actor, Attachment, Impact, Lesson, LessonKind, OutcomeFigure
from partnerhub.plans.forms import SHARING_EXPLANATIONS
from partnerhub.registry.forms import EclBoundField, ExplainedRadioSelect
from partnerhub.registry.models import Engagement, Instrument, Theme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_FIELDS = ("tried", "worked", "did_not_work", "conditions", "recommendations", "what_to_change")
SEARCHED_FIELDS = ("title", *TEXT_FIELDS)


class LessonForm(forms.ModelForm):
    """The owner organisation (on creation), what the lesson says, what it concerns, and its sharing."""

    bound_field_class = EclBoundField
    engagements = forms.ModelMultipleChoiceField(
        label=_("Linked engagements"),
        queryset=Engagement.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Engagements the lesson comes from; links to engagements you may not see are kept as they are."),
    )

    class Meta:
        model = Lesson
        fields = [
            "owner",
            "kind",
            "title",
            "dated",
            "countries",
            "themes",
            "instruments",
            "crisis",
            "tried",
            "worked",
            "did_not_work",
            "conditions",
            "recommendations",
            "impact",
            "what_to_change",
            "who_should_act",
            "sharing_level",
            "shared_with_organisations",
            "shared_with_countries",
        ]
        widgets = {
            "dated": DATE,
            **{name: forms.Textarea(attrs={"rows": 4}) for name in TEXT_FIELDS},
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "themes": forms.SelectMultiple(attrs={"size": 8}),
            "instruments": forms.SelectMultiple(attrs={"size": 6}),
            "sharing_level": ExplainedRadioSelect(SHARING_EXPLANATIONS),
            "shared_with_organisations": forms.SelectMultiple(attrs={"size": 8}),
            "shared_with_countries": forms.CheckboxSelectMultiple,
        }
        labels = {"owner": _("Kept by")}
        help_texts = {
            "sharing_level": _("Who may read this lesson, its outcome figures and its documents."),
            "shared_with_organisations": _(
                "Only for the Restricted level: organisations outside the owner that may read it."
            ),
            "shared_with_countries": _(
                "Only for the Restricted level: Member States whose whole government may read it."
            ),
            "what_to_change": _("In a sentence or two: the change this lesson calls for."),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["owner"]
            ask_for_version(self, self.instance.version, what=_("the lesson"))
        else:
            owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
            owner.queryset = Organisation.objects.filter(pk__in=editing_organisation_ids(user)).order_by("name")
            owner.empty_label = None
        self._fields_queries(user)
        if self.instance.pk:
            self.initial["engagements"] = list(
                lesson_queries.linked_engagements(self.instance, user).values_list("pk", flat=True)
            )
        crisis = self.instance.crisis_id
        if crisis is not None and not lesson_queries.visible_crises(user).filter(pk=crisis).exists():
            # A crisis hidden from this editor stays linked as it is.
            del self.fields["crisis"]

    def _fields_queries(self, user: AnyUser) -> None:
        querysets: dict[str, QuerySet[Any]] = {
            "countries": Country.objects.order_by("name"),
            "themes": Theme.objects.order_by("code"),
            "instruments": Instrument.objects.order_by("name"),
            "crisis": lesson_queries.visible_crises(user).select_related("country").order_by("-started_on", "pk"),
            "engagements": Engagement.objects.visible_to(user).order_by("title", "pk"),
            "shared_with_organisations": Organisation.objects.order_by("name"),
            "shared_with_countries": Country.objects.member_states(),
        }
        for name, queryset in querysets.items():
            cast("forms.ModelChoiceField[Any]", self.fields[name]).queryset = queryset
        cast(forms.ChoiceField, self.fields["sharing_level"]).choices = SharingLevel.choices

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in ("sharing_level", *CIRCLE_FIELDS)]

    def restricted_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CIRCLE_FIELDS]


class OutcomeFigureForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = OutcomeFigure
        fields = ["label", "value", "unit", "baseline", "target", "period", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"period": _("For example 2024, 2023–2024 or 2024-Q3.")}


class AttachmentForm(forms.Form):
    bound_field_class = EclBoundField
    file = forms.FileField(
        label=_("Document"),
        help_text=_("A PDF, Word (.docx) or Excel (.xlsx) document. Documents with macros are refused."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
    )


# -- the list's filters -------------------------------------------------------------------------


class LessonFilterForm(forms.Form):
    """A bad value filters nothing and is reported on the form (the API answers 422 for it)."""

    text = forms.CharField(label=_("Text"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *LessonKind.choices], required=False)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        to_field_name="iso3",
        required=False,
        empty_label=_("All countries"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All themes"),
        help_text=_("A theme includes the themes below it."),
    )
    impact = forms.ChoiceField(label=_("Impact"), choices=[("", _("Any impact")), *Impact.choices], required=False)
    who_should_act = forms.ChoiceField(
        label=_("Who should act"), choices=[("", _("Anyone")), *Actor.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = cast("dict[str, Any]", super().clean())
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end of the period is after its start."))
        return data

    def cleaned(self) -> dict[str, Any]:
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in (None, "")}

    def filter(self, lessons: QuerySet[Lesson], user: AnyUser) -> QuerySet[Lesson]:
        data = self.cleaned()
        if "kind" in data:
            lessons = lessons.filter(kind=data["kind"])
        if "country" in data:
            countries = Lesson.countries.through.objects.filter(lesson=OuterRef("pk"), country=data["country"])
            lessons = lessons.filter(Exists(countries))
        if "theme" in data:
            themes = data["theme"].descendant_ids()
            through = Lesson.themes.through.objects.filter(lesson=OuterRef("pk"), theme_id__in=themes)
            lessons = lessons.filter(Exists(through))
        if "impact" in data:
            lessons = lessons.filter(impact=data["impact"])
        if "who_should_act" in data:
            lessons = lessons.filter(who_should_act=data["who_should_act"])
        if "date_from" in data:
            lessons = lessons.filter(dated__gte=data["date_from"])
        if "date_to" in data:
            lessons = lessons.filter(dated__lte=data["date_to"])
        if data.get("text", "").strip():
            lessons = lessons.filter(_text_matches(data["text"].strip()))
        return lessons


def _text_matches(text: str) -> Q:
    documents = Attachment.objects.unrestricted("the documents of the lessons the outer query lets the reader see")
    matches = Q()
    for name in SEARCHED_FIELDS:
        matches |= Q(**{f"{name}__icontains": text})
    return matches | Q(Exists(documents.filter(lesson=OuterRef("pk"), extracted_text__icontains=text)))
