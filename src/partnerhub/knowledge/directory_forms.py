"""The forms of the directory: one entry (as its keepers or as the person sees it) and the list's filters
(the page, the CSV and the API read the same filters)."""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.geo.models import Country
from partnerhub.knowledge.models import FocalPoint, FocalPointRole
from partnerhub.registry.forms import EclBoundField
from partnerhub.registry.models import Theme


class FocalPointForm(forms.ModelForm):
    """Never saved itself: the directory services write. ``account`` names the person's own account by
    its user name (no list of every account is shown)."""

    bound_field_class = EclBoundField
    account = forms.CharField(
        label=_("Account (user name)"),
        required=False,
        help_text=_("The person's own account, so that they can see and correct their entry. Empty: none."),
    )

    class Meta:
        model = FocalPoint
        fields = ["name", "function", "role", "organisation", "email", "phone", "languages", "countries", "themes"]
        widgets = {
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "themes": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, organisations: QuerySet[Organisation] | None, own: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if own:
            del self.fields["organisation"]
            del self.fields["account"]
        else:
            organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
            organisation.queryset = (Organisation.objects.all() if organisations is None else organisations).order_by(
                "name"
            )
            if self.instance.pk and self.instance.user_id:
                self.initial.setdefault("account", self.instance.user.get_username())
        cast("forms.ModelMultipleChoiceField[Country]", self.fields["countries"]).queryset = Country.objects.order_by(
            "name"
        )
        cast("forms.ModelMultipleChoiceField[Theme]", self.fields["themes"]).queryset = Theme.objects.order_by(
            "position", "name"
        )

    def clean_account(self) -> Any:
        username = (self.cleaned_data.get("account") or "").strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has the user name “%(name)s”.") % {"name": username})
        return user

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "account" in data:
            data["user"] = data.pop("account")
        return data


class DirectoryFilterForm(forms.Form):
    """Country (ISO3), theme (code), organisation, role, language (ISO 639-1) and words in the name,
    function, organisation or e-mail. A bad value filters nothing; the form says why."""

    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        to_field_name="iso3",
        required=False,
        empty_label=_("All countries"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("position", "name"),
        to_field_name="code",
        required=False,
        empty_label=_("All themes"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *FocalPointRole.choices], required=False)
    language = forms.RegexField(
        label=_("Language"),
        regex=r"^[A-Za-z]{2}$",
        required=False,
        error_messages={"invalid": _("Give a two-letter ISO 639-1 code, for example fr.")},
    )
    q = forms.CharField(label=_("Words"), required=False, max_length=200)

    def filter(self, entries: QuerySet[FocalPoint]) -> QuerySet[FocalPoint]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("country"):
            entries = entries.filter(countries=data["country"])
        if data.get("theme"):
            entries = entries.filter(themes=data["theme"])
        if data.get("organisation"):
            entries = entries.filter(organisation=data["organisation"])
        if data.get("role"):
            entries = entries.filter(role=data["role"])
        if data.get("language"):
            entries = entries.filter(languages__iregex=rf"(^|[ ,]){data['language'].lower()}($|[ ,])")
        for word in (data.get("q") or "").split():
            entries = entries.filter(
                Q(name__icontains=word)
                | Q(function__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(email__icontains=word)
            )
        return entries.distinct()
