"""Uploading an IATI file, following its import, and the list of past imports.

Coordinators and administrators of an organisation upload; anyone else who is
logged in gets a page that says why they cannot. A job is seen by its starter
and by the coordinators of its organisation; for everyone else it does not
exist (404). While a job runs, its page polls a partial of itself.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from partnerhub.access.models import Organisation
from partnerhub.core.rendering import render_page_or_partial
from partnerhub.iati.models import ImportJob, importing_organisation_ids, may_import_iati
from partnerhub.iati.tasks import start_import_job

ACCEPTED_SUFFIXES = (".xml",)
RECENT_JOBS = 5
ERRORS_SHOWN = 200


class IatiUploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_(
            "The import is listed for this organisation's coordinators. Each engagement belongs to "
            "the organisation that reports it in the file, and only the activities of organisations "
            "you edit for are imported."
        ),
    )
    # An empty file is refused below, with its name.
    file = forms.FileField(label=_("IATI activity file"), allow_empty_file=True)
    keep_all = forms.BooleanField(
        label=_("Import every activity, not only those about migration"),
        required=False,
    )

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = self.fields["organisation"]
        choices.queryset = organisations
        if len(organisations) == 1:
            choices.initial = organisations[0].pk
        self.fields["file"].help_text = _(
            "An IATI activity file, versions 2.01 to 2.03, in XML (.xml), of at most %(size)s."
        ) % {"size": filesizeformat(settings.IATI_UPLOAD_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = Path(upload.name or "").name
        if Path(name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise ValidationError(
                _("“%(name)s”: only IATI activity files in XML (ending in .xml) can be imported here."),
                code="wrong_type",
                params={"name": name},
            )
        if not upload.size:
            raise ValidationError(_("“%(name)s”: the file is empty."), code="empty", params={"name": name})
        if upload.size > settings.IATI_UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("“%(name)s” is %(size)s; files of at most %(limit)s can be uploaded."),
                code="too_large",
                params={
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IATI_UPLOAD_MAX_BYTES),
                },
            )
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def import_job_create(request):
    organisations = Organisation.objects.filter(pk__in=importing_organisation_ids(request.user))
    if not organisations:
        return render(request, "iati/cannot_import.html", status=403)
    posted = request.method == "POST"
    form = IatiUploadForm(organisations, request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        job = start_import_job(
            form.cleaned_data["file"],
            form.cleaned_data["organisation"],
            keep_all=form.cleaned_data["keep_all"],
            acting_user=request.user,
        )
        return redirect(job)
    recent = _visible_jobs(request.user)[:RECENT_JOBS]
    return render(request, "iati/import_job_create.html", {"form": form, "recent": recent})


@login_required
@require_safe
def import_job_list(request):
    page = Paginator(_visible_jobs(request.user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "iati/import_job_list.html",
        {
            "page": page,
            "jobs": page.object_list,
            "user_may_import": may_import_iati(request.user),
        },
    )


@login_required
@require_safe
def import_job_detail(request, pk: int):
    job = get_object_or_404(_visible_jobs(request.user), pk=pk)
    report = job.report or {}
    errors, warnings = report.get("errors", []), report.get("warnings", [])
    return render_page_or_partial(
        request,
        "iati/import_job_detail.html",
        "iati/_import_job_status.html",
        {
            "job": job,
            "progress": job.progress(),
            "report": report,
            "errors": errors[:ERRORS_SHOWN],
            "errors_not_shown": max(len(errors) - ERRORS_SHOWN, 0) + report.get("errors_not_kept", 0),
            "warnings": warnings[:ERRORS_SHOWN],
            "warnings_not_shown": max(len(warnings) - ERRORS_SHOWN, 0) + report.get("warnings_not_kept", 0),
        },
    )


def _visible_jobs(user):
    return ImportJob.objects.visible_to(user).select_related("organisation", "started_by")
