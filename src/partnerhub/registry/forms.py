"""Recording an engagement in the browser: the engagement form and its rows.

The forms only check what a field can check on its own (types, choices,
lengths). The registry's rules (shares adding up, dates in order, who may own
a record) live in ``registry.services``; ``EngagementEditor`` turns the forms
into an ``EngagementInput`` and puts the service's field errors back next to
the fields they belong to.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import BLANK_CHOICE_DASH, TextChoices
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.forms import ask_for_version, read_version
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser, StrOrPromise
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.registry.models import (
    Engagement,
    Instrument,
    LinkKind,
    MoneyKind,
    ParticipationRole,
    Theme,
)
from partnerhub.registry.money import known_currencies, negative_amount_problem
from partnerhub.registry.services import SCALAR_FIELDS, EngagementInput, MoneyInput

SHARING_LEVEL_EXPLANATIONS = {
    SharingLevel.PUBLIC: _("Anyone, including visitors who are not signed in."),
    SharingLevel.PARTNER: _(
        "All EU institution and Member State users, and the authorities of the partner "
        "countries this engagement concerns."
    ),
    SharingLevel.EU: _("All EU institution and Member State users (the LIMITE circle), but no partner-country users."),
    SharingLevel.RESTRICTED: _("The owner organisation and the organisations and Member States named below."),
    SharingLevel.ORIGINATOR: _("The owner organisation only."),
}

FORM_SECTIONS = (
    (
        _("About the engagement"),
        (
            "kind",
            "title",
            "description",
            "language",
            "status",
            "instrument",
            "external_reference",
            "humanitarian",
        ),
    ),
    (_("Dates"), ("planned_start", "planned_end", "actual_start", "actual_end")),
    (_("Owner"), ("owner",)),
    (_("Coordination"), ("action_plan_reference", "notes")),
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# -- look: ECL classes on every widget ---------------------------------------


def _ecl_class(widget: forms.Widget, invalid: bool, size: str) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
        return "ecl-checkbox__input"
    if isinstance(widget, forms.RadioSelect):
        return "ecl-radio__input"
    if isinstance(widget, forms.Select):
        return "ecl-select"
    base = "ecl-text-area" if isinstance(widget, forms.Textarea) else "ecl-text-input"
    return f"{base} {base}--{size}" + (f" {base}--invalid" if invalid else "")


class EclBoundField(forms.BoundField):
    """Adds the Europa Component Library classes, including the invalid state."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        attrs["class"] = _ecl_class(widget or self.field.widget, invalid=bool(self.errors), size=self.size)
        return attrs

    @property
    def size(self) -> str:
        """Small inputs in formset rows, so that a row fits on one line."""
        return "s" if isinstance(self.form, RowForm) else "m"

    @property
    def is_single_select(self) -> bool:
        return type(self.field.widget) is forms.Select


