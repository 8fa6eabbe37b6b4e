"""The reviewer's decision on a possible overlap, as the page asks for it."""

from django import forms
from django.utils.translation import gettext_lazy

from partnerhub.overlaps.models import OverlapDecision
from partnerhub.overlaps.services import DECISIONS, NOTE_MAX_LENGTH
from partnerhub.registry.forms import EclBoundField


class ReviewForm(forms.Form):
    bound_field_class = EclBoundField

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        widget=forms.RadioSelect,
        choices=[(value, OverlapDecision(value).label) for value in DECISIONS],
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
