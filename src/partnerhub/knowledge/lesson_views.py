"""The lesson pages (under /knowledge/lessons/): the list with its filters and exports, one lesson with its
outcome figures, documents, linked engagements and history, the forms that change them, and the download
of a document.

Every lesson comes from ``visible_to(request.user)``: hidden and missing answer the same 404; a reader who
may not change what they see gets 403. A document is only ever sent as a download, never shown inline.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partnerhub.core.forms import read_version, refused_as_conflict, saved_through
from partnerhub.core.history import history_rows
from partnerhub.core.rendering import render_page_or_partial
from partnerhub.core.types import StrOrPromise
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.knowledge import attachments, lesson_exports, lesson_queries, lesson_services
from partnerhub.knowledge.lesson_forms import AttachmentForm, LessonFilterForm, LessonForm, OutcomeFigureForm
from partnerhub.knowledge.models import Attachment, Lesson, OutcomeFigure

# -- the list ----------------------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[LessonFilterForm, Any]:
    form = LessonFilterForm(request.GET or None)
    return form, form.filter(lesson_queries.visible_lessons(request.user), request.user)


@require_safe
def lesson_list(request: HttpRequest) -> HttpResponse:
    form, lessons = _filtered(request)
    page = Paginator(lessons, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "lessons": page.object_list,
        "export_query": query.urlencode(),
        "may_create": bool(editing_organisation_ids(request.user)),
    }
    return render_page_or_partial(request, "knowledge/lessons/list.html", "knowledge/lessons/_rows.html", context)


@require_safe
def lesson_export(request: HttpRequest, file_format: str) -> HttpResponse | StreamingHttpResponse:
    if file_format not in lesson_exports.FORMATS:
        raise Http404
    _form, lessons = _filtered(request)
    return lesson_exports.export_response(list(lessons), request.user, file_format)


# -- one lesson ------------------------------------------------------------------------------------


def _visible_lesson(request: HttpRequest, pk: int) -> Lesson:
    """Hidden and missing lessons answer the same 404."""
    return get_object_or_404(lesson_queries.visible_lessons(request.user), pk=pk)


@require_safe
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(lesson_queries.lesson_detail(request.user), pk=pk)
    context = {
        "lesson": lesson,
        "may_change": lesson_services.may_change(request.user, lesson),
        "measured": lesson.kind in lesson_services.MEASURED_KINDS,
        "outcomes": list(lesson.outcomes.all()),
        "documents": list(lesson.attachments.all()),
        "engagements": list(lesson_queries.linked_engagements(lesson, request.user)),
        # The crisis is named only to who may see it.
        "crisis": lesson_queries.visible_crises(request.user).filter(pk=lesson.crisis_id).first()
        if lesson.crisis_id
        else None,
        "history": history_rows(lesson, request.user),
    }
    return render(request, "knowledge/lessons/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest) -> HttpResponse:
    if not editing_organisation_ids(request.user):
        raise PermissionDenied(_("Editors of an organisation record its lessons."))
    form = LessonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[Lesson] = []
        create = lesson_services.create_lesson
        if saved_through(
            form, lambda: created.append(create(owner=data["owner"], fields=data, acting_user=request.user))
        ):
            messages.success(request, _("The lesson was saved."))
            return redirect(created[0])
    return _lesson_form_page(request, form, _("New lesson"), cancel=reverse("knowledge:lesson_list"))


@login_required
@require_http_methods(["GET", "POST"])
def lesson_update(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _visible_lesson(request, pk)
    _require(lesson_services.may_change(request.user, lesson))
    form = LessonForm(request.POST or None, instance=lesson, user=request.user)
    if request.method == "POST" and form.is_valid():
        update = lesson_services.update_lesson
        if saved_through(
            form,
            lambda: update(lesson, form.cleaned_data, acting_user=request.user, read_version=read_version(form)),
        ):
            messages.success(request, _("The lesson was saved."))
            return redirect(lesson)
    return _lesson_form_page(request, form, _("Edit the lesson"), cancel=lesson.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def lesson_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _visible_lesson(request, pk)
    _require(lesson_services.may_change(request.user, lesson))
    return _deletion(
        request,
        lambda: lesson_services.delete_lesson(lesson, acting_user=request.user),
        question=_("Delete the lesson “%(title)s” with its outcome figures and documents?") % {"title": lesson.title},
        back=lesson.get_absolute_url(),
        done=_("The lesson was deleted."),
        then=reverse("knowledge:lesson_list"),
    )


# -- outcome figures ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def outcome_create(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _visible_lesson(request, pk)
    _require(lesson_services.may_change(request.user, lesson))
    form = OutcomeFigureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        add = lesson_services.add_outcome
        if saved_through(form, lambda: add(lesson, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The outcome figure was saved."))
            return redirect(lesson)
    return _small_form_page(request, form, _("Record an outcome figure"), lesson)


def _visible_outcome(request: HttpRequest, pk: int) -> OutcomeFigure:
    figures = OutcomeFigure.objects.visible_to(request.user).select_related("lesson__owner")
    return get_object_or_404(figures, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_update(request: HttpRequest, pk: int) -> HttpResponse:
    figure = _visible_outcome(request, pk)
    _require(lesson_services.may_change(request.user, figure.lesson))
    form = OutcomeFigureForm(request.POST or None, instance=figure)
    if request.method == "POST" and form.is_valid():
        update = lesson_services.update_outcome
        if saved_through(form, lambda: update(figure, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The outcome figure was saved."))
            return redirect(figure.lesson)
    return _small_form_page(request, form, _("Edit the outcome figure"), figure.lesson)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_delete(request: HttpRequest, pk: int) -> HttpResponse:
    figure = _visible_outcome(request, pk)
    _require(lesson_services.may_change(request.user, figure.lesson))
    return _deletion(
        request,
        lambda: lesson_services.delete_outcome(figure, acting_user=request.user),
        question=_("Delete the outcome figure “%(label)s”?") % {"label": figure.label},
        back=figure.lesson.get_absolute_url(),
        done=_("The outcome figure was deleted."),
    )


# -- documents ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attachment_create(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _visible_lesson(request, pk)
    _require(lesson_services.may_change(request.user, lesson))
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > attachments.max_bytes():
            # Refused before the file is read into memory.
            form.add_error("file", attachments.check_size_message(upload.name, upload.size))
        else:
            add = lesson_services.add_attachment
            content = upload.read()
            if saved_through(form, lambda: add(lesson, upload.name, content, acting_user=request.user)):
                messages.success(request, _("The document was attached."))
                return redirect(lesson)
    return _small_form_page(request, form, _("Attach a document"), lesson, multipart=True)


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    documents = Attachment.objects.visible_to(request.user).select_related("lesson__owner").defer("extracted_text")
    return get_object_or_404(documents, pk=pk)


@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Only as a download, with the type read from its content when it was attached."""
    return download_response(_visible_attachment(request, pk))


