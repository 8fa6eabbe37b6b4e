"""Forms of the personal account pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import ApiToken


class ApiTokenForm(forms.ModelForm):
    """Names a new personal API token; the key itself is generated."""

    class Meta:
        model = ApiToken
        fields = ["name"]
        help_texts = {
            "name": _(
                "What the token is for, e.g. “nightly export script”, so that you recognise it when you revoke it."
            ),
        }
        widgets = {"name": forms.TextInput(attrs={"class": "ecl-text-input ecl-text-input--m"})}

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."), code="required")
        return name
