"""The calendar's forms: a meeting, a counterpart.

Times are typed as the local time of the meeting's place and read in its time zone, whatever the
server's or the reader's.
"""

import zoneinfo
from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.agenda.models import Counterpart, LineToTake, Meeting
from partnerhub.agenda.services import CHANGEABLE_WHEN_CANCELLED, related_ids
from partnerhub.core.types import AnyUser
from partnerhub.geo.models import Country
from partnerhub.registry.forms import EclBoundField
from partnerhub.registry.models import Engagement, Theme

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_ZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones() if "/" in name)


class MeetingForm(forms.ModelForm):
    bound_field_class = EclBoundField
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/Brussels")
    # Not a model field of the form: Django would read the linked engagements themselves, unscoped,
    # for the initial value; the choices are the engagements the user may read.
    engagements = forms.ModelMultipleChoiceField(
        label=_("Linked engagements"), queryset=Engagement.objects.none(), required=False
    )

    class Meta:
        model = Meeting
        fields = [
            "owner",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "time_zone",
            "place",
            "country",
            "counterpart",
            "participants",
            "themes",
            "confirmed",
            "outcome_notes",
            "sharing_level",
            "shared_with_organisations",
        ]
        widgets = {
            "starts_at": LOCAL_INPUT,
            "ends_at": LOCAL_INPUT,
            "outcome_notes": forms.Textarea(attrs={"rows": 4}),
            "participants": forms.CheckboxSelectMultiple,
        }
        labels = {"owner": _("Organised by")}
        help_texts = {
            "starts_at": _("Local time at the place of the meeting."),
            "confirmed": _("An unconfirmed meeting shows as tentative in calendars."),
        }

    def __init__(self, *args: Any, user: AnyUser, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
        owner.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        owner.empty_label = None
        cast("forms.ModelChoiceField[Country]", self.fields["country"]).queryset = Country.objects.partners()
        counterparts = cast("forms.ModelChoiceField[Counterpart]", self.fields["counterpart"])
        counterparts.queryset = Counterpart.objects.select_related("country")
        # An instance attribute, called unbound: Django's way to relabel choices, which the stub types as a method.
        counterparts.label_from_instance = _counterpart_label  # type: ignore[assignment]
        cast("forms.ModelMultipleChoiceField[Theme]", self.fields["themes"]).queryset = Theme.objects.all()
        engagements = cast("forms.ModelMultipleChoiceField[Engagement]", self.fields["engagements"])
        engagements.queryset = Engagement.objects.visible_to(user).order_by("title")
        if self.instance.pk:
            # Only the links the user may see: the others are neither shown nor taken off (the service keeps them).
            linked = related_ids(self.instance, "engagements")
            self.initial["engagements"] = list(engagements.queryset.filter(pk__in=linked).values_list("pk", flat=True))
            self.initial["starts_at"] = self.instance.local_start.replace(tzinfo=None)
            self.initial["ends_at"] = self.instance.local_end.replace(tzinfo=None)

    def keep_plans(self) -> None:
        """A cancelled meeting is not re-planned: only what the service lets change stays open."""
        for name, field in self.fields.items():
            field.disabled = name not in CHANGEABLE_WHEN_CANCELLED

    def clean(self) -> dict[str, Any]:
        cleaned = cast("dict[str, Any]", super().clean())
        name = cleaned.get("time_zone")
        if name:
            zone = zoneinfo.ZoneInfo(name)
            for field in ("starts_at", "ends_at"):
                value = cleaned.get(field)
                if isinstance(value, datetime):
                    # Django read the typed time in the server's zone: read it again in the meeting's.
                    cleaned[field] = timezone.make_naive(value).replace(tzinfo=zone)
        return cleaned


def _counterpart_label(counterpart: Counterpart) -> str:
    return f"{counterpart.country.localized_name}: {counterpart}"


class CounterpartForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = Counterpart
        fields = ["country", "authority", "office", "function"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Country]", self.fields["country"]).queryset = Country.objects.partners()


class LineToTakeForm(forms.ModelForm):
    bound_field_class = EclBoundField

    class Meta:
        model = LineToTake
        fields = ["owner", "country", "theme", "text", "valid_until", "sharing_level"]
        widgets = {
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {"owner": _("Written for")}

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = cast("forms.ModelChoiceField[Organisation]", self.fields["owner"])
        owner.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        owner.empty_label = None
        cast("forms.ModelChoiceField[Country]", self.fields["country"]).queryset = Country.objects.partners()
