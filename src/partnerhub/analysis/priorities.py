"""Who records the partner government's stated priorities, and the form they use.

Coordinators and administrators of EU-side organisations record them for any
partner country; editors (and above) of a partner country's own authorities
record them for their country. The organisation recording a priority owns it,
and only that organisation's editors change, widen or remove it
(``priority_services``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.analysis.models import PartnerPriority
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import priority_recording_organisations
from partnerhub.registry.forms import EclBoundField
from partnerhub.registry.models import Theme


def recording_organisations(user, country) -> list[Organisation]:
    """The organisations on whose behalf ``user`` may record priorities of ``country``."""
    return priority_recording_organisations(user, country)


def may_record_priorities(user, country) -> bool:
    return bool(recording_organisations(user, country))


class PartnerPriorityForm(forms.ModelForm):
    """The sharing levels open to a priority: public, or the EU side and the partner country."""

    bound_field_class = EclBoundField
    source_url = forms.URLField(label=_("Link to the source"), required=False, assume_scheme="https",
                                max_length=200)

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
        owner = self.fields["owner"]
        owner.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        owner.empty_label = None
        owner.help_text = _("The organisation that records this priority owns the record.")
        self.fields["theme"].queryset = Theme.objects.select_related("parent")
        self.fields["theme"].label_from_instance = _theme_label
        self.fields["sharing_level"].choices = [
            (level.value, level.label) for level in (SharingLevel.PARTNER, SharingLevel.PUBLIC)
        ]


def _theme_label(theme: Theme) -> str:
    return f"{theme.parent.localized_name} › {theme.localized_name}" if theme.parent_id else theme.localized_name


PRIORITY_FIELDS = ("theme", "description", "source", "source_url", "stated_on", "sharing_level", "owner")


def snapshot(priority: PartnerPriority) -> dict[str, str]:
    """Readable values for the field-level history."""
    return {name: "" if getattr(priority, name) is None else str(getattr(priority, name))
            for name in PRIORITY_FIELDS}


class PriorityCommentForm(forms.Form):
    """A comment or a proposed change on one of the priorities the reader sees."""

    bound_field_class = EclBoundField
    priority = forms.ModelChoiceField(label=_("Priority"), queryset=PartnerPriority.objects.none())
    text = forms.CharField(label=_("Comment or proposal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Only the organisation that recorded the priority changes it; your comment "
                                       "is shown to everyone who may read the priority."))

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities
        self.fields["priority"].label_from_instance = lambda priority: _theme_label(priority.theme)
