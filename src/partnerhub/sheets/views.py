"""Uploading a spreadsheet, checking its preview, confirming the import.

A batch belongs to the user who uploaded it: anyone else gets 404. Users who
edit for no organisation get a page that says why they cannot import.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.sheets.findings import TIER_NAMES, SheetRefused, Tier
from partnerhub.sheets.forms import SheetUploadForm
from partnerhub.sheets.models import ImportBatch
from partnerhub.sheets.services import Action, AlreadyImported, confirm_batch, preview_upload
from partnerhub.sheets.template import template_response_parts

RECENT_BATCHES = 5


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    if not editing_organisation_ids(request.user):
        return _cannot_import(request)
    posted = request.method == "POST"
    form = SheetUploadForm(request.user, request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        batch = _preview(form, request.user)
        if batch is not None:
            return redirect(batch)
    recent = ImportBatch.objects.filter(started_by=request.user).select_related("organisation")
    return render(request, "sheets/upload.html", {"form": form, "recent": recent[:RECENT_BATCHES]})


def _preview(form: SheetUploadForm, user) -> ImportBatch | None:
    upload_file = form.cleaned_data["file"]
    try:
        return preview_upload(upload_file.name, upload_file.read(), form.cleaned_data["organisation"], acting_user=user)
    except SheetRefused as refusal:
        form.add_error("file", refusal.message)
        return None


@login_required
@require_GET
def batch_preview(request, pk: int):
    batch = _own_batch(request, pk)
    return render(
        request,
        "sheets/preview.html",
        {
            "batch": batch,
            "rows": [_row_for_page(row) for row in batch.outcome],
            "file_findings": [_finding_for_page(finding.as_dict()) for finding in batch.content().findings],
            "importable": batch.counts.get("rows_read", 0) - batch.counts.get("skipped", 0),
        },
    )


@login_required
@require_POST
def batch_confirm(request, pk: int):
    batch = _own_batch(request, pk)
    try:
        summary = confirm_batch(batch, acting_user=request.user)
    except AlreadyImported:
        messages.info(request, _("This file was already imported."))
        return redirect(batch)
    except PermissionDenied:
        return _cannot_import(request)
    counts = summary.counts
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s not imported.")
        % counts,
    )
    return redirect(batch)


@login_required
@require_GET
def template_download(request, file_format: str):
    if file_format not in ("xlsx", "csv"):
        raise Http404
    content, content_type, file_name = template_response_parts(file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _own_batch(request, pk: int) -> ImportBatch:
    batches = ImportBatch.objects.filter(started_by=request.user).select_related("organisation")
    return get_object_or_404(batches, pk=pk)


def _row_for_page(row: dict) -> dict:
    return {
        **row,
        "action_label": Action(row["action"]).label,
        "findings": [_finding_for_page(finding) for finding in row["findings"]],
    }


def _finding_for_page(finding: dict) -> dict:
    tier = Tier(finding["tier"])
    return {**finding, "tier_name": TIER_NAMES[tier], "tier_label": tier.label}


def _cannot_import(request):
    return render(request, "sheets/cannot_import.html", status=403)