class ExplainedRadioSelect(forms.RadioSelect):
    """Radio buttons that carry one sentence of explanation per choice."""

    def __init__(self, explanations: Mapping[Any, StrOrPromise], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.explanations = explanations

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["explanation"] = self.explanations.get(value, "")
        return option


# -- the engagement itself ---------------------------------------------------


class EngagementForm(forms.ModelForm[Engagement]):
    """The engagement's own fields. It is never saved: the services write."""

    bound_field_class = EclBoundField
    # The version the editor read (core.concurrency); rendered by the page, not in a section.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Engagement
        fields = [
            "kind",
            "title",
            "description",
            "language",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "instrument",
            "external_reference",
            "humanitarian",
            "action_plan_reference",
            "notes",
            "owner",
            "sharing_level",
            "shared_with_organisations",
            "shared_with_countries",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "actual_start": DATE_WIDGET,
            "actual_end": DATE_WIDGET,
            "sharing_level": ExplainedRadioSelect(SHARING_LEVEL_EXPLANATIONS),
            "shared_with_organisations": forms.SelectMultiple(attrs={"size": 8}),
            "shared_with_countries": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "sharing_level": _("Who may read this engagement and its money."),
            "shared_with_organisations": _(
                "Only for the Restricted level: organisations outside the owner that may read it."
            ),
            "shared_with_countries": _(
                "Only for the Restricted level: Member States whose whole government may read it."
            ),
            "external_reference": _("Your organisation's own file or project number, if any."),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Organisation.objects.filter(pk__in=editing_organisation_ids(user))
        owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
        owner.queryset = owners
        owner.error_messages["invalid_choice"] = _("You can only record engagements for an organisation you edit for.")
        owner.help_text = _("The organisation responsible for this record.")
        cast("forms.ModelChoiceField[Instrument]", self.fields["instrument"]).queryset = Instrument.objects.all()
        cast(
            "forms.ModelMultipleChoiceField[Organisation]", self.fields["shared_with_organisations"]
        ).queryset = Organisation.objects.all()
        cast(
            "forms.ModelMultipleChoiceField[Country]", self.fields["shared_with_countries"]
        ).queryset = Country.objects.member_states()
        cast(forms.ChoiceField, self.fields["sharing_level"]).choices = SharingLevel.choices

    def sections(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        """The fields before the rows, grouped as the page shows them."""
        return [(legend, [self[name] for name in names]) for legend, names in FORM_SECTIONS]

    def restricted_fields(self) -> list[forms.BoundField]:
        return [self["shared_with_organisations"], self["shared_with_countries"]]


# -- the rows ------------------------------------------------------------------


def _share_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Share (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


def currency_choices() -> list[tuple[str, str]]:
    others = sorted(known_currencies() - {"EUR"})
    return [(code, code) for code in ["EUR", *others]]


class ThemeChoiceField(forms.ModelChoiceField["Theme"]):
    def label_from_instance(self, obj: Theme) -> str:
        return f"– {obj.name}" if obj.parent_id else obj.name


class EngagementNumberField(forms.ModelChoiceField["Engagement"]):
    """An engagement chosen by its number among those the user may see."""

    widget = forms.NumberInput(attrs={"min": "1"})


def _with_blank(choices: type[TextChoices]) -> list[tuple[str, str]]:
    """A blank first option keeps an untouched extra row blank, hence ignored."""
    return [*BLANK_CHOICE_DASH, *choices.choices]


class RowForm(forms.Form):
    bound_field_class = EclBoundField

    def __init__(self, *args: Any, choice_cache: dict[str, list[Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every row of a formset offers the same options: one query per
        # formset instead of one per row.
        for name, field in self.fields.items():
            if choice_cache is not None and type(field.widget) is forms.Select:
                field = cast(forms.ChoiceField, field)
                if name not in choice_cache:
                    choice_cache[name] = list(iter(cast("Iterable[Any]", field.choices)))  # iter(): no COUNT query
                field.choices = choice_cache[name]


class CountryShareForm(RowForm):
    country = forms.ModelChoiceField(label=_("Partner country"), queryset=Country.objects.all())
    share = _share_field()


class ThemeShareForm(RowForm):
    theme = ThemeChoiceField(label=_("Theme"), queryset=Theme.objects.all())
    share = _share_field()


class ParticipationForm(RowForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    role = forms.ChoiceField(label=_("Role"), choices=_with_blank(ParticipationRole))


class MoneyLineForm(RowForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=_with_blank(MoneyKind))
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices, initial="EUR")
    value_date = forms.DateField(label=_("Value date"), widget=DATE_WIDGET)
    is_correction = forms.BooleanField(
        label=_("Correction"),
        required=False,
        help_text=_("Tick to enter a negative amount that corrects an earlier line."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = cast("dict[str, Any]", super().clean())  # Form.clean gives cleaned_data, never None
        amount = cleaned.get("amount")
        if amount is not None:
            problem = negative_amount_problem(
                cleaned.get("kind", ""), amount, is_correction=cleaned.get("is_correction", False)
            )
            if problem:
                self.add_error("amount", problem)
        return cleaned


class LinkForm(RowForm):
    kind = forms.ChoiceField(label=_("Link"), choices=_with_blank(LinkKind))
    target = EngagementNumberField(
        label=_("Engagement number"),
        queryset=Engagement.objects.none(),
        error_messages={"invalid_choice": _("No engagement you can see has this number.")},
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(EngagementNumberField, self.fields["target"]).queryset = Engagement.objects.visible_to(user)

    def target_title(self) -> str:
        target = self.initial.get("target")
        return target.title if isinstance(target, Engagement) else ""


class RowFormSet(forms.BaseFormSet[RowForm]):
    """Rows left blank are ignored; "Remove" drops a row."""

    legend: StrOrPromise = ""
    help_text: StrOrPromise = ""

    def filled_rows(self) -> list[dict[str, Any]]:
        # A blank extra row validates to an empty cleaned_data.
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not _removed(form)]

    def add_non_form_errors(self, messages: list[str]) -> None:
        # Formsets have no public add_error(): the service's verdict on the rows
        # as a whole joins the formset's own non-form errors.
        self.non_form_errors().extend(messages)

    def rows_with_errors(self) -> Iterator[tuple[int, RowForm]]:
        for number, form in enumerate(self.forms, start=1):
            if form.errors and not _removed(form):
                yield number, form


def _removed(form: forms.Form) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


class LinkRowFormSet(RowFormSet):
    def clean(self) -> None:
        # The database allows each link once; saying so here beats a failed write.
        pairs = [(row.get("target"), row.get("kind")) for row in self.filled_rows()]
        if len(pairs) != len(set(pairs)):
            raise ValidationError(_("The same link is listed twice."), code="duplicate")


def _rowset(
    form: type[RowForm], legend: StrOrPromise, help_text: StrOrPromise = "", base: type[RowFormSet] = RowFormSet
) -> type[RowFormSet]:
    formset = cast(type[RowFormSet], forms.formset_factory(form, formset=base, extra=1, can_delete=True))
    formset.legend = legend
    formset.help_text = help_text
    return formset


CountryShareFormSet = _rowset(
    CountryShareForm,
    _("Partner countries"),
    _("Shares are optional; when given they add up to 100 %."),
)
ThemeShareFormSet = _rowset(
    ThemeShareForm,
    _("Themes"),
    _("Shares are optional; when given they add up to 100 %."),
)
ParticipationFormSet = _rowset(ParticipationForm, _("Organisations involved"))
MoneyLineFormSet = _rowset(
    MoneyLineForm,
    _("Money"),
    _(
        "Budgets, commitments and disbursements are kept apart and never added together. "
        "Amounts in other currencies are converted to euros at the ECB reference rate of the "
        "value date."
    ),
)
LinkFormSet = _rowset(
    LinkForm,
    _("Links to other engagements"),
    _("Give the number shown on the other engagement's page."),
    base=LinkRowFormSet,
)

# Service error keys, in the order the sections appear on the page.
ROW_SECTIONS = {
    "countries": CountryShareFormSet,
    "themes": ThemeShareFormSet,
    "participations": ParticipationFormSet,
    "money": MoneyLineFormSet,
    "links": LinkFormSet,
}


# -- the whole editor ------------------------------------------------------------


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary: where the error is, and what it says."""

    anchor: str
    label: str
    message: str


class EngagementEditor:
    """The engagement form and its formsets, validated and converted together."""

    def __init__(
        self,
        user: AnyUser,
        data: Mapping[str, Any] | None = None,
        initial: EngagementInput | None = None,
        version: int | None = None,
    ) -> None:
        """``version``: the version of the engagement being edited; a change must send it back."""
        self.form = EngagementForm(data, user=user, initial={**_form_initial(initial, user), "version": version})
        if version is not None:
            ask_for_version(self.form, version, what=_("the engagement"))
        rows = _row_initial(initial, user)
        self.formsets = {
            key: formset_class(data, prefix=key, initial=rows.get(key), form_kwargs=_row_kwargs(key, user))
            for key, formset_class in ROW_SECTIONS.items()
        }

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    def to_input(self) -> EngagementInput:
        data = self.form.cleaned_data
        rows = {key: formset.filled_rows() for key, formset in self.formsets.items()}
        return EngagementInput(
            owner=data["owner"],
            fields={name: data[name] for name in SCALAR_FIELDS},
            countries=[(row["country"], row["share"]) for row in rows["countries"]],
            themes=[(row["theme"], row["share"]) for row in rows["themes"]],
            participations=[(row["organisation"], row["role"]) for row in rows["participations"]],
            money=[
                MoneyInput(
                    row["kind"], row["amount"], row["currency"], row["value_date"], is_correction=row["is_correction"]
                )
                for row in rows["money"]
            ],
            links=[(row["target"], row["kind"]) for row in rows["links"]],
            shared_with_organisations=list(data["shared_with_organisations"]),
            shared_with_countries=list(data["shared_with_countries"]),
        )

    @property
    def read_version(self) -> int | None:
        return read_version(self.form)

    def add_service_errors(self, error: ValidationError) -> None:
        """Puts each of the service's errors next to the field or rows it concerns."""
        by_field: dict[str | None, list[str]] = (
            dict(error.message_dict.items()) if hasattr(error, "error_dict") else {None: error.messages}
        )
        for key, messages in by_field.items():
            if key in self.formsets:
                self.formsets[key].add_non_form_errors(messages)
            elif key in self.form.fields:
                self.form.add_error(key, messages)
            else:
                self.form.add_error(None, messages)

    def error_summary(self) -> list[ErrorLink]:
        summary = [ErrorLink("", "", str(message)) for message in self.form.non_field_errors()]
        for name, messages in self.form.errors.items():
            if name != NON_FIELD_ERRORS:
                summary += [ErrorLink(self.form[name].auto_id, str(self.form[name].label), str(m)) for m in messages]
        for formset in self.formsets.values():
            summary += _formset_summary(formset)
        return summary


def _formset_summary(formset: RowFormSet) -> list[ErrorLink]:
    summary = [
        ErrorLink(f"{formset.prefix}-fieldset", str(formset.legend), str(message))
        for message in formset.non_form_errors()
    ]
    for number, form in formset.rows_with_errors():
        row_label = _("%(section)s, row %(number)s") % {"section": formset.legend, "number": number}
        for name, messages in form.errors.items():
            field = form[name] if name in form.fields else None
            anchor = field.auto_id if field else f"{formset.prefix}-{number - 1}-row"
            label = f"{row_label}: {field.label}" if field else row_label
            summary += [ErrorLink(anchor, label, str(message)) for message in messages]
    return summary


def _row_kwargs(key: str, user: AnyUser) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"choice_cache": {}}
    if key == "links":
        kwargs["user"] = user
    return kwargs


def _form_initial(data: EngagementInput | None, user: AnyUser) -> dict[str, Any]:
    if data is None:
        owners = editing_organisation_ids(user)
        return {"owner": next(iter(owners))} if len(owners) == 1 else {}
    return {
        **data.fields,
        "owner": data.owner,
        "shared_with_organisations": data.shared_with_organisations,
        "shared_with_countries": data.shared_with_countries,
    }


def _row_initial(data: EngagementInput | None, user: AnyUser) -> dict[str, list[dict[str, Any]]]:
    if data is None:
        return {}
    visible_targets = set(
        Engagement.objects.visible_to(user)
        .filter(pk__in=[target.pk for target, _kind in data.links])
        .values_list("pk", flat=True)
    )
    return {
        "countries": [{"country": c, "share": s} for c, s in data.countries],
        "themes": [{"theme": t, "share": s} for t, s in data.themes],
        "participations": [{"organisation": o, "role": r} for o, r in data.participations],
        "money": [
            {
                "kind": m.kind,
                "amount": m.amount,
                "currency": m.currency,
                "value_date": m.value_date,
                "is_correction": m.is_correction,
            }
            for m in data.money
        ],
        # A link whose other end the user may no longer see is not shown.
        "links": [{"target": t, "kind": k} for t, k in data.links if t.pk in visible_targets],
    }
