"""The analysis pages' forms, and the one reading of ``?money=``.

Who records the partner government's stated priorities, and the form they use:

Coordinators and administrators of EU-side organisations record them for any
partner country; editors (and above) of a partner country's own authorities
record them for their country. The organisation recording a priority owns it,
and only that organisation's editors change, widen or remove it
(``services``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar, cast

from django import forms
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.analysis.figures.teameurope import DEFAULT_MONEY_KIND, SHOWN_MONEY_KINDS, SORT_KEYS
from partnerhub.analysis.models import PartnerPriority
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import StrOrPromise
from partnerhub.core.visibility import priority_recording_organisations
from partnerhub.geo.models import Country, Region, Route
from partnerhub.registry.forms import EclBoundField
from partnerhub.registry.models import MoneyKind, Theme

FormT = TypeVar("FormT", bound=forms.Form)


def recording_organisations(user, country) -> list[Organisation]:
    """The organisations on whose behalf ``user`` may record priorities of ``country``."""
    return priority_recording_organisations(user, country)


def may_record_priorities(user, country) -> bool:
    return bool(recording_organisations(user, country))


class PartnerPriorityForm(forms.ModelForm):
    """The sharing levels open to a priority: public, or the EU side and the partner country."""

    bound_field_class = EclBoundField
    source_url = forms.URLField(label=_("Link to the source"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = PartnerPriority
        fields = ["owner", "theme", "description", "source", "source_url", "stated_on", "sharing_level"]
        widgets = {
            "stated_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"owner": _("Recorded for")}

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
        owner.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        owner.empty_label = None
        owner.help_text = _("The organisation that records this priority owns the record.")
        theme = cast("forms.ModelChoiceField[Theme]", self.fields["theme"])
        theme.queryset = Theme.objects.select_related("parent")
        # An instance attribute, called unbound: Django's way to relabel choices, which the stub types as a method.
        theme.label_from_instance = _theme_label  # type: ignore[assignment]
        cast(forms.ChoiceField, self.fields["sharing_level"]).choices = [
            (level.value, level.label) for level in (SharingLevel.PARTNER, SharingLevel.PUBLIC)
        ]


def _theme_label(theme: Theme) -> str:
    parent = theme.parent
    return f"{parent.localized_name} › {theme.localized_name}" if parent is not None else theme.localized_name


PRIORITY_FIELDS = ("theme", "description", "source", "source_url", "stated_on", "sharing_level", "owner")


def snapshot(priority: PartnerPriority) -> dict[str, str]:
    """Readable values for the field-level history."""
    return {name: "" if getattr(priority, name) is None else str(getattr(priority, name)) for name in PRIORITY_FIELDS}


class PriorityCommentForm(forms.Form):
    """A comment or a proposed change on one of the priorities the reader sees."""

    bound_field_class = EclBoundField
    priority = forms.ModelChoiceField(label=_("Priority"), queryset=PartnerPriority.objects.none())
    text = forms.CharField(
        label=_("Comment or proposal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only the organisation that recorded the priority changes it; your comment "
            "is shown to everyone who may read the priority."
        ),
    )

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities
        self.fields["priority"].label_from_instance = lambda priority: _theme_label(priority.theme)


# -- the kind of money (?money=) --------------------------------------------------------

MONEY_PARAMETER = "money"


@dataclass(frozen=True)
class MoneyChoice:
    """The kind of money read from a request, and the value asked for when it names no kind."""

    kind: str
    unknown: str | None = None


def read_money_kind(value: str | None, kinds: Iterable[str] = MoneyKind.values) -> MoneyChoice:
    """The one reading of ``?money=`` for pages, the brief and the API: absent or empty is the
    default kind; a value naming none of ``kinds`` is the default kind too, and is kept as
    ``unknown`` so that the caller says so (a message on a page, 400 for a brief, 422 in the API)."""
    if not value:
        return MoneyChoice(DEFAULT_MONEY_KIND)
    if value in set(kinds):
        return MoneyChoice(value)
    return MoneyChoice(DEFAULT_MONEY_KIND, unknown=value)


def unknown_money_kind_message(value: str) -> str:
    return gettext("“%(value)s” is not a kind of money; showing commitments.") % {"value": value}


# -- Team Europe, the country index and the balance table ---------------------------------


def money_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=gettext_lazy("Money"),
        required=False,
        choices=[(kind, MoneyKind(kind).label) for kind in SHOWN_MONEY_KINDS],
        error_messages={
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not a kind of money shown here (budget, commitment or disbursement); "
                "commitments are shown."
            )
        },
    )


class MoneyForm(forms.Form):
    money = money_field()

    def money_kind(self) -> str:
        """The kind of money shown: the field reports an unknown value, the one reading picks the kind."""
        return read_money_kind(self.data.get(MONEY_PARAMETER), kinds=SHOWN_MONEY_KINDS).kind


class CountryIndexForm(MoneyForm):
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[(f"{sign}{name}", f"{sign}{name}") for name in SORT_KEYS for sign in ("", "-")],
        error_messages={
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not a column of the table; countries are sorted by Team Europe money."
            )
        },
    )


class CountryJumpForm(forms.Form):
    country = forms.ModelChoiceField(
        label=gettext_lazy("Partner country"),
        queryset=Country.objects.partners(),
        to_field_name="iso3",
        error_messages={"invalid_choice": gettext_lazy("“%(value)s” is not a partner country.")},
    )


class BalanceFilterForm(MoneyForm):
    route = forms.ModelChoiceField(
        label=gettext_lazy("Migration route"),
        queryset=Route.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All routes"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "There is no migration route with the code “%(value)s”; all routes are shown."
            )
        },
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All regions"),
        error_messages={
            "invalid_choice": gettext_lazy("There is no region with the code “%(value)s”; all regions are shown.")
        },
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("Page")), ("csv", "CSV")],
        error_messages={
            "invalid_choice": gettext_lazy("“%(value)s” is not a download format; the table is available as CSV.")
        },
    )


def validated(form: FormT) -> FormT:
    """Cleans the form; fields with a bad value are left out of ``cleaned_data``."""
    form.is_valid()
    return form


def form_errors(form: forms.Form) -> list[str]:
    """Each error with the label of its field, for the page's message."""
    return [f"{form.fields[name].label}: {error}" for name, errors in form.errors.items() for error in errors]


def money_choices() -> list[tuple[str, StrOrPromise]]:
    return [(kind, MoneyKind(kind).label) for kind in SHOWN_MONEY_KINDS]
