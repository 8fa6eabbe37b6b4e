"""The upload form: which organisation the engagements belong to, and the file."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import Organisation
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.sheets.findings import SheetRefused
from partnerhub.sheets.reader import check_size, limit


class SheetUploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("The engagements will belong to this organisation; you can choose among those you edit for."),
    )
    # An empty file reaches the reader, whose refusal names it.
    file = forms.FileField(label=_("Spreadsheet"), allow_empty_file=True)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editable = editing_organisation_ids(user)
        organisations = self.fields["organisation"]
        organisations.queryset = Organisation.objects.filter(pk__in=editable).order_by("name")
        if len(editable) == 1:
            organisations.initial = next(iter(editable))
        self.fields["file"].help_text = _("An Excel workbook (.xlsx) or a CSV file (.csv) of at most %(size)s.") % {
            "size": filesizeformat(limit("SHEET_UPLOAD_MAX_BYTES"))
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except SheetRefused as refusal:
            refusal.file_name = upload.name
            raise ValidationError(refusal.message, code="too_large") from refusal
        return upload
