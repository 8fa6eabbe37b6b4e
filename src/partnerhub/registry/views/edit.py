"""Recording, changing and deleting engagements in the browser.

A record the user may not see answers 404; a record the user sees but may not
change answers 403 with a page that says why.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnerhub.core.concurrency import EditConflict
from partnerhub.core.types import AuthenticatedHttpRequest
from partnerhub.core.visibility import can_edit, editing_organisation_ids
from partnerhub.registry.forms import EngagementEditor
from partnerhub.registry.models import Engagement
from partnerhub.registry.services import (
    EngagementInput,
    create_engagement,
    delete_engagement,
    input_from_engagement,
    update_engagement,
)
from partnerhub.registry.views.browse import history_label


@login_required
@require_http_methods(["GET", "POST"])
def engagement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not editing_organisation_ids(request.user):
        return render(request, "registry/engagement_cannot_record.html")
    editor = EngagementEditor(request.user, _posted(request))
    if editor.is_valid():
        engagement = _write(editor, lambda data: create_engagement(data, acting_user=request.user))
        if engagement is not None:
            messages.success(request, _("The engagement was recorded."))
            return redirect(engagement)
    return _form_page(request, editor, engagement=None)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement.objects.visible_to(request.user), pk=pk)
    if not can_edit(request.user, engagement):
        return _cannot_edit(request, engagement)
    editor = EngagementEditor(
        request.user, _posted(request), initial=input_from_engagement(engagement), version=engagement.version
    )
    if editor.is_valid():
        try:
            saved = _write(
                editor,
                lambda data: update_engagement(
                    engagement, data, acting_user=request.user, read_version=editor.read_version
                ),
            )
        except PermissionDenied:
            return _cannot_edit(request, engagement)
        except EditConflict as conflict:
            return _conflict_page(request, editor, engagement, conflict)
        if saved is not None:
            messages.success(request, _("Your changes were saved."))
            return redirect(saved)
    return _form_page(request, editor, engagement=engagement)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement.objects.visible_to(request.user), pk=pk)
    if not can_edit(request.user, engagement):
        return _cannot_edit(request, engagement)
    if request.method == "POST":
        title = engagement.title
        try:
            delete_engagement(engagement, acting_user=request.user)
        except PermissionDenied:
            return _cannot_edit(request, engagement)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
        return redirect("registry:engagement_list")
    return render(request, "registry/engagement_confirm_delete.html", {"engagement": engagement})


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _write(editor: EngagementEditor, service: Callable[[EngagementInput], Engagement]) -> Engagement | None:
    """Runs the service; its rule violations go back onto the form instead."""
    try:
        return service(editor.to_input())
    except ValidationError as error:
        editor.add_service_errors(error)
        return None


def _form_page(
    request: HttpRequest,
    editor: EngagementEditor,
    engagement: Engagement | None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "registry/engagement_form.html",
        {
            "editor": editor,
            "form": editor.form,
            "formsets": editor.formsets.values(),
            "error_summary": editor.error_summary() if editor.form.is_bound and conflict is None else [],
            "engagement": engagement,
            "conflict": conflict,
            "conflict_fields": [history_label(name) for name in conflict.changed_fields] if conflict else [],
            "form_version": _version_to_send(editor, conflict),
        },
        status=status,
    )


def _conflict_page(
    request: HttpRequest, editor: EngagementEditor, engagement: Engagement, conflict: EditConflict
) -> HttpResponse:
    """Nothing was written; the editor's input stays in the form. It now carries the current
    version, so that saving again is a deliberate choice made after reading the warning."""
    return _form_page(request, editor, engagement, conflict=conflict, status=409)


def _version_to_send(editor: EngagementEditor, conflict: EditConflict | None) -> int | str | None:
    if conflict is not None:
        return conflict.current_version
    value: int | str | None = editor.form["version"].value()
    return value


def _cannot_edit(request: HttpRequest, engagement: Engagement) -> HttpResponse:
    return render(request, "registry/engagement_cannot_edit.html", {"engagement": engagement}, status=403)
