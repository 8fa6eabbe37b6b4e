from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerhub.geo.models import Country
from partnerhub.notifications.models import DigestFrequency
from partnerhub.registry.models import Theme

KINDS = (("country", _("partner country")), ("theme", _("theme")))


class FollowForm(forms.Form):
    """One follow or unfollow button: a partner country by its ISO alpha-3 code or a theme by its code."""

    kind = forms.ChoiceField(choices=KINDS)
    code = forms.CharField(max_length=40)
    follow = forms.BooleanField(required=False, help_text=_("Checked: follow; unchecked: stop following."))

    def clean(self) -> dict[str, Any]:
        data = cast("dict[str, Any]", super().clean())  # Form.clean gives cleaned_data, never None
        kind, code = data.get("kind"), (data.get("code") or "").strip()
        if kind == "country":
            data["target"] = Country.objects.partners().filter(iso3=code.upper()).first()
        elif kind == "theme":
            data["target"] = Theme.objects.filter(code=code.upper()).first()
        if kind and data.get("target") is None:
            self.add_error("code", _("No partner country or theme has this code: %(code)s.") % {"code": code})
        return data


class AddFollowForm(forms.Form):
    country = forms.ModelChoiceField(
        Country.objects.partners().order_by("name"), label=_("Partner country"), required=False, to_field_name="iso3"
    )
    theme = forms.ModelChoiceField(
        Theme.objects.order_by("position", "name"), label=_("Theme"), required=False, to_field_name="code"
    )

    def clean(self) -> dict[str, Any]:
        data = cast("dict[str, Any]", super().clean())
        if not self.errors and not data.get("country") and not data.get("theme"):
            raise forms.ValidationError(_("Choose a partner country or a theme to follow."))
        return data


class FrequencyForm(forms.Form):
    digest_frequency = forms.ChoiceField(
        choices=DigestFrequency.choices, label=_("E-mail digest"), widget=forms.RadioSelect
    )


class SinceForm(forms.Form):
    since = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the last 30 days."),
    )

    def clean_since(self) -> date | None:
        since: date | None = self.cleaned_data.get("since")
        if since is not None and since > timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the future."))
        if since is not None and since < timezone.localdate() - timedelta(days=366):
            raise forms.ValidationError(_("Choose a date within the last year."))
        return since