def download_response(document: Attachment) -> FileResponse:
    try:
        handle = attachments.path_of(document.stored_name).open("rb")
    except (OSError, ValueError) as error:
        raise Http404(_("The file of this document is missing.")) from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachments.safe_file_name(document.original_name),
        content_type=attachments.CONTENT_TYPES[document.content_kind],  # type: ignore[index]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _visible_attachment(request, pk)
    _require(lesson_services.may_change(request.user, document.lesson))
    return _deletion(
        request,
        lambda: lesson_services.remove_attachment(document, acting_user=request.user),
        question=_("Remove the document “%(name)s” from the lesson?") % {"name": document.original_name},
        back=document.lesson.get_absolute_url(),
        done=_("The document was removed."),
    )


# -- shared pieces ---------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may read this lesson but not change it."))


def _lesson_form_page(request: HttpRequest, form: LessonForm, title: StrOrPromise, *, cancel: str) -> HttpResponse:
    """409 when the save was refused because someone changed the lesson meanwhile."""
    status = 409 if refused_as_conflict(form) else 200
    return render(request, "web/record_form.html", {"form": form, "title": title, "cancel": cancel}, status=status)


def _small_form_page(
    request: HttpRequest, form: Any, title: StrOrPromise, lesson: Lesson, *, multipart: bool = False
) -> HttpResponse:
    context = {"form": form, "title": title, "lesson": lesson, "multipart": multipart}
    return render(request, "knowledge/lessons/small_form.html", context)


def _deletion(
    request: HttpRequest, delete: Callable[[], None], *, question: str, back: str, done: str, then: str = ""
) -> HttpResponse:
    """The confirmation page on GET; the deletion on POST."""
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return redirect(then or back)
    return render(request, "knowledge/lessons/confirm_delete.html", {"question": question, "back": back})
